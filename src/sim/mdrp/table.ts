/**
 * The line-and-field reader shared by the MDRP instance files (tab-separated) and solution files
 * (single-space-separated): a header line that must match exactly, then one record a line.
 *
 * Kept strict on purpose: an empty field (a doubled separator or a trailing one) or a blank line
 * is an error rather than something skipped, because a reader that guesses hides the writer's bug.
 * Only the newline after the last line is optional, and a trailing `\r` is tolerated.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { MdrpInputError } from './input-error.js';

export interface TableRow {
  /** The file the row came from, for error messages. */
  path: string;
  /** 1-based line number (the header is line 1). */
  line: number;
  fields: string[];
}

/** Exactly `n` fields, or at least `n` (for records that end in a list). */
export type FieldCount = number | { atLeast: number };

export function readTable(path: string, separator: '\t' | ' ', header: readonly string[], count: FieldCount): TableRow[] {
  if (!existsSync(path) || !statSync(path).isFile()) throw new MdrpInputError(path, undefined, 'file missing');
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new MdrpInputError(path, 1, `empty file, expected the header ${JSON.stringify(header.join(separator))}`);
  const rows = lines.map((text, i) => ({ path, line: i + 1, fields: text.replace(/\r$/, '').split(separator) }));
  const [head, ...records] = rows;
  if (head.fields.join(separator) !== header.join(separator)) {
    throw new MdrpInputError(path, 1, `header ${JSON.stringify(head.fields.join(separator))}, expected ${JSON.stringify(header.join(separator))}`);
  }
  const what = separator === '\t' ? 'tab-separated' : 'space-separated';
  for (const row of records) {
    const n = row.fields.length;
    if (n === 1 && row.fields[0] === '') throw new MdrpInputError(path, row.line, 'empty line');
    const empty = row.fields.indexOf('');
    if (empty >= 0)
      throw new MdrpInputError(path, row.line, `field ${empty + 1} is empty (fields are separated by exactly one ${separator === '\t' ? 'tab' : 'space'})`);
    if (typeof count === 'number' ? n !== count : n < count.atLeast) {
      const expected = typeof count === 'number' ? `${count}` : `at least ${count.atLeast}`;
      throw new MdrpInputError(path, row.line, `${n} ${what} fields, expected ${expected}`);
    }
  }
  return records;
}

export function numberField(row: TableRow, index: number, name: string): number {
  const raw = row.fields[index];
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new MdrpInputError(row.path, row.line, `${name} ${JSON.stringify(raw)} is not a number`);
  return value;
}

/** Times are whole minutes in MDRP files, in the instance and in the solution alike. */
export function minuteField(row: TableRow, index: number, name: string): number {
  const value = numberField(row, index, name);
  if (!Number.isInteger(value)) throw new MdrpInputError(row.path, row.line, `${name} ${JSON.stringify(row.fields[index])} is not a whole number of minutes`);
  return value;
}
