/**
 * What area shards cost and save a dispatch tick (docs/scaling.md, "Area shards"): one generated
 * city dispatched as one shard and as three, alternated tick by tick in one run so both see the
 * same machine load. Embedded stores (the tick is snapshot + pool solve + commit without the
 * network). Offers live 1 ms, so every tick dispatches the whole city again; the objective and
 * the orders assigned are what splitting costs the dispatch's quality (a pickup stays in its area).
 *
 *   npm run build && node dist/bench/shards.js [--ticks 8] [--cities M,L] [--shards 3] [--threads 2]
 *
 * Writes bench/shards-results.json and its section of bench/RESULTS.md.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DecisionOutbox } from '../src/coordination/decision-outbox.js';
import { newHolder } from '../src/coordination/holder.js';
import { Lease } from '../src/coordination/lease.js';
import { openEmbeddedStores } from '../src/coordination/stores.js';
import { takeOverCity } from '../src/coordination/city-takeover.js';
import { dispatchCity, type DispatchOutcome } from '../src/dispatch/dispatch-city.js';
import { generateCity, type PresetName } from '../src/sim/city.js';
import { SolverPool } from '../src/solver/solver-pool.js';
import { publishShards } from './publish.js';
import { machineInfo } from './results.js';
import { renderShardsSection, type ShardsResults, type ShardsRow } from './shards-results.js';
import { BENCH_DIR } from './results-sections.js';
import { seedGeneratedCity } from './seed-city.js';

const { values } = parseArgs({
  options: {
    ticks: { type: 'string', default: '8' },
    cities: { type: 'string', default: 'M,L' },
    shards: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
  },
});
const ticks = Number(values.ticks);
const threads = Number(values.threads);
const split = Number(values.shards);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const loadBefore = loadavg()[0];
const rows: ShardsRow[] = [];
const pool = await SolverPool.start({ threads });
try {
  for (const preset of values.cities.split(',') as PresetName[]) rows.push(...(await benchCity(preset)));
} finally {
  await pool.close();
}
const results: ShardsResults = { date: new Date().toISOString(), machine: machineInfo(), threads, ticks, loadBefore, loadAfter: loadavg()[0], rows };
await publishShards(BENCH_DIR, results);
process.stdout.write(renderShardsSection(results));

/** The city as one shard and as `split`, in one store, ticks alternated. */
async function benchCity(preset: PresetName): Promise<ShardsRow[]> {
  const stores = openEmbeddedStores();
  const holder = newHolder('bench');
  const outbox = new DecisionOutbox({ log: stores.decisions, intervalMs: 1_000 });
  const context = { stores, solver: pool, holder, offerTtlMs: 1, outbox };
  const variants = await Promise.all(
    [1, split].map(async (shards) => {
      const city = `bench-${preset.toLowerCase()}-${shards}`;
      const generated = generateCity({ preset, seed: 1, city });
      const config = await stores.leases.putCity({ id: city, tickMs: 3_600_000, shards });
      await seedGeneratedCity(stores.state, city, generated);
      const token = (await stores.leases.acquire(city, holder, 3_600_000))!;
      await takeOverCity(stores, city, token);
      const lease = new Lease(city, token, 3_600_000, performance.now());
      return { shards, generated, config, lease, outcomes: [] as DispatchOutcome[] };
    }),
  );
  for (let i = -1; i < ticks; i++) {
    for (const v of i % 2 === 0 ? variants : [...variants].reverse()) {
      await new Promise((r) => setTimeout(r, 5)); // the 1 ms offers of the previous tick lapse
      const outcome = await dispatchCity(context, v.lease, v.config, { conflictRetries: 0 });
      if (!outcome.committed) throw new Error(`${preset} × ${v.shards} tick ${i} did not commit: ${outcome.reason}`);
      if (i >= 0) v.outcomes.push(outcome);
    }
    process.stderr.write(`${preset} tick ${i + 1}/${ticks}\n`);
  }
  return variants.map(({ shards, generated, outcomes }) => ({
    city: preset,
    couriers: generated.problem.courierCount,
    orders: generated.problem.orderCount,
    shards,
    tickMs: median(outcomes.map((o) => o.timings.total_ms)),
    snapshotMs: median(outcomes.map((o) => o.timings.snapshot_ms)),
    solveMs: median(outcomes.map((o) => o.timings.solve_ms)),
    commitMs: median(outcomes.map((o) => o.timings.commit_ms)),
    objective: outcomes[0].objective,
    assigned: outcomes[0].assignments.length,
  }));
}
