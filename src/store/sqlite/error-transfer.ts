import Database from 'better-sqlite3';
import { InputError, NotFoundError } from '../../domain/errors.js';
import { SchemaTooNewError } from '../migration.js';

/**
 * An error as it crosses from the SQLite worker to the main thread. Structured clone keeps only an
 * error's message and stack and turns every class it does not know into a plain `Error`, so callers
 * could no longer tell a bad page cursor (`InputError`, a 400) from a broken database. The class name
 * and the error's own fields travel instead, and `reviveError` builds the same class again.
 */
export interface TransferredError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** The error's own enumerable fields with plain values (`code`, `field`, `fix`, `path`…). */
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly cause: TransferredError | null;
}

type FieldValue = string | number | boolean | null;

/** Causes nest (a commit error wraps the SQLite error); a few levels say all there is to say. */
const MAX_CAUSE_DEPTH = 4;

export function transferError(error: unknown, depth = 0): TransferredError {
  if (!(error instanceof Error)) {
    return { name: 'Error', message: String(error), stack: undefined, fields: {}, cause: null };
  }
  const fields: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[key] = value;
  }
  const cause = error.cause !== undefined && depth < MAX_CAUSE_DEPTH ? transferError(error.cause, depth + 1) : null;
  return { name: error.name, message: error.message, stack: error.stack, fields, cause };
}

type Reviver = (transferred: TransferredError) => Error;

const text = (value: FieldValue | undefined, fallback: string): string => (typeof value === 'string' ? value : fallback);
const count = (value: FieldValue | undefined): number => (typeof value === 'number' ? value : 0);

/** Every class a caller may test with `instanceof`, rebuilt through its own constructor. */
const REVIVERS: Readonly<Record<string, Reviver>> = {
  InputError: ({ message, fields }) =>
    new InputError(message, typeof fields.field === 'string' ? fields.field : null, text(fields.fix, ''), count(fields.status) || 400, text(fields.code, 'invalid_request')),
  NotFoundError: ({ fields }) => new NotFoundError(text(fields.what, 'resource'), text(fields.id, '')),
  SchemaTooNewError: ({ fields }) =>
    new SchemaTooNewError(text(fields.path, ''), count(fields.databaseVersion), count(fields.knownVersion), text(fields.fix, 'point --data at another directory')),
  SqliteError: ({ message, fields }) => new Database.SqliteError(message, text(fields.code, 'SQLITE_ERROR')),
  TypeError: ({ message }) => new TypeError(message),
  RangeError: ({ message }) => new RangeError(message),
};

/**
 * The error again, on this side: the same class where it is one callers test for, else an `Error` with
 * the same name. Message, fields and cause are the worker's; so is the stack, because the worker's is
 * the one that says where the failure happened.
 */
export function reviveError(transferred: TransferredError): Error {
  const reviver = REVIVERS[transferred.name];
  const error = reviver ? reviver(transferred) : new Error(transferred.message);
  if (!reviver && transferred.name !== 'Error') error.name = transferred.name;
  const target = error as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(transferred.fields)) {
    if (!(key in error)) target[key] = value;
  }
  if (error.message !== transferred.message) {
    Object.defineProperty(error, 'message', { value: transferred.message, writable: true, enumerable: false, configurable: true });
  }
  if (transferred.stack !== undefined) error.stack = transferred.stack;
  if (transferred.cause) error.cause = reviveError(transferred.cause);
  return error;
}
