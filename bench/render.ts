/**
 * Rewrites the charts and the RESULTS.md sections of the solver, pool, failover, host and many-cities benchmarks
 * from their JSON files, without measuring anything:
 *
 *   node dist/bench/render.js [--results-dir DIR]
 */
import { parseArgs } from 'node:util';
import type { FailoverResults } from './failover-results.js';
import type { HostResults } from './host-results.js';
import type { CitiesResults } from './many-cities-results.js';
import type { PoolBenchResults } from './pool.js';
import { publishCities, publishFailover, publishHost, publishPool, publishSolver, readResults, RESULT_FILES } from './publish.js';
import type { BenchResults } from './results.js';
import { BENCH_DIR } from './results-sections.js';

const { values } = parseArgs({ options: { 'results-dir': { type: 'string' } } });
const dir = values['results-dir'] ?? BENCH_DIR;
const solver = readResults<BenchResults>(dir, RESULT_FILES.solver);
const pool = readResults<PoolBenchResults>(dir, RESULT_FILES.pool);
const failover = readResults<FailoverResults>(dir, RESULT_FILES.failover);
const host = readResults<HostResults>(dir, RESULT_FILES.host);
const cities = readResults<CitiesResults>(dir, RESULT_FILES.cities);
if (solver) await publishSolver(dir, solver);
if (pool) await publishPool(dir, pool);
if (failover) await publishFailover(dir, failover);
if (host) await publishHost(dir, host);
if (cities) await publishCities(dir, cities);
process.stderr.write(
  `rendered ${[solver && 'solver', pool && 'pool', failover && 'failover', host && 'host', cities && 'many cities'].filter(Boolean).join(', ') || 'nothing'} in ${dir}\n`,
);
