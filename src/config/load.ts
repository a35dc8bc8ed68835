import { readFileSync } from 'node:fs';
import { configFields, configSchema, type ConfigField, type HooklineConfig } from './schema.js';

/** A setting as given: text from a flag or the environment, or a typed value from a file or a caller. */
export type RawSetting = string | number | boolean | readonly (string | number)[];

export interface LoadConfigInput {
  /** Values set on the command line, by setting key (`timeScale`); flags left out are not set. */
  readonly flags?: Readonly<Record<string, RawSetting | undefined>>;
  /** The process environment; only `HOOKLINE_*` names of known settings are read. Empty values count as unset. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Path of a JSON config file with the settings' keys; defaults to `env.HOOKLINE_CONFIG`. */
  readonly file?: string;
}

/** The environment variable naming a config file (the `--config` flag's twin). */
export const CONFIG_FILE_ENV = 'HOOKLINE_CONFIG';

/** A setting that cannot be used, with where it came from and what would be accepted. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Resolves the settings, each from the first place that sets it: flags, then the environment, then
 * the config file, then the schema's default. Text is coerced to the setting's kind; a bad value
 * throws a ConfigError naming the flag, the environment variable and what is allowed.
 */
export function loadConfig(input: LoadConfigInput = {}): HooklineConfig {
  const env = input.env ?? {};
  const filePath = input.file ?? nonEmpty(env[CONFIG_FILE_ENV]);
  const layers: Array<Record<string, unknown>> = [];
  if (filePath !== undefined) layers.push(fileLayer(filePath));
  layers.push(envLayer(env));
  layers.push(flagLayer(input.flags ?? {}));
  const merged: Record<string, unknown> = Object.assign({}, ...layers);
  return configSchema.parse(merged);
}

function fileLayer(path: string): Record<string, unknown> {
  const values = parseFileObject(path);
  const settings: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(values)) {
    const field = configFields.find((candidate) => candidate.key === key);
    if (!field) throw new ConfigError(unknownKeyMessage(path, key));
    if (raw === null || raw === undefined) continue;
    settings[key] = settingValue(field, raw, `"${key}" in ${path}`);
  }
  return settings;
}

function parseFileObject(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`config file ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${path}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path}: expected a JSON object of settings, like {"port": 4080}`);
  }
  return parsed as Record<string, unknown>;
}

function envLayer(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const field of configFields) {
    const raw = nonEmpty(env[field.env]);
    if (raw !== undefined) settings[field.key] = settingValue(field, raw, field.env);
  }
  return settings;
}

function flagLayer(flags: Readonly<Record<string, RawSetting | undefined>>): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(flags)) {
    if (raw === undefined) continue;
    const field = configFields.find((candidate) => candidate.key === key);
    if (!field) throw new ConfigError(`unknown setting "${key}"; settings are ${configFields.map((f) => f.key).join(', ')}`);
    settings[key] = settingValue(field, raw, field.flag);
  }
  return settings;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Coerces one raw setting to the field's type and checks it against the schema. */
function settingValue(field: ConfigField, raw: unknown, source: string): unknown {
  if (field.list) {
    const items = listItems(raw);
    if (items === null) throw invalid(field, raw, source);
    const values = items.map((item) => checked(field, field.itemSchema, coerce(field, item, source), item, source));
    return checked(field, field.schema, values, raw, source);
  }
  return checked(field, field.schema, coerce(field, raw, source), raw, source);
}

function listItems(raw: unknown): unknown[] | null {
  if (typeof raw === 'string') return splitList(raw);
  if (!Array.isArray(raw)) return null;
  // A repeated flag gives several strings, each of which may itself be a comma-separated list.
  return raw.flatMap((item: unknown) => (typeof item === 'string' ? splitList(item) : [item]));
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function checked(field: ConfigField, schema: ConfigField['schema'], value: unknown, raw: unknown, source: string): unknown {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(field, raw, source);
  return result.data;
}

function coerce(field: ConfigField, raw: unknown, source: string): unknown {
  if (typeof raw !== 'string') return raw;
  switch (field.kind) {
    case 'integer':
    case 'number':
      return parseNumber(raw) ?? fail(field, raw, source);
    case 'boolean':
      return parseBoolean(raw) ?? fail(field, raw, source);
    case 'string':
    case 'choice':
      return raw;
  }
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function parseNumber(text: string): number | null {
  const trimmed = text.trim();
  return NUMBER_TEXT.test(trimmed) ? Number(trimmed) : null;
}

const BOOLEAN_TEXT: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false, on: true, off: false };

function parseBoolean(text: string): boolean | null {
  return BOOLEAN_TEXT[text.trim().toLowerCase()] ?? null;
}

function fail(field: ConfigField, raw: unknown, source: string): never {
  throw invalid(field, raw, source);
}

function invalid(field: ConfigField, raw: unknown, source: string): ConfigError {
  return new ConfigError(`${field.flag} / ${field.env}: expected ${field.expected}, got ${JSON.stringify(raw)} (from ${source})`);
}

function unknownKeyMessage(path: string, key: string): string {
  const suggestion = closestKey(key);
  const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
  return `config file ${path}: unknown setting "${key}"${hint}; settings are ${configFields.map((f) => f.key).join(', ')}`;
}

/** The setting a mistyped key most likely meant: same letters ignoring case and separators, or a small edit away. */
function closestKey(key: string): string | null {
  const squash = (text: string): string => text.replace(/[-_]/g, '').toLowerCase();
  const same = configFields.find((field) => squash(field.key) === squash(key));
  if (same) return same.key;
  let best: { key: string; distance: number } | null = null;
  for (const field of configFields) {
    const distance = editDistance(squash(field.key), squash(key));
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: field.key, distance };
  }
  return best?.key ?? null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
