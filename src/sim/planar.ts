/**
 * MDRP instances are planar (metres, UTM-like); the engine's stores keep WGS84 degrees. A local
 * equirectangular projection around an origin maps one to the other: exact enough for the
 * engine's own uses (which orders share a restaurant, the delivery sequence of a pickup), while
 * the simulator prices and moves couriers on the planar coordinates themselves.
 */

/** Metres per degree of latitude on the spec's sphere (R = 6371008.8 m). */
const METRES_PER_DEGREE = (6371008.8 * Math.PI) / 180;

export interface LatLng {
  lat: number;
  lng: number;
}

export class LocalPlane {
  private readonly metresPerDegreeLng: number;

  constructor(readonly origin: LatLng) {
    this.metresPerDegreeLng = METRES_PER_DEGREE * Math.cos((origin.lat * Math.PI) / 180);
  }

  toLatLng(x: number, y: number): LatLng {
    return { lat: this.origin.lat + y / METRES_PER_DEGREE, lng: this.origin.lng + x / this.metresPerDegreeLng };
  }

  toPlanar(lat: number, lng: number): { x: number; y: number } {
    return { x: (lng - this.origin.lng) * this.metresPerDegreeLng, y: (lat - this.origin.lat) * METRES_PER_DEGREE };
  }
}

/** Where MDRP's plane is placed on the globe (any mid-latitude point works). */
export const MDRP_PLANE = new LocalPlane({ lat: 40.7, lng: -74 });
