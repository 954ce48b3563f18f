/**
 * The thread hand-off encoding: problems and solutions packed into one buffer and back,
 * and bad problem content rejected while packing, with the JSON reader's own errors,
 * before any worker sees it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/domain/errors.js';
import { packProblem, unpackProblem } from '../../src/domain/packed-problem.js';
import type { EdgesProblem, PositionsProblem, Problem } from '../../src/domain/problem.js';
import { snapshotFromObject } from '../../src/domain/snapshot.js';
import { loadSolver } from '../../src/solver/index.js';
import { packSolution, unpackSolution } from '../../src/solver/solve-task.js';
import { SolverPool } from '../../src/solver/solver-pool.js';
import { inputErrorOf } from '../support/input-error.js';

// Loose on purpose: the cases below break it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- malformed on purpose: no type fits
type Json = any;

const positionsJson = (): Json => ({
  city: 'bcn',
  couriers: [
    { id: 'c-1', lat: 41.39, lng: 2.154, speed_mps: 4.2, free_in_s: 0 },
    { id: 'c-2', lat: 41.4, lng: 2.16, speed_mps: 5, free_in_s: 30 },
  ],
  orders: [
    { id: 'o-1', pickup_lat: 41.387, pickup_lng: 2.17, dropoff_lat: 41.4012, dropoff_lng: 2.1605, ready_in_s: 300 },
    { id: 'o-2', pickup_lat: 41.38, pickup_lng: 2.18, dropoff_lat: 41.39, dropoff_lng: 2.19, ready_in_s: -45 },
    { id: 'o-3', pickup_lat: 41.39, pickup_lng: 2.17, dropoff_lat: 41.39, dropoff_lng: 2.17, ready_in_s: 0 },
  ],
});

const edgesJson = (): Json => ({
  city: 'custom',
  params: { max_candidates: 2 },
  couriers: [{ id: 'c-1' }, { id: 'c-2' }, { id: 'c-3' }],
  orders: [{ id: 'o-1' }, { id: 'o-2' }],
  edges: [
    [0, 0, 8123],
    [0, 1, 9000],
    [1, 2, 0],
  ],
});

const problemOf = (json: Json) => snapshotFromObject(json).problem;

describe('packProblem / unpackProblem', () => {
  it.each([
    ['positions', positionsJson],
    ['edges', edgesJson],
  ])('round-trip a %s problem through one buffer, leaving the original as it was', (_kind, json) => {
    const problem = problemOf(json());
    const before = structuredClone(problem);
    const packed = packProblem(problem);
    const unpacked = unpackProblem(packed);
    expect(unpacked).toEqual(problem);
    expect(problem).toEqual(before);
    const columns = Object.values(unpacked).filter(ArrayBuffer.isView);
    expect(columns.length).toBe(unpacked.kind === 'positions' ? 9 : 3);
    for (const column of columns) expect(column.buffer).toBe(packed.buffer);
  });

  it('refuses a buffer that does not fit the header', () => {
    const { header } = packProblem(problemOf(positionsJson()));
    // 2 couriers × 4 columns × 8 bytes + 3 orders × 5 columns × 8 bytes = 184.
    expect(() => unpackProblem({ header, buffer: new ArrayBuffer(8) })).toThrow('packed columns take 184 bytes, the buffer has 8');
  });
});

describe('packSolution / unpackSolution', () => {
  it.each([false, true])('round-trip a solution through one fresh buffer (duals: %s)', (duals) => {
    const solution = loadSolver().solve(problemOf(positionsJson()), { duals });
    const packed = packSolution(solution, 1.5);
    expect(packed.duals).toBe(duals);
    const unpacked = unpackSolution(packed);
    expect(unpacked).toEqual(solution);
    expect(unpacked.orderCourier.buffer).toBe(packed.buffer);
  });
});

/**
 * [name, base JSON, the fault in the JSON, the same fault in the columns]: the JSON reader
 * and packProblem must report it identically.
 */
type Fault<P extends Problem> = [name: string, json: () => Json, breakJson: (s: Json) => void, breakProblem: (p: P) => void];

