/** `dispatchd demo [--snapshot FILE]`: solve the bundled sample city and summarise. */
import type { Command } from 'commander';
import { join } from 'node:path';
import type { DispatchResult } from '../domain/result.js';
import { packageRoot } from '../package-root.js';

const DECISECONDS_PER_MINUTE = 600;

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('solve the bundled sample city (samples/city.json) and print a summary')
    .option('--snapshot <file>', 'solve this snapshot instead of the bundled sample')
    .action(async (options: { snapshot?: string }) => {
      // The sample ships with the package: found from its root, whatever the cwd.
      const path = options.snapshot ?? join(packageRoot(), 'samples', 'city.json');
      const { solveSnapshotFile } = await import('./solve-snapshot-file.js');
      process.stdout.write(summary(await solveSnapshotFile(path)));
    });
}

function summary(result: DispatchResult): string {
  const { stats } = result;
  const assignedCost = result.assigned.reduce((sum, pair) => sum + pair.cost, 0);
  const meanCost =
    stats.assigned === 0 ? 'no order assigned' : `mean cost ${(assignedCost / stats.assigned / DECISECONDS_PER_MINUTE).toFixed(2)} min per assigned order`;
  const timings: [string, number | undefined][] = [
    ['parse', stats.parse_ms],
    ['edge build', stats.edge_build_ms],
    ['matching', stats.matching_ms],
    ['solve', stats.solve_ms],
  ];
  const rows: [string, string][] = [
    ['city', result.city],
    ['couriers', `${stats.couriers}`],
    ['orders', `${stats.orders}`],
    ['candidate edges', `${stats.edges} (${stats.edges_kept} kept, ${stats.edges_priced} priced in ${stats.rounds} rounds)`],
    ['assigned', `${stats.assigned} (${stats.unassigned} unassigned)`],
    ['objective', `${result.objective} ds (${meanCost})`],
    [
      'timings',
      timings
        .filter((timing): timing is [string, number] => timing[1] !== undefined)
        .map(([phase, ms]) => `${phase} ${ms.toFixed(1)} ms`)
        .join(', '),
    ],
  ];
  return rows.map(([label, value]) => `${label.padEnd(17)}${value}\n`).join('');
}
