import { CliError } from './result.js';

/** `--param Name=value`, split at the first `=` (values may hold more). */
export function parseParam(text: string): [string, string] {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new CliError(`--param ${JSON.stringify(text)}: expected NAME=VALUE, like --param CallStatus=completed`);
  return [text.slice(0, equals), text.slice(equals + 1)];
}

/** `--header 'Name: value'`, split at the first `:`. */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new CliError(`--header ${JSON.stringify(text)}: expected 'Name: value', like --header 'X-Plivo-Signature-V3: …'`);
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}

/** Collects a repeatable option's values (commander argParser). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
