/**
 * Bundled pickups in the engine (docs/solver.md, "Bundled pickups"): propose a partition of the
 * orders into bundles of one restaurant each (heuristic, bundle-proposal.ts), price every
 * courier × bundle option by the spec's formula generalised to a sequence of dropoffs
 * (bundle-pricing.ts), and assign couriers to bundles exactly with the wasm core
 * (bundle-assignment.ts). This module is the entry point; the parts live in their own files.
 */
export { MAX_BUNDLE_SIZE, bestSequence, sequenceTotalS, type Bundle, type SequenceLegs } from './bundle-sequence.js';
export { proposeBundles, bundleOrdersOf, type BundleOrder, type BundleOptions } from './bundle-proposal.js';
export { priceBundle, bundleEdgesFromPositions, type BundleEdge } from './bundle-pricing.js';
export { solveBundles, type AssignmentSolver, type BundleAssignment, type BundleAssignmentInput } from './bundle-assignment.js';
export { haversineM, specTravelS } from './spec-geometry.js';
