import { performance } from 'node:perf_hooks';
import type { CertifiedEdges } from '../domain/certificate.js';
import { candidateGraphOf, type CandidateGraph, type Problem, type Solution } from '../domain/problem.js';
import { instantiateSolver, type SolverExports } from './wasm-module.js';
import type { WarmStart } from './warm-start.js';

// Column numbers of assembly/index.ts inputColumn / resultColumn.
const enum Input {
  CourierLat,
  CourierLng,
  CourierSpeed,
  CourierFreeIn,
  OrderPickupLat,
  OrderPickupLng,
  OrderDropoffLat,
  OrderDropoffLng,
  OrderReady,
  EdgeOrder,
  EdgeCourier,
  EdgeCost,
  ExcludedOrder,
  ExcludedCourier,
  WarmOrderCourier,
  WarmCourierDual,
  WarmOrderBefore,
  WarmCourierNow,
}
const enum Output {
  Courier,
  Cost,
  OrderDual,
  CourierDual,
}

export interface SolveOptions {
  /** Return the dual certificate (orderDual, courierDual). */
  duals?: boolean;
  /** Return a copy of the kept candidate graph, what the certificate is checked against (Solution.candidates). */
  candidates?: boolean;
  /** Start from the previous solve (warm-start.ts); the result is the same optimum. */
  warm?: WarmStart;
  /** Return this solve's problem and graph for the next tick's to reuse (Solution.warmGraph). */
  warmGraph?: boolean;
}

/** Where writeWarmGraph's block (assembly/warm-graph.ts) holds its count of keys and its byte length without them, in f64. */
const WARM_GRAPH_KEYS_WORD = 2;
const WARM_GRAPH_BYTES_WORD = 3;

/**
 * The bytes of a warm graph's block that are the graph (a buffer written over may be longer), or
 * 0 when its header does not fit the buffer.
 */
function warmGraphLength(buffer: ArrayBuffer): number {
  if (buffer.byteLength < 8 * (WARM_GRAPH_BYTES_WORD + 1)) return 0;
  const header = new Float64Array(buffer, 0, WARM_GRAPH_BYTES_WORD + 1);
  const length = header[WARM_GRAPH_BYTES_WORD] + 8 * header[WARM_GRAPH_KEYS_WORD];
  return Number.isSafeInteger(length) && length > 0 && length <= buffer.byteLength ? length : 0;
}

/**
 * Linear memory is 32-bit: input columns and per-courier/per-order buffers must stay well
 * inside it, or byte sizes computed in wasm would wrap instead of failing.
 */
const MAX_INPUT_BYTES = 2 ** 30;

/** Integer deciseconds of the spec: floor(seconds * 10 + 0.5). */
export function toDeciseconds(seconds: number): number {
  return Math.floor(seconds * 10 + 0.5);
}

/**
 * One wasm instance and its memory, reused across solves (memory only ever grows, so a
 * warm instance allocates nothing). Not re-entrant: one solve at a time per instance.
 */
export class WasmSolver {
  readonly #wasm: SolverExports;
  /** Orders of the problem last loaded: the rows of its candidate graph. */
  #orderCount = 0;
  /** A warm graph's buffer handed over to this solve (WarmGraph.handedOver), to write its own graph into. */
  #spareGraph: ArrayBuffer | undefined;

  constructor(wasm: SolverExports = instantiateSolver()) {
    this.#wasm = wasm;
  }

  /** Bytes of linear memory currently reserved by this instance. */
  get memoryBytes(): number {
    return this.#wasm.memory.buffer.byteLength;
  }

