import { InputError } from '../domain/errors.js';

/**
 * Page cursors are the seq of the last row handed out, as a decimal string. Callers must treat them as
 * opaque; a cursor that is not one this store made is refused rather than read as "from the start".
 */
export function encodeCursor(seq: number): string {
  return String(seq);
}

export function decodeCursor(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  const seq = /^\d{1,15}$/.test(cursor) ? Number(cursor) : NaN;
  if (!Number.isSafeInteger(seq)) {
    throw new InputError(`invalid page cursor "${cursor}"`, 'after', 'pass back the nextCursor of the previous page, or leave it out to start at the first page');
  }
  return seq;
}
