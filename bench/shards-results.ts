/** The shape of bench/shards-results.json (bench/shards.ts) and its section of RESULTS.md. */
import type { PresetName } from '../src/sim/city.js';
import type { MachineInfo } from './results.js';

export interface ShardsRow {
  city: PresetName;
  couriers: number;
  orders: number;
  shards: number;
  /** Medians over the ticks, ms. */
  tickMs: number;
  snapshotMs: number;
  solveMs: number;
  commitMs: number;
  /** The same every tick (the city is dispatched again whole): deciseconds, and orders offered. */
  objective: number;
  assigned: number;
}

export interface ShardsResults {
  date: string;
  machine: MachineInfo;
  threads: number;
  ticks: number;
  loadBefore: number;
  loadAfter: number;
  rows: ShardsRow[];
}

export function renderShardsSection(r: ShardsResults): string {
  const fixed = (x: number) => x.toFixed(1);
  const one = new Map(r.rows.filter((row) => row.shards === 1).map((row) => [row.city, row]));
  return [
    '## Area shards: one city as one shard and as several (bench/shards.ts)',
    '',
    `One generated city dispatched whole every tick as one shard and as several, ticks alternated, ${r.ticks} each after a warm-up, ` +
      `embedded stores, ${r.threads} solver threads; ms, median. Objective: the solve's, deciseconds (lower is better); ` +
      `each ratio against the same city as one shard. ${r.date.slice(0, 10)}, ${r.machine.cores} cores, load average (1 min) ` +
      `${r.loadBefore.toFixed(2)} before, ${r.loadAfter.toFixed(2)} after; Node ${r.machine.node}.`,
    '',
    '| city | couriers × orders | shards | tick | snapshot | solve | commit | tick ÷ one shard | objective ÷ one shard | orders offered |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.rows.map((row) => {
      const base = one.get(row.city)!;
      return `| ${row.city} | ${row.couriers} × ${row.orders} | ${row.shards} | ${fixed(row.tickMs)} | ${fixed(row.snapshotMs)} | ${fixed(row.solveMs)} | ${fixed(row.commitMs)} | ${(row.tickMs / base.tickMs).toFixed(2)}× | ${(row.objective / base.objective).toFixed(3)}× | ${row.assigned} |`;
    }),
    '',
  ].join('\n');
}
