/**
 * The spec's geometry in TypeScript (docs/problem.md, "The price of a pair"): the haversine
 * distance and the travel time, written in exactly the order of operations of the spec and of
 * the wasm core's exact path (assembly/geo.ts), so that a price computed here agrees with the
 * engine's to the bit. The core imports JavaScript's own Math.sin/cos/asin for that formula,
 * which is what makes bit-for-bit agreement possible at all (docs/solver.md).
 *
 * Used by the bundle pricing, which must reduce to the spec's pair price for one order.
 */

export const EARTH_RADIUS_M = 6371008.8;
const TWO_R = 2 * EARTH_RADIUS_M;
const DEG_TO_RAD = Math.PI / 180;

export function toRadians(degrees: number): number {
  return degrees * DEG_TO_RAD;
}

/** The spec's dist(a, b) from radians and the cosines of both latitudes (as assembly/geo.ts haversineM). */
export function haversineRadiansM(phiA: number, lambdaA: number, cosPhiA: number, phiB: number, lambdaB: number, cosPhiB: number): number {
  const sinHalfDPhi = Math.sin((phiB - phiA) / 2);
  const sinHalfDLambda = Math.sin((lambdaB - lambdaA) / 2);
  // Rounding can push h a hair above 1 for antipodal points; asin would be NaN there (the core clamps too).
  const h = Math.min(sinHalfDPhi * sinHalfDPhi + cosPhiA * cosPhiB * (sinHalfDLambda * sinHalfDLambda), 1);
  return TWO_R * Math.asin(Math.sqrt(h));
}

/** The spec's dist(a, b) in metres, from degrees. */
export function haversineM(latA: number, lngA: number, latB: number, lngB: number): number {
  const phiA = toRadians(latA);
  const phiB = toRadians(latB);
  return haversineRadiansM(phiA, toRadians(lngA), Math.cos(phiA), phiB, toRadians(lngB), Math.cos(phiB));
}

/**
 * The spec's travel(a, b, v) = dist(a, b) · detour_factor / v as a travel-time function, e.g.
 * with a reference speed for proposing bundles before any courier is known.
 */
export function specTravelS(detourFactor: number, speedMps: number): (aLat: number, aLng: number, bLat: number, bLng: number) => number {
  return (aLat, aLng, bLat, bLng) => (haversineM(aLat, aLng, bLat, bLng) * detourFactor) / speedMps;
}
