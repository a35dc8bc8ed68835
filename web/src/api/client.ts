import { controlToken } from './token.js';
import type { ApiErrorBody } from './types.js';

export const CONTROL_BASE = '/hookline/v1';

/** An error answer of the control API as read off the wire, kept whole so a form can put it by its field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: ApiErrorBody['error'],
  ) {
    super(detail.message);
  }

  get field(): string | null {
    return this.detail.field;
  }

  get fix(): string {
    return this.detail.fix;
  }

  get unauthorized(): boolean {
    return this.status === 401;
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called whenever the API refuses the token (or its absence), so the shell can ask for one. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

function authHeaders(): Record<string, string> {
  const token = controlToken();
  return token === null ? {} : { authorization: `Bearer ${token}` };
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Partial<ApiErrorBody>;
    if (body.error) return new ApiError(response.status, body.error);
  } catch {
    // Not the API's JSON (a proxy's error page): described below from the status alone.
  }
  const message = `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  return new ApiError(response.status, { code: 'http_error', message, field: null, fix: 'check that hookline is running' });
}

/** A JSON request to the control API; resolves to the parsed body, rejects with an ApiError. */
export async function api<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${CONTROL_BASE}${path}`, {
      method,
      headers: { ...authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, { code: 'network_error', message: `hookline did not answer (${String(error)})`, field: null, fix: 'check that hookline is running' });
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (error.unauthorized) for (const listener of unauthorizedListeners) listener();
    throw error;
  }
  return (await response.json()) as T;
}

/** A query string from the set values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The event stream URL; EventSource cannot send headers, so the token rides in the query. */
export function eventStreamUrl(): string {
  const token = controlToken();
  return `${CONTROL_BASE}/events${query({ token })}`;
}
