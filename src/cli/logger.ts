import { pino, type Logger } from 'pino';
import type { HooklineConfig } from '../config/schema.js';
import type { Colors } from './colors.js';
import type { CliIo } from './io.js';

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** pino's own bookkeeping, shown by the line's layout rather than as key=value. */
const LAYOUT_KEYS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v']);

/**
 * The serve logger: pino JSON lines, or one readable line per event. The readable form is built in
 * rather than taken from pino-pretty, which is a development dependency and absent from an install.
 */
export function createLogger(config: Pick<HooklineConfig, 'logLevel' | 'logFormat'>, io: CliIo, palette: Colors): Logger {
  const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && io.stdoutIsTTY);
  const write = pretty ? (line: string) => io.out(formatLogLine(line, palette)) : (line: string) => io.out(line);
  return pino({ level: config.logLevel }, { write });
}

/** One pino JSON line as `12:00:01.234 WARN  message key=value …`, with an error's stack below it. */
export function formatLogLine(line: string, palette: Colors): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = typeof record.level === 'number' ? record.level : 30;
  const time = typeof record.time === 'number' ? clockTime(record.time, true) : '';
  const message = typeof record.msg === 'string' ? record.msg : '';
  const fields: string[] = [];
  let stack = '';
  for (const [key, value] of Object.entries(record)) {
    if (LAYOUT_KEYS.has(key)) continue;
    if ((key === 'err' || key === 'error') && isErrorRecord(value)) {
      fields.push(`${key}=${JSON.stringify(value.message)}`);
      if (typeof value.stack === 'string') stack = `\n${palette.dim(indent(value.stack))}`;
      continue;
    }
    fields.push(`${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  const name = (LEVEL_NAMES[level] ?? String(level)).padEnd(5);
  const extra = fields.length > 0 ? ` ${palette.dim(fields.join(' '))}` : '';
  return `${palette.dim(time)} ${levelColour(level, palette)(name)} ${message}${extra}${stack}\n`;
}

function levelColour(level: number, palette: Colors): (text: string) => string {
  if (level >= 50) return palette.red;
  if (level >= 40) return palette.yellow;
  if (level >= 30) return palette.green;
  return palette.dim;
}

function isErrorRecord(value: unknown): value is { message: string; stack?: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** Local wall-clock time of day, `HH:MM:SS` (with `.mmm` when asked). */
export function clockTime(epochMs: number, withMillis = false): string {
  const date = new Date(epochMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  const base = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  return withMillis ? `${base}.${String(date.getMilliseconds()).padStart(3, '0')}` : base;
}
