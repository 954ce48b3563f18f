// The solver's host interface. A solve is: beginProblem (sizes the input), the host
// writes the input columns at inputColumn(i), setParams, buildCandidates, solveAssignment,
// then the host reads the results. Phases are separate calls so the host can time them.
// A warm solve calls beginWarmStart after beginProblem and writes its two columns too.

import { arenaAlloc, arenaReset } from './arena';
import { buildFromGivenEdges } from './given-edges';
import { buildFromPositions } from './positions';
import { buildFromClasses, clearClasses } from './courier-classes';
import {
  Params, allocateInput, candidateEdges, keptEdges, pricedPairs, courierCount, orderCount, rowStart, rowEnd, edgeKeys,
  keyCourier, keyCost,
  courierLat, courierLng, courierSpeed, courierFreeIn, orderPickupLat, orderPickupLng,
  orderDropoffLat, orderDropoffLng, orderReady, inputEdgeOrder, inputEdgeCourier, inputEdgeCost,
  inputExcludedOrder, inputExcludedCourier, indexExcludedPairs,
} from './problem';
import * as assignment from './assignment';
import * as warmGraph from './warm-graph';
import { bids as auctionBids, rowsToPlace as auctionRowsToPlace } from './auction';

export function beginProblem(couriers: i32, orders: i32, givenEdges: i32, excludedPairs: i32): void {
  arenaReset();
  allocateInput(couriers, orders, givenEdges, excludedPairs);
  assignment.clearWarmStart();
  warmGraph.clearWarmGraph();
  clearClasses();
}

/** This problem starts from the previous solve's matching and courier duals (input columns 14 and 15). */
export function beginWarmStart(): void {
  assignment.allocateWarmStart();
}

/**
 * This problem may reuse the previous tick's graph (warm-graph.ts): sizes its block of `bytes`
 * and returns its address; the host writes it there, and input columns 16 and 17 (per order its
 * index in that problem or -1, per courier of that problem its index here or -1).
 */
export function beginWarmGraph(bytes: usize, previousCouriers: i32): usize {
  return warmGraph.beginWarmGraph(bytes, previousCouriers);
}

/** Address of input column `column`, numbered as in src/solver/wasm-solver.ts. */
export function inputColumn(column: i32): usize {
  switch (column) {
    case 0: return courierLat;
    case 1: return courierLng;
    case 2: return courierSpeed;
    case 3: return courierFreeIn;
    case 4: return orderPickupLat;
    case 5: return orderPickupLng;
    case 6: return orderDropoffLat;
    case 7: return orderDropoffLng;
    case 8: return orderReady;
    case 9: return inputEdgeOrder;
    case 10: return inputEdgeCourier;
    case 11: return inputEdgeCost;
    case 12: return inputExcludedOrder;
    case 13: return inputExcludedCourier;
    case 14: return assignment.warmRowCol;
    case 15: return assignment.warmColDual;
    case 16: return warmGraph.warmOrderBefore;
    case 17: return warmGraph.warmCourierNow;
    default: unreachable();
  }
  return 0;
}

export function setParams(maxPickupS: f64, maxCandidates: i32, penaltyDeciseconds: i32, detourFactor: f64, waitWeight: f64, handoverS: f64): void {
  Params.maxPickupS = maxPickupS;
  Params.maxCandidates = maxCandidates;
  Params.penalty = <i64>penaltyDeciseconds;
  Params.detourFactor = detourFactor;
  Params.waitWeight = waitWeight;
  Params.handoverS = handoverS;
}

/** Builds the candidate graph; `fromGivenEdges` selects the caller-given costs. A carried graph that fits is reused. */
export function buildCandidates(fromGivenEdges: bool): void {
  indexExcludedPairs();
  if (fromGivenEdges) buildFromGivenEdges();
  else if (!warmGraph.buildFromWarmGraph() && !buildFromClasses()) buildFromPositions();
}

/**
 * Packs this solve's problem and graph for the next tick's (warm-graph.ts) and returns the
 * block's address (0 when K > 0: not reusable); its byte length is the f64 at index 3.
 */
export function writeWarmGraph(): usize {
  return warmGraph.writeWarmGraph();
}

export function solveAssignment(): void {
  assignment.solveAssignment();
}

// Result columns, allocated after the solve: courier per order (i32), cost per order (i32),
// and with duals the order duals and courier duals (f64).
let resultCourier: usize = 0;
let resultCost: usize = 0;
let resultOrderDual: usize = 0;
let resultCourierDual: usize = 0;

export function writeResults(withDuals: bool): void {
  resultCourier = arenaAlloc(<usize>orderCount << 2);
  resultCost = arenaAlloc(<usize>orderCount << 2);
  assignment.writeAssignment(resultCourier, resultCost);
  if (withDuals) {
    resultOrderDual = arenaAlloc(<usize>orderCount << 3);
    resultCourierDual = arenaAlloc(<usize>courierCount << 3);
    assignment.writeDuals(resultOrderDual, resultCourierDual);
  }
}

export function resultColumn(column: i32): usize {
  switch (column) {
    case 0: return resultCourier;
    case 1: return resultCost;
    case 2: return resultOrderDual;
    case 3: return resultCourierDual;
    default: unreachable();
  }
  return 0;
}

/**
 * The kept candidate graph where it lies, for the host to read in place (the certificate check):
 * row o's edges are the u64 keys [rowStart[o], rowEnd[o]) at candidateKeys(), key =
 * (cost << 32) | courier. Valid until the next beginProblem.
 */
export function candidateRowStarts(): usize { return rowStart; }
export function candidateRowEnds(): usize { return rowEnd; }
export function candidateKeys(): usize { return edgeKeys; }

/**
 * Writes the kept candidate graph (edges costing at most the penalty) as three i32
 * columns: order, courier, cost; returns their address. For inspection and tests.
 */
export function writeCandidates(): usize {
  const count = <i32>keptEdges;
  const out = arenaAlloc(<usize>count * 12);
  let at: i32 = 0;
  for (let o = 0; o < orderCount; o++) {
    const end = load<i32>(rowEnd + (<usize>o << 2));
    for (let e = load<i32>(rowStart + (<usize>o << 2)); e < end; e++) {
      const key = load<u64>(edgeKeys + (<usize>e << 3));
      store<i32>(out + (<usize>at << 2), o);
      store<i32>(out + (<usize>(count + at) << 2), keyCourier(key));
      store<i32>(out + (<usize>(2 * count + at) << 2), <i32>keyCost(key));
      at++;
    }
  }
  return out;
}

export function objective(): f64 { return assignment.objective; }
export function rounds(): i32 { return assignment.rounds; }
export function bids(): f64 { return auctionBids; }
export function pricedEdges(): f64 { return assignment.pricedEdges; }
export function rowsToPlace(): i32 { return auctionRowsToPlace; }
export function warmStarted(): bool { return assignment.warmGiven; }
export function candidateEdgeCount(): f64 { return candidateEdges; }
export function keptEdgeCount(): f64 { return keptEdges; }
export function pricedPairCount(): f64 { return pricedPairs; }
export function reusedEdgeCount(): f64 { return warmGraph.reusedEdges; }
