/**
 * Bad input, caught at the edge. Carries what was wrong, with which field, and how to fix it; each
 * front door turns it into its dialect's error shape (control API: `{error: {code, message, field, fix}}`).
 */
export class InputError extends Error {
  constructor(
    message: string,
    readonly field: string | null,
    readonly fix: string,
    readonly status: number = 400,
    readonly code: string = 'invalid_request',
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** A referenced thing does not exist (or belongs to another account, which must look the same). */
export class NotFoundError extends Error {
  constructor(
    readonly what: string,
    readonly id: string,
  ) {
    super(`${what} ${id} not found`);
    this.name = 'NotFoundError';
  }
}