  solve(problem: Problem, options: SolveOptions = {}): Solution {
    const wasm = this.#wasm;
    const started = performance.now();
    const { courierCount, orderCount } = problem;
    this.#load(problem);
    this.#spareGraph = undefined;
    if (options.warm) this.#loadWarmStart(options.warm, courierCount, orderCount);

    const buildStarted = performance.now();
    wasm.buildCandidates(problem.kind === 'edges');
    const matchStarted = performance.now();
    wasm.solveAssignment();
    const matchEnded = performance.now();

    const withDuals = options.duals === true;
    wasm.writeResults(withDuals);
    const buffer = wasm.memory.buffer;
    // slice(): the results must outlive the next solve on this instance.
    const orderCourier = new Int32Array(buffer, wasm.resultColumn(Output.Courier), orderCount).slice();
    const orderCost = new Int32Array(buffer, wasm.resultColumn(Output.Cost), orderCount).slice();
    const assigned = orderCourier.reduce((n, c) => (c >= 0 ? n + 1 : n), 0);
    const solution: Solution = {
      objective: wasm.objective(),
      orderCourier,
      orderCost,
      stats: {
        couriers: courierCount,
        orders: orderCount,
        edges: wasm.candidateEdgeCount(),
        edgesKept: wasm.keptEdgeCount(),
        edgesPriced: wasm.pricedEdges(),
        pairsPriced: wasm.pricedPairCount(),
        rounds: wasm.rounds(),
        bids: wasm.bids(),
        assigned,
        unassigned: orderCount - assigned,
        warmStart: wasm.warmStarted() !== 0,
        rowsToPlace: wasm.rowsToPlace(),
        edgesReused: wasm.reusedEdgeCount(),
        edgeBuildMs: matchStarted - buildStarted,
        matchingMs: matchEnded - matchStarted,
        solveMs: 0,
      },
    };
    if (withDuals) {
      solution.orderDual = new Float64Array(buffer, wasm.resultColumn(Output.OrderDual), orderCount).slice();
      solution.courierDual = new Float64Array(buffer, wasm.resultColumn(Output.CourierDual), courierCount).slice();
    }
    // The solve leaves the graph in place (working sets only reorder each row's keys).
    if (options.candidates === true) solution.candidates = this.#writeCandidates();
    if (options.warmGraph === true && problem.kind === 'positions') {
      const at = wasm.writeWarmGraph(); // before reading memory.buffer: writing may grow (detach) it
      if (at !== 0) {
        // The block, then the graph's keys (u64) appended from where they lie: one copy of each.
        const memory = new Uint8Array(wasm.memory.buffer);
        const bytes = new Float64Array(wasm.memory.buffer, at, WARM_GRAPH_BYTES_WORD + 1)[WARM_GRAPH_BYTES_WORD];
        const keyBytes = 8 * wasm.keptEdgeCount();
        const spare = this.#takeSpareGraph();
        // A fresh buffer gets an eighth to spare, so that next tick's graph fits into it too.
        const length = bytes + keyBytes;
        const block =
          spare !== undefined && spare.byteLength >= length
            ? new Uint8Array(spare, 0, length)
            : new Uint8Array(new ArrayBuffer(length + (length >> 3)), 0, length);
        block.set(memory.subarray(at, at + bytes));
        block.set(memory.subarray(wasm.candidateKeys(), wasm.candidateKeys() + keyBytes), bytes);
        solution.warmGraph = block.buffer;
      }
    }
    solution.stats.solveMs = performance.now() - started;
    return solution;
  }

  /** The kept candidate graph (edges costing at most the penalty), one row per edge. */
  candidates(problem: Problem): CandidateGraph {
    this.#load(problem);
    this.#wasm.buildCandidates(problem.kind === 'edges');
    return this.#writeCandidates();
  }

  /**
   * The last solve's kept candidate graph as views on the solver's memory, nothing copied or
   * written: valid until the next call on this instance (for a check made at once, on a graph of
   * tens of millions of edges).
   */
  keptGraph(): CertifiedEdges {
    const wasm = this.#wasm;
    const buffer = wasm.memory.buffer;
    const orders = this.#orderCount;
    const rowStart = new Int32Array(buffer, wasm.candidateRowStarts(), orders);
    const rowEnd = new Int32Array(buffer, wasm.candidateRowEnds(), orders);
    const keys = rowEnd.reduce((end, e) => Math.max(end, e), 0);
    // A key is (cost << 32) | courier, little-endian: as i32 pairs, courier then cost.
    return { rowStart, rowEnd, courierCost: new Int32Array(buffer, wasm.candidateKeys(), 2 * keys) };
  }

