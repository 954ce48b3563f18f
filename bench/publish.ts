/**
 * Each benchmark's results written out in `dir` (bench/ by default): its JSON file, its chart
 * and its section of RESULTS.md, all from the same figures.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/cli/files.js';
import { citiesChart, failoverChart, hostChart, poolChart, solverChart, writeChart } from './charts.js';
import { renderEdgesSection, type EdgeResults } from './edges.js';
import type { FeatureBenchResults } from './features.js';
import { renderFeaturesSection, renderPrepDriftSection } from './features-results.js';
import { renderFailoverSection, type FailoverResults } from './failover-results.js';
import { renderHostSection, type HostResults } from './host-results.js';
import { renderCitiesSection, type CitiesResults } from './many-cities-results.js';
import { renderPoolSection, type PoolBenchResults } from './pool.js';
import { renderResultsMarkdown } from './report.js';
import type { PrepDriftResults } from './prep-drift.js';
import type { BenchResults } from './results.js';
import { writeResultsSection } from './results-sections.js';
import { renderPeersSection, type PeersResults } from './solver-peers.js';
import { renderWarmSection, type WarmResults } from './warm-start.js';
import { renderStartupSection, type StartupResults } from './startup.js';
import { renderShardsSection, type ShardsResults } from './shards-results.js';

export const RESULT_FILES = {
  solver: 'results.json',
  pool: 'pool-results.json',
  failover: 'failover-results.json',
  host: 'host-results.json',
  cities: 'many-cities-results.json',
  peers: 'peers-results.json',
  edges: 'edges-results.json',
  features: 'features-results.json',
  prepDrift: 'prep-drift-results.json',
  warm: 'warm-results.json',
  startup: 'startup-results.json',
  shards: 'shards-results.json',
} as const;

/** The JSON of one benchmark in `dir`, or undefined before its first run. */
export function readResults<T>(dir: string, file: string): T | undefined {
  const path = join(dir, file);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

/** A benchmark's JSON, the first of its files written: a `--results-dir` that does not exist yet is made. */
async function writeJson(dir: string, file: string, value: unknown): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await writeFileAtomic(join(dir, file), `${JSON.stringify(value, null, 2)}\n`);
}

export async function publishSolver(dir: string, results: BenchResults): Promise<void> {
  await writeJson(dir, RESULT_FILES.solver, results);
  writeResultsSection('solver-bench', renderResultsMarkdown(results, await writeChart(dir, 'solver', solverChart(results))), dir);
}

export async function publishPool(dir: string, results: PoolBenchResults): Promise<void> {
  await writeJson(dir, RESULT_FILES.pool, results);
  writeResultsSection('pool-bench', renderPoolSection(results, await writeChart(dir, 'pool', poolChart(results))), dir);
}

export async function publishFailover(dir: string, results: FailoverResults): Promise<void> {
  await writeJson(dir, RESULT_FILES.failover, results);
  writeResultsSection('failover-bench', renderFailoverSection(results, await writeChart(dir, 'failover', failoverChart(results))), dir);
}

export async function publishHost(dir: string, results: HostResults): Promise<void> {
  await writeJson(dir, RESULT_FILES.host, results);
  writeResultsSection('host-bench', renderHostSection(results, await writeChart(dir, 'host', hostChart(results))), dir);
}

export async function publishCities(dir: string, results: CitiesResults): Promise<void> {
  await writeJson(dir, RESULT_FILES.cities, results);
  writeResultsSection('cities-bench', renderCitiesSection(results, await writeChart(dir, 'many-cities', citiesChart(results))), dir);
}

export async function publishPeers(dir: string, results: PeersResults): Promise<void> {
  await writeJson(dir, RESULT_FILES.peers, results);
  writeResultsSection('peers-bench', renderPeersSection(results), dir);
}

export async function publishEdges(dir: string, results: EdgeResults): Promise<void> {
  await writeJson(dir, RESULT_FILES.edges, results);
  writeResultsSection('edges-bench', renderEdgesSection(results), dir);
}

export async function publishFeatures(dir: string, results: FeatureBenchResults): Promise<void> {
  await writeJson(dir, RESULT_FILES.features, results);
  writeResultsSection('features-bench', renderFeaturesSection(results), dir);
}

export async function publishPrepDrift(dir: string, results: PrepDriftResults): Promise<void> {
  await writeJson(dir, RESULT_FILES.prepDrift, results);
  writeResultsSection('prep-drift-bench', renderPrepDriftSection(results), dir);
}

export async function publishWarm(dir: string, results: WarmResults): Promise<void> {
  await writeJson(dir, RESULT_FILES.warm, results);
  writeResultsSection('warm-bench', renderWarmSection(results), dir);
}

export async function publishStartup(dir: string, results: StartupResults): Promise<void> {
  await writeJson(dir, RESULT_FILES.startup, results);
  writeResultsSection('startup-bench', renderStartupSection(results), dir);
}

export async function publishShards(dir: string, results: ShardsResults): Promise<void> {
  await writeJson(dir, RESULT_FILES.shards, results);
  writeResultsSection('shards-bench', renderShardsSection(results), dir);
}
