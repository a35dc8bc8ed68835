import type { z } from 'zod';

/** How a setting's value is written as text (a flag or an environment variable). */
export type ValueKind = 'integer' | 'number' | 'string' | 'choice' | 'boolean';

/** Everything the CLI, the loader and the docs need about one setting, read off the schema. */
export interface ConfigField {
  /** The key in the parsed config and in a config file (`timeScale`). */
  readonly key: string;
  /** The flag that changes it from its default (`--time-scale`; `--no-dispatch` for a boolean that defaults to true). */
  readonly flag: string;
  /** `HOOKLINE_TIME_SCALE`. */
  readonly env: string;
  /** The kind of one value; a list holds values of this kind. */
  readonly kind: ValueKind;
  /** Comma-separated in the environment; the flag may also be repeated. */
  readonly list: boolean;
  readonly choices: readonly string[] | null;
  /** The schema default; undefined for an optional setting. */
  readonly defaultValue: unknown;
  readonly description: string;
  /** What a valid value looks like, for error messages: `an integer 0–65535`. */
  readonly expected: string;
  /** The value's name in `--help`: `<n>`, `<real|virtual>`, `<AUTH_ID:AUTH_TOKEN>`. */
  readonly placeholder: string;
  /** Validates one value of the field (a whole list for a list field). */
  readonly schema: z.ZodType;
  /** Validates one item of a list field; the field's own schema otherwise. */
  readonly itemSchema: z.ZodType;
}

declare module 'zod' {
  interface GlobalMeta {
    /** Name of the value in `--help` and the docs, when the kind alone says too little (`DIR`). */
    placeholder?: string;
  }
}

/**
 * The schema is the single place a setting is defined; flags, environment variables, coercion,
 * `--help` and docs/configuration.md are all read from it here, so no description is written twice.
 */
export function describeFields(schema: z.ZodObject): ConfigField[] {
  return Object.entries(schema.shape).map(([key, fieldSchema]) => describeField(key, fieldSchema as z.ZodType));
}

function describeField(key: string, fieldSchema: z.ZodType): ConfigField {
  const description = fieldSchema.description;
  if (!description) throw new Error(`config schema: setting "${key}" has no .describe() text`);
  const { inner, defaultValue, optional } = unwrap(fieldSchema);
  if (defaultValue === undefined && !optional) throw new Error(`config schema: setting "${key}" has no default`);
  const list = defOf(inner).type === 'array';
  const item = list ? (defOf(inner).element as z.ZodType) : inner;
  const kind = kindOf(key, item);
  const choices = kind === 'choice' ? (defOf(item).entries ? Object.values(defOf(item).entries as Record<string, string>) : null) : null;
  const placeholder = fieldSchema.meta()?.placeholder ?? placeholderOf(kind, item, choices, list);
  const kebab = kebabCase(key);
  return {
    key,
    flag: kind === 'boolean' && defaultValue === true ? `--no-${kebab}` : `--${kebab}`,
    env: `HOOKLINE_${kebab.replaceAll('-', '_').toUpperCase()}`,
    kind,
    list,
    choices,
    defaultValue,
    description,
    expected: expectedOf(kind, item, choices, list),
    placeholder,
    schema: inner,
    itemSchema: item,
  };
}

type LooseDef = { type: string } & Record<string, unknown>;

function defOf(schema: z.ZodType): LooseDef {
  return schema.def as unknown as LooseDef;
}

function unwrap(schema: z.ZodType): { inner: z.ZodType; defaultValue: unknown; optional: boolean } {
  let inner = schema;
  let defaultValue: unknown;
  let optional = false;
  for (;;) {
    const def = defOf(inner);
    if (def.type === 'default') defaultValue = def.defaultValue;
    else if (def.type === 'optional') optional = true;
    else return { inner, defaultValue, optional };
    inner = def.innerType as z.ZodType;
  }
}

function kindOf(key: string, item: z.ZodType): ValueKind {
  const def = defOf(item);
  switch (def.type) {
    case 'number':
      return numberChecks(item).integer ? 'integer' : 'number';
    case 'string':
      return 'string';
    case 'enum':
      return 'choice';
    case 'boolean':
      return 'boolean';
    default:
      throw new Error(`config schema: setting "${key}" is a ${def.type}, which has no text form`);
  }
}

interface NumberChecks {
  integer: boolean;
  min: { value: number; inclusive: boolean } | null;
  max: { value: number; inclusive: boolean } | null;
}

function numberChecks(schema: z.ZodType): NumberChecks {
  const found: NumberChecks = { integer: false, min: null, max: null };
  for (const check of checksOf(schema)) {
    if (check.check === 'number_format' && (check.format === 'safeint' || check.format === 'int32')) found.integer = true;
    if (check.check === 'greater_than') found.min = { value: check.value as number, inclusive: check.inclusive === true };
    if (check.check === 'less_than') found.max = { value: check.value as number, inclusive: check.inclusive === true };
  }
  return found;
}

function checksOf(schema: z.ZodType): Array<Record<string, unknown>> {
  const checks = (defOf(schema).checks ?? []) as Array<{ _zod: { def: Record<string, unknown> } }>;
  return checks.map((check) => check._zod.def);
}

function expectedOf(kind: ValueKind, item: z.ZodType, choices: readonly string[] | null, list: boolean): string {
  const one = expectedOne(kind, item, choices);
  return list ? `a comma-separated list of ${plural(one)}` : one;
}

function expectedOne(kind: ValueKind, item: z.ZodType, choices: readonly string[] | null): string {
  switch (kind) {
    case 'boolean':
      return 'true or false';
    case 'choice':
      return `one of ${(choices ?? []).join(', ')}`;
    case 'string':
      return item.description ?? 'a non-empty string';
    case 'integer':
    case 'number': {
      const { min, max } = numberChecks(item);
      const noun = kind === 'integer' ? 'an integer' : 'a number';
      if (min && max && min.inclusive && max.inclusive) return `${noun} ${min.value}–${max.value}`;
      const bounds = [
        min ? `${min.inclusive ? '≥' : '>'} ${min.value}` : null,
        max ? `${max.inclusive ? '≤' : '<'} ${max.value}` : null,
      ].filter((bound) => bound !== null);
      return bounds.length > 0 ? `${noun} ${bounds.join(' and ')}` : noun;
    }
  }
}

function plural(expected: string): string {
  if (expected.startsWith('an integer')) return `integers${expected.slice('an integer'.length)}`;
  if (expected.startsWith('a number')) return `numbers${expected.slice('a number'.length)}`;
  return expected;
}

function placeholderOf(kind: ValueKind, item: z.ZodType, choices: readonly string[] | null, list: boolean): string {
  const one = kind === 'choice' ? (choices ?? []).join('|') : kind === 'string' ? (item.description ?? 'value') : 'n';
  return list ? `${one},…` : one;
}

function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** A setting's default as a user would write it on the command line; `none` when there is none. */
export function defaultText(field: ConfigField): string {
  const value = field.defaultValue;
  if (value === undefined) return 'none';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  return String(value);
}

/** `one of a, b, c` when the placeholder does not already show the choices (`<LEVEL>`); null otherwise. */
export function hiddenChoices(field: ConfigField): string | null {
  if (!field.choices || field.placeholder.includes('|')) return null;
  return `one of ${field.choices.join(', ')}`;
}
