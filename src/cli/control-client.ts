import { request } from 'undici';
import { CliError } from './result.js';

/** Which hookline to talk to: `--url` and `--token` of `tail` and `replay`. */
export interface ControlTarget {
  /** hookline's base URL (`http://127.0.0.1:4080`); a trailing `/hookline/v1` is accepted too. */
  readonly url: string;
  readonly token?: string;
}

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:4080';

/** The URL of a control API path (`/events` → `http://…/hookline/v1/events`). */
export function controlUrl(target: ControlTarget, path: string): string {
  const base = target.url.replace(/\/+$/, '').replace(/\/hookline\/v1$/, '');
  return `${base}/hookline/v1${path}`;
}

export function authHeaders(target: ControlTarget): Record<string, string> {
  return target.token ? { authorization: `Bearer ${target.token}` } : {};
}

/** Sends a JSON request to the control API; network failures become a CliError that names the server. */
export async function controlRequest(
  target: ControlTarget,
  method: 'GET' | 'POST',
  path: string,
): Promise<{ status: number; body: unknown }> {
  const url = controlUrl(target, path);
  let response;
  try {
    response = await request(url, { method, headers: { accept: 'application/json', ...authHeaders(target) } });
  } catch (error) {
    throw new CliError(`cannot reach hookline at ${target.url} (${describeNetworkError(error)}); is \`hookline serve\` running? (--url picks another)`);
  }
  const text = await response.body.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: keep the text, so the caller can show what came back.
  }
  return { status: response.statusCode, body };
}

/** The control API's `{error: {message, fix}}`, as one sentence; the raw body otherwise. */
export function apiErrorMessage(status: number, body: unknown): string {
  const error = (body as { error?: { message?: unknown; fix?: unknown } } | null)?.error;
  if (error && typeof error.message === 'string') {
    return typeof error.fix === 'string' && error.fix ? `${error.message} (${error.fix})` : error.message;
  }
  return `HTTP ${status}${typeof body === 'string' && body ? `: ${body.slice(0, 200)}` : ''}`;
}

export function describeNetworkError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}
