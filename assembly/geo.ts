// Geometry of the spec, to the unit: the haversine distance is evaluated exactly as
// written there, in the same order of operations, so that every pair is priced as any
// other conforming solver prices it. Per-point values (radians, cos φ, unit vectors)
// are computed once per point, never per pair.

export const EARTH_RADIUS_M: f64 = 6371008.8;
const TWO_R: f64 = 2 * EARTH_RADIUS_M;
const DEG_TO_RAD: f64 = Math.PI / 180;

@inline export function toRadians(degrees: f64): f64 {
  return degrees * DEG_TO_RAD;
}

/** The spec's dist(a, b) from radians and the cosines of both latitudes. */
@inline export function haversineM(phiA: f64, lambdaA: f64, cosPhiA: f64, phiB: f64, lambdaB: f64, cosPhiB: f64): f64 {
  const sinHalfDPhi = Math.sin((phiB - phiA) / 2);
  const sinHalfDLambda = Math.sin((lambdaB - lambdaA) / 2);
  // Rounding can push h a hair above 1 for antipodal points; asin would be NaN there.
  const h = min(sinHalfDPhi * sinHalfDPhi + cosPhiA * cosPhiB * (sinHalfDLambda * sinHalfDLambda), 1.0);
  return TWO_R * Math.asin(Math.sqrt(h));
}

/** Unit vector of a point (for the chord prefilter and the spatial hash). */
@inline export function unitX(phi: f64, lambda: f64): f64 { return Math.cos(phi) * Math.cos(lambda); }
@inline export function unitY(phi: f64, lambda: f64): f64 { return Math.cos(phi) * Math.sin(lambda); }
@inline export function unitZ(phi: f64): f64 { return Math.sin(phi); }

/**
 * Squared chord (on the unit sphere) that bounds a great-circle reach of `reachM` metres.
 * chord ≤ arc always, so a pair whose chord exceeds this cannot be within reach; the
 * relative and absolute slack absorb the rounding of both computations.
 */
@inline export function reachChordSquared(reachM: f64): f64 {
  const chord = (reachM * (1 + 1e-9) + 1e-6) / EARTH_RADIUS_M;
  return chord * chord;
}
