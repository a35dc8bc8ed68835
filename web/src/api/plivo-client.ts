/**
 * The Plivo REST API as an SDK calls it: JSON bodies, HTTP Basic with the account's auth id and token.
 * The send panel uses it so a call or SMS made from the page takes exactly the path an app's would.
 */

/** Plivo's error answer (`{api_id, error}`); `field` is the parameter the message starts with, if any. */
export class PlivoError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field: string | null,
  ) {
    super(message);
  }
}

/** Plivo's messages name the parameter first (`to "x" is not…`, `answer_url: …`), so a form can put them by it. */
function fieldOf(message: string, fields: readonly string[]): string | null {
  const first = /^([a-z_]+)\b/.exec(message)?.[1];
  return first !== undefined && fields.includes(first) ? first : null;
}

export async function plivoPost<T>(authId: string, authToken: string, resource: string, body: Record<string, string>): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/v1/Account/${encodeURIComponent(authId)}/${resource}/`, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa(`${authId}:${authToken}`)}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw new PlivoError(0, `hookline did not answer (${String(error)})`, null);
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's page, say): described from the status below.
  }
  if (!response.ok) {
    const error = parsed !== null && typeof parsed === 'object' && 'error' in parsed ? String((parsed as { error: unknown }).error) : `HTTP ${response.status}`;
    const message = response.status === 401 ? `${error} (check the auth id and token)` : error;
    throw new PlivoError(response.status, message, response.status === 401 ? 'auth_token' : fieldOf(error, Object.keys(body)));
  }
  return parsed as T;
}
