// Candidate edges from costs given by the caller: only listed pairs are eligible, a pair
// listed twice keeps its lower cost, then the penalty and max_candidates apply as for
// priced pairs.

import { arenaAlloc } from './arena';
import {
  Params, courierCount, orderCount, inputEdgeCount, inputEdgeOrder, inputEdgeCourier, inputEdgeCost,
  edgeKey, keyCost, keyCourier, loadI32, storeI32, setCandidateGraph, markExcluded, isExcluded,
} from './problem';
import { candidatesOf, keepCheapest } from './select';

export function buildFromGivenEdges(): void {
  const no = orderCount;
  const ne = inputEdgeCount;
  const penalty = Params.penalty;
  const k = Params.maxCandidates;

  // Bucket the listed edges by order (counting sort).
  const starts = arenaAlloc(<usize>(no + 1) << 2);
  const ends = arenaAlloc(<usize>no << 2);
  memory.fill(starts, 0, <usize>(no + 1) << 2);
  for (let e = 0; e < ne; e++) {
    const o = loadI32(inputEdgeOrder, e);
    storeI32(starts, o + 1, loadI32(starts, o + 1) + 1);
  }
  for (let o = 0; o < no; o++) {
    storeI32(starts, o + 1, loadI32(starts, o + 1) + loadI32(starts, o));
    storeI32(ends, o, loadI32(starts, o));
  }
  const keys = arenaAlloc(<usize>ne << 3);
  for (let e = 0; e < ne; e++) {
    const o = loadI32(inputEdgeOrder, e);
    const at = loadI32(ends, o);
    storeI32(ends, o, at + 1);
    store<u64>(keys + (<usize>at << 3), edgeKey(<i64>loadI32(inputEdgeCost, e), loadI32(inputEdgeCourier, e)));
  }

  // Per order: merge duplicate pairs (lower cost wins), drop what costs more than the
  // penalty, keep the K cheapest. Rows are compacted in place.
  const seenInRow = arenaAlloc(<usize>courierCount << 2); // order index + 1 that last listed the courier
  const slotOf = arenaAlloc(<usize>courierCount << 2);
  memory.fill(seenInRow, 0, <usize>courierCount << 2);
  let candidates: f64 = 0;
  let kept: f64 = 0;
  for (let o = 0; o < no; o++) {
    const begin = loadI32(starts, o);
    const end = loadI32(ends, o);
    let distinctEnd = begin;
    markExcluded(o);
    for (let e = begin; e < end; e++) {
      const key = load<u64>(keys + (<usize>e << 3));
      const c = keyCourier(key);
      if (isExcluded(o, c)) continue;
      if (loadI32(seenInRow, c) == o + 1) {
        const slot = keys + (<usize>loadI32(slotOf, c) << 3);
        if (key < load<u64>(slot)) store<u64>(slot, key);
      } else {
        storeI32(seenInRow, c, o + 1);
        storeI32(slotOf, c, distinctEnd);
        store<u64>(keys + (<usize>distinctEnd << 3), key);
        distinctEnd++;
      }
    }
    let keptEnd = begin;
    for (let e = begin; e < distinctEnd; e++) {
      const key = load<u64>(keys + (<usize>e << 3));
      if (keyCost(key) <= penalty) {
        store<u64>(keys + (<usize>keptEnd << 3), key);
        keptEnd++;
      }
    }
    candidates += candidatesOf(distinctEnd - begin, k);
    keptEnd = keepCheapest(keys, begin, keptEnd, k);
    kept += <f64>(keptEnd - begin);
    storeI32(ends, o, keptEnd);
  }
  setCandidateGraph(starts, ends, keys, candidates, kept, <f64>inputEdgeCount);
}
