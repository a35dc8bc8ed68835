import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { InputError, NotFoundError } from '../../src/domain/errors.js';
import { reviveError, transferError } from '../../src/store/sqlite/error-transfer.js';
import { SchemaTooNewError } from '../../src/store/sqlite/migrations.js';

/** Across a worker boundary errors travel by structured clone; this is what survives the trip. */
function roundTrip(error: unknown): Error {
  return reviveError(structuredClone(transferError(error)));
}

describe('errors from the SQLite worker', () => {
  it('come back as InputError with message, field, fix, status and code', () => {
    const original = new InputError('invalid page cursor "x"', 'after', 'pass back the nextCursor', 422, 'bad_cursor');

    const revived = roundTrip(original);

    expect(revived).toBeInstanceOf(InputError);
    expect(revived).toMatchObject({ name: 'InputError', message: original.message, field: 'after', fix: 'pass back the nextCursor', status: 422, code: 'bad_cursor' });
  });

  it('come back as SchemaTooNewError with the same message and versions', () => {
    const original = new SchemaTooNewError('/data/hookline.db', 7, 2);

    const revived = roundTrip(original);

    expect(revived).toBeInstanceOf(SchemaTooNewError);
    expect(revived.message).toBe(original.message);
    expect(revived).toMatchObject({ path: '/data/hookline.db', databaseVersion: 7, knownVersion: 2 });
  });

  it('come back as NotFoundError, TypeError and SqliteError with their codes', () => {
    expect(roundTrip(new NotFoundError('delivery', 'd1'))).toMatchObject({ what: 'delivery', id: 'd1', message: 'delivery d1 not found' });
    expect(roundTrip(new NotFoundError('delivery', 'd1'))).toBeInstanceOf(NotFoundError);
    expect(roundTrip(new TypeError('Cannot open database because the directory does not exist'))).toBeInstanceOf(TypeError);

    const sqlite = roundTrip(new Database.SqliteError('UNIQUE constraint failed: deliveries.id', 'SQLITE_CONSTRAINT_UNIQUE'));

    expect(sqlite).toBeInstanceOf(Database.SqliteError);
    expect(sqlite).toMatchObject({ message: 'UNIQUE constraint failed: deliveries.id', code: 'SQLITE_CONSTRAINT_UNIQUE' });
  });

  it('keep the cause chain, the worker’s stack, and the name and fields of classes nobody tests for', () => {
    const cause = new Database.SqliteError('disk I/O error', 'SQLITE_IOERR');
    const original = Object.assign(new Error('could not commit change set (deliveries d1): disk I/O error', { cause }), { name: 'CommitError', attempt: 2 });

    const revived = roundTrip(original);

    expect(revived).toMatchObject({ name: 'CommitError', message: original.message, attempt: 2 });
    expect(revived.stack).toBe(original.stack);
    expect(revived.cause).toBeInstanceOf(Database.SqliteError);
    expect(revived.cause).toMatchObject({ code: 'SQLITE_IOERR' });
  });

  it('turn a thrown non-error into an Error saying what was thrown', () => {
    expect(roundTrip('no database')).toMatchObject({ name: 'Error', message: 'no database' });
  });
});
