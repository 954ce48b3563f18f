// Geometry of the spec, to the unit: the haversine distance is evaluated exactly as
// written there, in the same order of operations, so that every pair is priced as any
// other conforming solver prices it. Per-point values (radians, cos φ, unit vectors)
// are computed once per point, never per pair.
//
// The spec's formula uses the host's sin, cos and asin (imported): libms differ in the
// last bit now and then, and on a rounding boundary of the integer cost that bit decides
// the cost. With the host's functions the engine prices exactly as the same formula in
// JavaScript does. The calls are rare: most pairs are priced from the chord distance
// below, with a proven bound, and only re-priced here when the bound is not enough.

@external("env", "sin") declare function hostSin(x: f64): f64;
@external("env", "cos") declare function hostCos(x: f64): f64;
@external("env", "asin") declare function hostAsin(x: f64): f64;

export const EARTH_RADIUS_M: f64 = 6371008.8;
const TWO_R: f64 = 2 * EARTH_RADIUS_M;
const DEG_TO_RAD: f64 = Math.PI / 180;

@inline export function toRadians(degrees: f64): f64 {
  return degrees * DEG_TO_RAD;
}

/** The spec's dist(a, b) from radians and the cosines of both latitudes. */
@inline export function haversineM(phiA: f64, lambdaA: f64, cosPhiA: f64, phiB: f64, lambdaB: f64, cosPhiB: f64): f64 {
  const sinHalfDPhi = hostSin((phiB - phiA) / 2);
  const sinHalfDLambda = hostSin((lambdaB - lambdaA) / 2);
  // Rounding can push h a hair above 1 for antipodal points; asin would be NaN there.
  const h = min(sinHalfDPhi * sinHalfDPhi + cosPhiA * cosPhiB * (sinHalfDLambda * sinHalfDLambda), 1.0);
  return TWO_R * hostAsin(Math.sqrt(h));
}

/** cos φ as the spec's formula uses it. */
@inline export function cosLatitude(phi: f64): f64 {
  return hostCos(phi);
}

/** Unit vector of a point (for the chord prefilter and the courier grid). */
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

/** Chords below this (≈ 64 km) are converted to arcs by a series instead of the exact formula. */
export const SERIES_CHORD_SQUARED_LIMIT: f64 = 1e-4;

/**
 * Great-circle distance from a squared chord on the unit sphere: 2R·asin(chord/2) by
 * its series (the first omitted term is below 1e-19 of the result for chords under the
 * limit). It differs from the spec's haversine, as evaluated, by less than
 * distanceSlackM(): unit-vector rounding is ~1e-15 of R (≈ 1e-8 m) and the rest is
 * relative rounding; the slack keeps a 100-fold margin over both.
 */
@inline export function chordDistanceM(chordSquared: f64): f64 {
  const half = Math.sqrt(chordSquared) * 0.5;
  const h2 = half * half;
  return TWO_R * half * (1 + h2 * (1.0 / 6 + h2 * (3.0 / 40 + h2 * (5.0 / 112))));
}

@inline export function distanceSlackM(distanceM: f64): f64 {
  return 1e-6 + 1e-12 * distanceM;
}