const positionsFaults: Fault<PositionsProblem>[] = [
  ['courier lat out of range', positionsJson, (s) => (s.couriers[1].lat = 141), (p) => (p.courierLat[1] = 141)],
  ['courier lng out of range', positionsJson, (s) => (s.couriers[0].lng = -180.5), (p) => (p.courierLng[0] = -180.5)],
  ['speed zero', positionsJson, (s) => (s.couriers[1].speed_mps = 0), (p) => (p.courierSpeedMps[1] = 0)],
  ['free_in_s negative', positionsJson, (s) => (s.couriers[0].free_in_s = -1), (p) => (p.courierFreeInS[0] = -1)],
  ['pickup_lat out of range', positionsJson, (s) => (s.orders[2].pickup_lat = 90.1), (p) => (p.orderPickupLat[2] = 90.1)],
  ['dropoff_lng not a number', positionsJson, (s) => (s.orders[1].dropoff_lng = NaN), (p) => (p.orderDropoffLng[1] = NaN)],
  ['ready_in_s infinite', positionsJson, (s) => (s.orders[0].ready_in_s = -Infinity), (p) => (p.orderReadyInS[0] = -Infinity)],
  ['max_pickup_s negative', positionsJson, (s) => (s.params = { max_pickup_s: -1 }), (p) => (p.params.maxPickupS = -1)],
  ['max_candidates fractional', positionsJson, (s) => (s.params = { max_candidates: 2.5 }), (p) => (p.params.maxCandidates = 2.5)],
  ['detour_factor zero', positionsJson, (s) => (s.params = { detour_factor: 0 }), (p) => (p.params.detourFactor = 0)],
  [
    'penalty rounding above MAX_COST',
    positionsJson,
    (s) => (s.params = { unassigned_penalty_s: 214748364.75 }),
    (p) => (p.params.unassignedPenaltyS = 214748364.75),
  ],
];

const edgesFaults: Fault<EdgesProblem>[] = [
  ['order index too large', edgesJson, (s) => (s.edges[2][0] = 2), (p) => (p.edgeOrder[2] = 2)],
  ['order index negative', edgesJson, (s) => (s.edges[0][0] = -1), (p) => (p.edgeOrder[0] = -1)],
  ['courier index too large', edgesJson, (s) => (s.edges[1][1] = 9), (p) => (p.edgeCourier[1] = 9)],
  ['cost negative', edgesJson, (s) => (s.edges[1][2] = -1), (p) => (p.edgeCost[1] = -1)],
];

describe('bad problem content', () => {
  let pool: SolverPool;
  beforeAll(async () => {
    pool = await SolverPool.start({ threads: 1 });
  });
  afterAll(() => pool.close());

  it.each([...positionsFaults, ...edgesFaults] as Fault<Problem>[])(
    '%s: rejected by packProblem and the pool as by the JSON reader, never reaching a worker',
    async (_name, json, breakJson, breakProblem) => {
      const broken = json();
      breakJson(broken);
      const fromJson = inputErrorOf(() => snapshotFromObject(broken));

      const problem = problemOf(json());
      breakProblem(problem);
      expect(inputErrorOf(() => packProblem(problem))).toEqual(fromJson);
      expect(inputErrorOf(() => packProblem(problem)).message).toBe(fromJson.message);

      const before = pool.stats();
      await expect(pool.solve(problem)).rejects.toThrow(new InputError(fromJson.field, fromJson.reason));
      expect(pool.stats()).toEqual(before);
    },
  );

  it('names the list whose columns do not match its count', () => {
    const problem = problemOf(positionsJson());
    expect(() => packProblem({ ...problem, orderCount: 4 })).toThrow(new InputError('orders', 'pickup_lat has 3 values for 4 orders'));
    const edges = problemOf(edgesJson());
    if (edges.kind !== 'edges') throw new Error('not an edges problem');
    expect(() => packProblem({ ...edges, edgeCost: edges.edgeCost.subarray(1) })).toThrow(
      new InputError('edges', 'columns differ in length (order 3, courier 3, cost 2)'),
    );
    expect(() => packProblem({ ...problem, courierCount: -1 })).toThrow(new InputError('couriers', 'count -1: must be an integer in [0, 2147483647]'));
  });
});
