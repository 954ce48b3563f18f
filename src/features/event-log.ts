/**
 * Event logs (docs/features.md, "Event logs"): one event per line, as `POST /events` takes it
 * plus `at`, the store time the batch was taken at (the reply's `at`). What the simulator writes
 * (`simulate --events-out`) and what `dispatchd features replay|fit` read.
 */
import { InputError } from '../domain/errors.js';
import { EpochMs } from '../domain/limits.js';
import { numberRule } from '../domain/schema-rules.js';
import { eventFromJson, eventToJson, featureEventProblem, type FeatureEventJson, type LoggedEvent } from './events.js';

const EPOCH_MS = numberRule(EpochMs);

export function formatLoggedEvent(event: LoggedEvent): string {
  const { at, ...rest } = event;
  return JSON.stringify({ ...eventToJson(rest), at });
}

/** Parses a whole log; a bad line is an InputError naming `file:line` and the field. */
export function parseEventLog(text: string, file: string): LoggedEvent[] {
  const events: LoggedEvent[] = [];
  let last = Number.NEGATIVE_INFINITY;
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${file}:${i + 1}`;
    let json: FeatureEventJson & { at?: unknown };
    try {
      json = JSON.parse(line) as FeatureEventJson & { at?: unknown };
    } catch {
      throw new InputError(where, 'not a JSON object');
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InputError(where, 'not a JSON object');
    if (typeof json.at !== 'number' || !EPOCH_MS.accepts(json.at)) throw new InputError(`${where}: at`, EPOCH_MS.reason);
    if (json.at < last) throw new InputError(`${where}: at`, `must not be before the previous event's (${last})`);
    last = json.at;
    const event = eventFromJson(json);
    const problem = featureEventProblem([event]);
    if (problem) throw new InputError(`${where}: ${problem.field}`, problem.message);
    events.push({ ...event, at: json.at });
  });
  return events;
}
