/** What `dispatchd features` runs (features-command.ts), loaded only then. */
import { etaModelToJson, fitEtaModel } from '../features/eta-model.js';
import { parseEventLog } from '../features/event-log.js';
import { featureColumns, replayEvents, trainingRows } from '../features/replay.js';
import { readInputFile, writeFileAtomic } from './files.js';

/** A CSV field: quoted when it holds a separator, a quote or a line break (RFC 4180). */
function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export async function runReplay(path: string, out: string): Promise<void> {
  const events = parseEventLog(await readInputFile(path), path);
  const columns = featureColumns();
  const lines = [['at', 'event_id', 'type', 'order', 'courier', 'restaurant', 'zone', ...columns].join(',')];
  replayEvents(events, ({ event, keys, features }) => {
    const order = 'order' in event ? event.order : undefined;
    const courier = 'courier' in event ? event.courier : undefined;
    lines.push([event.at, event.id, event.type, order, courier, keys.restaurant, keys.zone, ...columns.map((c) => features[c])].map(csvField).join(','));
  });
  await writeFileAtomic(out, `${lines.join('\n')}\n`);
  process.stdout.write(`${events.length} events replayed: ${out}\n`);
}

export async function runFit(path: string, out: string | undefined): Promise<void> {
  const rows = trainingRows(parseEventLog(await readInputFile(path), path));
  const model = fitEtaModel(rows);
  // The city config's form (snake_case): PUT /v1/cities/:city takes it as eta_model.
  const json = `${JSON.stringify(etaModelToJson(model), null, 2)}\n`;
  if (out === undefined) {
    process.stdout.write(json);
    return;
  }
  await writeFileAtomic(out, json);
  const { rows: n, quoteMaeS, modelMaeS } = model.fit;
  process.stdout.write(`ETA model fitted on ${n} orders: mean absolute error ${modelMaeS.toFixed(1)} s (the quote alone: ${quoteMaeS.toFixed(1)} s): ${out}\n`);
}
