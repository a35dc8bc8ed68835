import { InputError } from '../domain/errors.js';
import type { ResourceQuery } from './ports.js';

/**
 * Checks shared by both stores on the filters of a listing, so the same input is refused the same way
 * whichever backend runs.
 */

/** The `where` of a resource query as [field, value] pairs, each field a plain name safe to put in SQL. */
export function stateFilters(query: ResourceQuery): Array<[string, string]> {
  const where = Object.entries(query.where ?? {});
  for (const [field] of where) {
    if (!/^[A-Za-z0-9_]+$/.test(field)) throw new InputError(`cannot filter on state field "${field}"`, 'where', 'name a top-level field of letters, digits and _');
  }
  return where;
}

/** LIKE treats `%` and `_` as wildcards; the filter means the text itself. `\` is the ESCAPE character. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** A page size as a whole number of at least one. */
export function pageLimit(limit: number): number {
  return Math.max(1, Math.floor(limit));
}
