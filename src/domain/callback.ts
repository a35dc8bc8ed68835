/** The carrier whose conventions a callback follows: parameter casing, signatures, retry defaults. */
export type Dialect = 'plivo' | 'laml' | 'standard';
export const DIALECTS: readonly Dialect[] = ['plivo', 'laml', 'standard'];

export type HttpMethod = 'GET' | 'POST';

/**
 * Document callbacks (answer_url, action, Redirect…) are fetched at once and their body drives a call;
 * notification callbacks (hangup_url, status url…) go through the durable outbox.
 */
export type CallbackKind = 'notification' | 'document';

/** Callback parameters as the carriers send them: PascalCase names, every value a string. */
export type CallbackParams = Readonly<Record<string, string>>;
