import type { HttpMethod } from '../../domain/callback.js';
import { checkHttpUrl } from '../../domain/http-url.js';
import type { UrlTarget } from '../../domain/instructions.js';
import { LamlApiError } from './errors.js';

/**
 * Reading LaML request parameters as the SDKs send them: a form whose repeated keys arrive as lists
 * (`StatusCallbackEvent=initiated&StatusCallbackEvent=ringing`), PascalCase names, everything a
 * string. Each reader refuses with the code the API documents for that parameter (laml.md §1.1).
 */

export type Form = Readonly<Record<string, string | readonly string[] | undefined>>;

export function formOf(value: unknown): Form {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new LamlApiError(400, 10000, 'the request body must be a form (application/x-www-form-urlencoded)');
  return value as Form;
}

/** The last value of a parameter sent once or repeated; '' counts as absent. */
export function optional(form: Form, name: string): string | undefined {
  const value = form[name];
  const last = typeof value === 'string' ? value : value?.[value.length - 1];
  return last === undefined || last === '' ? undefined : last;
}

/** Every value of a repeated parameter, in order. */
export function all(form: Form, name: string): string[] {
  const value = form[name];
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}

/** `GET` or `POST`, in any case; anything else is the method's documented code (21209). */
export function method(form: Form, name: string): HttpMethod {
  const value = optional(form, name)?.toUpperCase() ?? 'POST';
  if (value !== 'GET' && value !== 'POST') throw new LamlApiError(400, 21209, `${name} must be GET or POST, not ${optional(form, name)}`);
  return value;
}

/** An absolute http(s) URL with its method, or null when absent; a bad one is `code`. */
export function target(form: Form, urlName: string, methodName: string, code: number): UrlTarget | null {
  const url = optional(form, urlName);
  const chosen = method(form, methodName);
  if (url === undefined) return null;
  const check = checkHttpUrl(url);
  if (!check.ok) throw new LamlApiError(400, code, `${urlName} "${url}" is ${check.reason === 'not-absolute' ? 'not an absolute URL' : 'not an http or https URL'}`);
  return { url, method: chosen };
}

export function wholeNumber(form: Form, name: string, fallback: number, min: number, max: number, code: number): number {
  const text = optional(form, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new LamlApiError(400, code, `${name} must be a whole number from ${min} to ${max}, not ${text}`);
  return value;
}

export function flag(form: Form, name: string): boolean {
  const value = optional(form, name)?.toLowerCase();
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new LamlApiError(400, 10000, `${name} must be true or false`);
}

/** A list page asked for: `Page` (0-based), `PageSize` (1–1000, default 50), and from `PageToken` the list's size when its first page was read. */
interface PageRequest {
  readonly page: number;
  readonly pageSize: number;
  readonly sizeAtFirstPage: number | null;
}

function pageOf(query: Form): PageRequest {
  const token = optional(query, 'PageToken');
  if (token !== undefined && !/^P[AB]/.test(token)) throw new LamlApiError(400, 54453, `PageToken "${token}" is not a page token`);
  const size = token === undefined ? null : /^PA(\d{1,15})$/.exec(token)?.[1];
  return {
    page: wholeNumber(query, 'Page', 0, 0, 1_000_000, 10000),
    pageSize: wholeNumber(query, 'PageSize', 50, 1, 1000, 54454),
    sizeAtFirstPage: size === undefined || size === null ? null : Number(size),
  };
}

/** Where a page sits in its list, for the paging block. */
export interface PagePosition {
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
  readonly count: number;
  /** Resources created since the first page was read: they push the rest down. */
  readonly shift: number;
  readonly sizeAtFirstPage: number;
}

/**
 * One page of a list, newest first. What was created since the first page was read went to the head
 * of the list and pushed everything down: the page is read that much further on, so that following
 * `next_page_uri` neither repeats nor skips a resource (its `PageToken` carries the list's size then).
 */
export async function readPage<T>(query: Form, read: (window: { limit: number; offset: number }) => Promise<{ items: readonly T[]; total: number }>): Promise<{ items: readonly T[]; position: PagePosition }> {
  const { page, pageSize, sizeAtFirstPage } = pageOf(query);
  const offset = page * pageSize;
  let found = await read({ limit: pageSize, offset });
  const shift = sizeAtFirstPage === null ? 0 : Math.max(0, found.total - sizeAtFirstPage);
  if (shift > 0) found = await read({ limit: pageSize, offset: offset + shift });
  return { items: found.items, position: { page, pageSize, total: found.total, count: found.items.length, shift, sizeAtFirstPage: sizeAtFirstPage ?? found.total - shift } };
}

/** The paging block of a list (laml.md §1.1), its URIs under the SignalWire prefix. */
export function listPage(path: string, page: PagePosition, query = ''): Record<string, unknown> {
  const at = (n: number) => `${path}?${query}${query ? '&' : ''}Page=${n}&PageSize=${page.pageSize}${n > 0 ? `&PageToken=PA${page.sizeAtFirstPage}` : ''}`;
  const start = page.page * page.pageSize;
  return {
    uri: at(page.page),
    first_page_uri: at(0),
    next_page_uri: start + page.shift + page.count < page.total ? at(page.page + 1) : null,
    previous_page_uri: page.page > 0 ? at(page.page - 1) : null,
    page: page.page,
    page_size: page.pageSize,
    start,
    end: Math.max(start, start + page.count - 1),
  };
}

/** `Calls/{sid}` and `Calls/{sid}.json` alike (laml.md §1.1: the suffix is optional). */
export const sidOf = (raw: string): string => raw.replace(/\.json$/, '');
