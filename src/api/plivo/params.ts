import type { HttpMethod } from '../../domain/callback.js';
import { checkHttpUrl } from '../../domain/http-url.js';
import { PlivoApiError } from './errors.js';

/**
 * Reading Plivo request parameters as the SDKs send them: JSON with strings, numbers or booleans, or a
 * form where everything is a string. Each reader names the parameter in the 400 it throws.
 */

export type Params = Record<string, unknown>;

export function paramsOf(value: unknown): Params {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new PlivoApiError(400, 'the request body must be a JSON object or a form');
  return value as Params;
}

/** Strings, and numbers or booleans as the SDKs sometimes send them (`"src": 14155550000`). */
export function optionalText(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new PlivoApiError(400, `${name} must be a string`);
}

export function requiredText(params: Params, name: string): string {
  const value = optionalText(params, name);
  if (value === undefined) throw new PlivoApiError(400, `${name} parameter is missing`);
  return value;
}

/** Booleans as JSON or as the strings the SDKs send (`"true"`, Python's `"True"`). */
export function optionalFlag(params: Params, name: string): boolean | undefined {
  const value = optionalText(params, name)?.toLowerCase();
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new PlivoApiError(400, `${name} must be true or false`);
}

/** `GET` or `POST`, in any case, as every `*method` parameter takes it. */
export function optionalMethod(params: Params, name: string): HttpMethod | undefined {
  const value = optionalText(params, name)?.toUpperCase();
  if (value === undefined) return undefined;
  if (value !== 'GET' && value !== 'POST') throw new PlivoApiError(400, `${name} "${value}" is not GET or POST`);
  return value;
}

/** One of `choices`, as given (`file_format`, `legs`…). */
export function optionalChoice<const C extends string>(params: Params, name: string, choices: readonly C[]): C | undefined {
  const value = optionalText(params, name);
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as C;
  throw new PlivoApiError(400, `${name} "${value}" is not one of ${choices.join(', ')}`);
}

/** `value` if it is an absolute http(s) URL; the error names it as `label`. */
export function httpUrl(label: string, value: string): string {
  const check = checkHttpUrl(value);
  if (check.ok) return value;
  throw new PlivoApiError(400, `${label} "${value}" is ${check.reason === 'not-absolute' ? 'not an absolute URL' : 'not http or https'}`);
}

export function wholeNumber(params: Params, name: string, fallback: number, min: number, max: number): number {
  const text = optionalText(params, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new PlivoApiError(400, `${name} must be a whole number from ${min} to ${max}`);
  return value;
}

/** `limit` (1–20, default 20) and `offset`, as every Plivo list takes them. */
export function pageOf(params: Params): { limit: number; offset: number } {
  return { limit: wholeNumber(params, 'limit', 20, 1, 20), offset: wholeNumber(params, 'offset', 0, 0, Number.MAX_SAFE_INTEGER) };
}

/** Plivo's paging block: the page asked for, the total, and the paths of its neighbours. */
export function listMeta(base: string, page: { limit: number; offset: number; total: number }): Record<string, string | number | null> {
  const { limit, offset, total } = page;
  const at = (from: number) => `${base}?limit=${limit}&offset=${from}`;
  return {
    limit,
    offset,
    total_count: total,
    next: offset + limit < total ? at(offset + limit) : null,
    previous: offset > 0 ? at(Math.max(0, offset - limit)) : null,
  };
}
