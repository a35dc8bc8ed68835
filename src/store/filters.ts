import { InputError } from '../domain/errors.js';
import type { ResourceQuery } from './ports.js';

/**
 * Checks shared by both stores on the filters of a listing, so the same input is refused the same way
 * whichever backend runs.
 */

/** The `where` of a resource query as [field, value] pairs, each field a plain name safe to put in SQL. */
export function stateFilters(query: ResourceQuery): Array<[string, string]> {
  return checkedFields(Object.entries(query.where ?? {}), 'where');
}

/** The `startsWith` of a resource query as [field, LIKE pattern] pairs, checked as `stateFilters` checks. */
export function statePrefixes(query: ResourceQuery): Array<[string, string]> {
  return checkedFields(Object.entries(query.startsWith ?? {}), 'startsWith').map(([field, prefix]) => [field, `${escapeLike(prefix)}%`]);
}

/** The `present` fields of a resource query, checked as `stateFilters` checks. */
export function statePresent(query: ResourceQuery): string[] {
  return checkedFields((query.present ?? []).map((field): [string, string] => [field, '']), 'present').map(([field]) => field);
}

function checkedFields(fields: Array<[string, string]>, name: string): Array<[string, string]> {
  for (const [field] of fields) {
    if (!/^[A-Za-z0-9_]+$/.test(field)) throw new InputError(`cannot filter on state field "${field}"`, name, 'name a top-level field of letters, digits and _');
  }
  return fields;
}

/** LIKE treats `%` and `_` as wildcards; the filter means the text itself. `\` is the ESCAPE character. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** A page size as a whole number of at least one. */
export function pageLimit(limit: number): number {
  return Math.max(1, Math.floor(limit));
}