  #takeSpareGraph(): ArrayBuffer | undefined {
    const spare = this.#spareGraph;
    this.#spareGraph = undefined;
    return spare;
  }

  #writeCandidates(): CandidateGraph {
    const wasm = this.#wasm;
    const at = wasm.writeCandidates(); // before reading memory.buffer: writing may grow (detach) it
    // One copy out of wasm memory, as one block: it crosses to the pool's caller without another.
    return candidateGraphOf(new Int32Array(wasm.memory.buffer, at, 3 * wasm.keptEdgeCount()).slice());
  }

  #loadWarmStart(warm: WarmStart, courierCount: number, orderCount: number): void {
    if (warm.orderCourier.length !== orderCount || warm.courierDual.length !== courierCount) {
      throw new RangeError(
        `warm start for ${warm.orderCourier.length} orders and ${warm.courierDual.length} couriers, the problem has ${orderCount} and ${courierCount}`,
      );
    }
    const wasm = this.#wasm;
    wasm.beginWarmStart();
    new Int32Array(wasm.memory.buffer, wasm.inputColumn(Input.WarmOrderCourier), orderCount).set(warm.orderCourier);
    new Int32Array(wasm.memory.buffer, wasm.inputColumn(Input.WarmCourierDual), courierCount).set(warm.courierDual);
    const graph = warm.graph;
    const length = graph === undefined ? 0 : warmGraphLength(graph.block);
    if (graph === undefined || length === 0) return;
    if (graph.orderBefore.length !== orderCount) throw new RangeError(`warm graph for ${graph.orderBefore.length} orders, the problem has ${orderCount}`);
    const at = wasm.beginWarmGraph(length, graph.courierNow.length);
    new Uint8Array(wasm.memory.buffer, at, length).set(new Uint8Array(graph.block, 0, length));
    if (graph.handedOver === true) this.#spareGraph = graph.block;
    new Int32Array(wasm.memory.buffer, wasm.inputColumn(Input.WarmOrderBefore), orderCount).set(graph.orderBefore);
    new Int32Array(wasm.memory.buffer, wasm.inputColumn(Input.WarmCourierNow), graph.courierNow.length).set(graph.courierNow);
  }

  /** Writes the problem's columns and parameters into a fresh arena. */
  #load(problem: Problem): void {
    const wasm = this.#wasm;
    const { courierCount, orderCount, params } = problem;
    const givenEdges = problem.kind === 'edges' ? problem.edgeOrder.length : 0;
    const excludedPairs = problem.excluded?.order.length ?? 0;
    // Bytes per courier, order, given edge and excluded pair over all the solver's buffers, with margin.
    const inputBytes = courierCount * 96 + orderCount * 96 + (givenEdges + excludedPairs) * 24;
    if (inputBytes > MAX_INPUT_BYTES) {
      throw new RangeError(`problem too large for the solver's 32-bit memory: ${courierCount} couriers, ${orderCount} orders, ${givenEdges} edges`);
    }
    wasm.beginProblem(courierCount, orderCount, givenEdges, excludedPairs);
    this.#orderCount = orderCount;
    // Views are made after beginProblem: growing memory detaches earlier ones.
    const f64 = (column: Input, length: number) => new Float64Array(wasm.memory.buffer, wasm.inputColumn(column), length);
    const i32 = (column: Input, length: number) => new Int32Array(wasm.memory.buffer, wasm.inputColumn(column), length);
    if (problem.kind === 'positions') {
      f64(Input.CourierLat, courierCount).set(problem.courierLat);
      f64(Input.CourierLng, courierCount).set(problem.courierLng);
      f64(Input.CourierSpeed, courierCount).set(problem.courierSpeedMps);
      f64(Input.CourierFreeIn, courierCount).set(problem.courierFreeInS);
      f64(Input.OrderPickupLat, orderCount).set(problem.orderPickupLat);
      f64(Input.OrderPickupLng, orderCount).set(problem.orderPickupLng);
      f64(Input.OrderDropoffLat, orderCount).set(problem.orderDropoffLat);
      f64(Input.OrderDropoffLng, orderCount).set(problem.orderDropoffLng);
      f64(Input.OrderReady, orderCount).set(problem.orderReadyInS);
    } else {
      i32(Input.EdgeOrder, givenEdges).set(problem.edgeOrder);
      i32(Input.EdgeCourier, givenEdges).set(problem.edgeCourier);
      i32(Input.EdgeCost, givenEdges).set(problem.edgeCost);
    }
    if (problem.excluded) {
      i32(Input.ExcludedOrder, excludedPairs).set(problem.excluded.order);
      i32(Input.ExcludedCourier, excludedPairs).set(problem.excluded.courier);
    }
    wasm.setParams(params.maxPickupS, params.maxCandidates, toDeciseconds(params.unassignedPenaltyS), params.detourFactor, params.waitWeight, params.handoverS);
  }
}
