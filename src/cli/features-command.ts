/**
 * `dispatchd features replay EVENTS --out TABLE.csv` and `dispatchd features fit EVENTS [--out
 * MODEL.json]`: the feature engine offline, on an event log (src/features/event-log.ts), with
 * the code the host runs online (docs/features.md, "Offline and online").
 */
import type { Command } from 'commander';

export function registerFeaturesCommand(program: Command): void {
  const features = program.command('features').description("the feature engine offline: a city's event log replayed, or an ETA model fitted on it");
  features
    .command('replay')
    .description('the features as they stood at each event of the log (point in time), one CSV row per event')
    .argument('<events>', 'event log, NDJSON: one event per line as POST /events takes it, plus `at` (epoch ms)')
    .requiredOption('--out <file>', 'where the CSV table goes')
    .action(async (events: string, flags: { out: string }) => {
      const { runReplay } = await import('./features-run.js');
      await runReplay(events, flags.out);
    });
  features
    .command('fit')
    .description("fit the city's ETA model (ready time = creation + quoted preparation × predicted ratio) on the log; prints it, or writes it with --out")
    .argument('<events>', 'event log, NDJSON (as for replay)')
    .option('--out <file>', 'where the model JSON goes (PUT it as the city config eta_model)')
    .action(async (events: string, flags: { out?: string }) => {
      const { runFit } = await import('./features-run.js');
      await runFit(events, flags.out);
    });
}
