import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import { join } from 'node:path';

/** One printed line: the engine's figure beside its baseline from the same run. */
export interface Row {
  readonly figure: string;
  readonly hookline: string;
  readonly baseline: string;
  /** hookline ÷ baseline, in the figure's own unit. */
  readonly ratio: number | null;
  readonly target: string;
  /** Whether the target was met; null when the figure has no target. */
  readonly met: boolean | null;
}

export function integer(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

export function mb(value: number): string {
  return `${value.toFixed(1)} MB`;
}

export function printTable(rows: readonly Row[]): void {
  const header = ['figure', 'hookline', 'baseline (same run)', 'ratio', 'target', ''];
  const lines = rows.map((row) => [
    row.figure,
    row.hookline,
    row.baseline,
    row.ratio === null ? '—' : row.met === null ? row.ratio.toFixed(2) : ratioText(row.ratio),
    row.target,
    row.met === null ? '' : row.met ? 'met' : 'MISSED',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)));
  const format = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  console.log('');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const line of lines) console.log(format(line));
  console.log('');
}

export function machine(): Record<string, unknown> {
  const processors = cpus();
  return {
    cpus: processors.length,
    cpuModel: processors[0]?.model ?? 'unknown',
    totalMemoryMb: Math.round(totalmem() / 1024 / 1024),
    os: `${osType()} ${release()}`,
    node: process.version,
    loadAverageAtStart: loadavg(),
  };
}

/** Write the run to bench/results/<time>.json under the working directory (npm runs scripts from the package root). */
export function writeResults(report: Record<string, unknown>): string {
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/**
 * A judged ratio to two decimals, or three where rounding lands on a tenth, where the targets sit:
 * 0.4964 prints as 0.496, not as a 0.50 that the target column then calls missed.
 */
function ratioText(ratio: number): string {
  const two = ratio.toFixed(2);
  return two.endsWith('0') && Number(two) !== ratio ? ratio.toFixed(3) : two;
}
