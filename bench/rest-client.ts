import type { Pool } from 'undici';
import { inLanes } from './pacing.js';

/** A request as an SDK sends it to a front door: Basic credentials, a JSON or form body. */
export interface RestRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly authorization?: string;
  readonly body?: { readonly contentType: string; readonly text: string };
  /** The status the door answers when all is well. */
  readonly expected: number;
}

export const basicAuthorization = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export async function restRequest(pool: Pool, request: RestRequest): Promise<void> {
  const { method, path, body } = request;
  const response = await pool.request({
    method,
    path,
    headers: { ...(request.authorization ? { authorization: request.authorization } : {}), ...(body ? { 'content-type': body.contentType } : {}) },
    ...(body ? { body: body.text } : {}),
  });
  await response.body.dump();
  if (response.statusCode !== request.expected) throw new Error(`${method} ${path} answered ${response.statusCode}, expected ${request.expected}`);
}

/** Run `count` requests with `concurrency` in flight; the elapsed ms. */
export async function timed(count: number, concurrency: number, send: (index: number) => Promise<void>): Promise<number> {
  const startedAt = performance.now();
  await inLanes(count, concurrency, send);
  return performance.now() - startedAt;
}

/** The `n`-th bench phone number, E.164 digits without the +. */
export const benchNumber = (n: number): string => `1415${String(n).padStart(7, '0')}`;
