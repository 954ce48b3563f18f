/**
 * The pieces every benchmark's tables share: a terminal table, a RESULTS.md table and the line
 * naming the run a section's rows come from. The first `textColumns` columns are left-aligned
 * (names), the rest right-aligned (figures).
 */
import type { RunStamp } from './results.js';

export function terminalTable(columns: readonly string[], rows: readonly string[][], textColumns: number): string {
  const table = [columns.slice(), ...rows];
  const widths = columns.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  return table.map((r) => r.map((cell, i) => (i < textColumns ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')).join('\n');
}

export function markdownTable(columns: readonly string[], rows: readonly string[][], textColumns: number): string[] {
  return [
    `| ${columns.join(' | ')} |`,
    `|${columns.map((_, i) => (i < textColumns ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

/** `- <date>: <machine>; Node <version>; solver build <sha>…, commit <commit>`, the head of a run's line. */
export function runStampLine(s: RunStamp): string {
  return `- ${s.date}: ${s.machine.cores} cores, ${s.machine.cpu}; Node ${s.machine.node}; solver build ${s.solver.wasmSha256.slice(0, 12)}…, commit ${s.solver.gitCommit}${s.solver.dirty ? ' with uncommitted solver changes' : ''}`;
}

/** One row per run (rows of a run share its date), and the runs per size, e.g. "M 7, L 5". */
export function runsOfRows<R extends { run: RunStamp; size: string; runs: number }>(rows: readonly R[]): { runRows: R[]; runsPerSize: string } {
  return {
    runRows: [...new Map(rows.map((row) => [row.run.date, row])).values()],
    runsPerSize: [...new Map(rows.map((row) => [row.size, `${row.size} ${row.runs}`])).values()].join(', '),
  };
}
