/**
 * What the certificate costs a dispatch tick (docs/host.md, "The certificate travels with the
 * decision"): ticks of one city with the certificate (the pool's worker checks the solve's duals
 * over its kept candidate graph) and without (`certify: false`), alternated in one run so
 * both see the same machine load. Embedded stores, so the tick is snapshot + pool solve + check +
 * commit without the network; the pool has one thread. Offers live 1 ms, so every tick dispatches
 * the same city again.
 *
 *   npm run build && node dist/bench/certificate.js [--ticks 12] [--cities M,L,M3]
 *
 * M3 is the M city bundling up to 3 orders a pickup (the pickup path: courier × pickup edges).
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DecisionOutbox } from '../src/coordination/decision-outbox.js';
import { newHolder } from '../src/coordination/holder.js';
import { Lease } from '../src/coordination/lease.js';
import { openEmbeddedStores } from '../src/coordination/stores.js';
import { takeOverCity } from '../src/coordination/city-takeover.js';
import { dispatchCity, type DispatchContext } from '../src/dispatch/dispatch-city.js';
import { generateCity, type PresetName } from '../src/sim/city.js';
import { SolverPool } from '../src/solver/solver-pool.js';
import { seedGeneratedCity } from './seed-city.js';

const CITIES: Record<string, { preset: PresetName; maxBundleSize: number }> = {
  M: { preset: 'M', maxBundleSize: 1 },
  L: { preset: 'L', maxBundleSize: 1 },
  M3: { preset: 'M', maxBundleSize: 3 },
};

const { values } = parseArgs({ options: { ticks: { type: 'string', default: '12' }, cities: { type: 'string', default: 'M,L,M3' } } });
const ticks = Number(values.ticks);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fixed = (x: number) => x.toFixed(1);

const load = loadavg()[0];
const rows: string[] = [];
const pool = await SolverPool.start({ threads: 1 });
try {
  for (const name of values.cities.split(',')) {
    const { preset, maxBundleSize } = CITIES[name] ?? {};
    if (preset === undefined) throw new Error(`unknown city ${name} (use ${Object.keys(CITIES).join(', ')})`);
    rows.push(await benchCity(name, preset, maxBundleSize));
  }
} finally {
  await pool.close();
}
process.stdout.write(
  [
    `ticks of one city, with the certificate (checked in the worker) and without, alternated; ${ticks} each after a warm-up; ms, median`,
    '| city | couriers × orders | kept edges | tick with | tick without | with ÷ without | solve with | solve without |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    `load average (1 min) ${load.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after; Node ${process.version}`,
  ].join('\n') + '\n',
);

async function benchCity(name: string, preset: PresetName, maxBundleSize: number): Promise<string> {
  const stores = openEmbeddedStores();
  const city = `bench-${name.toLowerCase()}`;
  const generated = generateCity({ preset, seed: 1, city });
  const config = await stores.leases.putCity({ id: city, tickMs: 3_600_000, bundling: { maxBundleSize } });
  await seedGeneratedCity(stores.state, city, generated);
  const holder = newHolder('bench');
  const token = (await stores.leases.acquire(city, holder, 3_600_000))!;
  const lease = new Lease(city, token, 3_600_000, performance.now());
  await takeOverCity(stores, city, token);
  const base = { stores, solver: pool, holder, offerTtlMs: 1, outbox: new DecisionOutbox({ log: stores.decisions, intervalMs: 1_000 }) };
  const variants: Record<'with' | 'without', DispatchContext> = { with: base, without: { ...base, certify: false } };
  const tick = { with: [] as number[], without: [] as number[] };
  const solve = { with: [] as number[], without: [] as number[] };
  let keptEdges = 0;
  for (let i = -1; i < ticks; i++) {
    for (const variant of i % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const)) {
      await new Promise((r) => setTimeout(r, 5)); // the 1 ms offers of the previous tick lapse
      const outcome = await dispatchCity(variants[variant], lease, config, { conflictRetries: 0 });
      if (!outcome.committed) throw new Error(`${name} tick ${i} (${variant}) did not commit: ${outcome.reason}`);
      if (outcome.certificate !== (variant === 'with' ? 'checked' : 'none')) throw new Error(`${name}: certificate ${outcome.certificate} ${variant} it`);
      if (i < 0) continue; // warm-up
      tick[variant].push(outcome.timings.total_ms);
      solve[variant].push(outcome.timings.solve_ms);
    }
    process.stderr.write(`${name} tick ${i + 1}/${ticks}\n`);
  }
  // The orders' graph; a bundling city's is of courier × pickup pairs, not counted here.
  if (maxBundleSize === 1) keptEdges = (await pool.solve(generated.problem)).stats.edgesKept;
  const [w, wo] = [median(tick.with), median(tick.without)];
  return `| ${name} | ${generated.problem.courierCount} × ${generated.problem.orderCount} | ${keptEdges || '—'} | ${fixed(w)} | ${fixed(wo)} | ${(w / wo).toFixed(2)}× | ${fixed(median(solve.with))} | ${fixed(median(solve.without))} |`;
}
