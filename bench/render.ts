/**
 * Rewrites the charts and the RESULTS.md sections of the solver, pool, failover and host benchmarks
 * from their JSON files, without measuring anything:
 *
 *   node dist/bench/render.js [--results-dir DIR]
 */
import { parseArgs } from 'node:util';
import type { FailoverResults } from './failover-results.js';
import type { HostResults } from './host-results.js';
import type { PoolBenchResults } from './pool.js';
import { publishFailover, publishHost, publishPool, publishSolver, readResults, RESULT_FILES } from './publish.js';
import type { BenchResults } from './results.js';
import { BENCH_DIR } from './results-sections.js';

const { values } = parseArgs({ options: { 'results-dir': { type: 'string' } } });
const dir = values['results-dir'] ?? BENCH_DIR;
const solver = readResults<BenchResults>(dir, RESULT_FILES.solver);
const pool = readResults<PoolBenchResults>(dir, RESULT_FILES.pool);
const failover = readResults<FailoverResults>(dir, RESULT_FILES.failover);
const host = readResults<HostResults>(dir, RESULT_FILES.host);
if (solver) await publishSolver(dir, solver);
if (pool) await publishPool(dir, pool);
if (failover) await publishFailover(dir, failover);
if (host) await publishHost(dir, host);
process.stderr.write(
  `rendered ${[solver && 'solver', pool && 'pool', failover && 'failover', host && 'host'].filter(Boolean).join(', ') || 'nothing'} in ${dir}\n`,
);
