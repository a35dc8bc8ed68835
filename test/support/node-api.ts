import { request } from 'undici';
import type { ServeProcess } from './cli-process.js';

/** An account's credentials, as `--account ID:TOKEN` gave them. */
export interface Credentials {
  readonly id: string;
  readonly token: string;
}

export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

type Method = 'GET' | 'POST' | 'DELETE';

/** Plivo's API on one node, JSON bodies, as the account. */
export function plivoApi(account: Credentials): (node: ServeProcess, method: Method, path: string, body?: object) => Promise<Answer> {
  return (node, method, path, body) =>
    exchange(`${node.url}/v1/Account/${account.id}${path}`, method, body === undefined ? undefined : { type: 'application/json', text: JSON.stringify(body) }, basic(account));
}

/** The LaML API on one node, form bodies, as the project. */
export function lamlApi(project: Credentials): (node: ServeProcess, method: Method, path: string, form?: Record<string, string>) => Promise<Answer> {
  return (node, method, path, form) =>
    exchange(
      `${node.url}/api/laml/2010-04-01/Accounts/${project.id}${path}`,
      method,
      form === undefined ? undefined : { type: 'application/x-www-form-urlencoded', text: new URLSearchParams(form).toString() },
      basic(project),
    );
}

/** hookline's control API on one node (bound to loopback, so no token). */
export function control(node: ServeProcess, method: Method, path: string, body?: object): Promise<Answer> {
  return exchange(`${node.url}/hookline/v1${path}`, method, body === undefined ? undefined : { type: 'application/json', text: JSON.stringify(body) }, {});
}

function basic(account: Credentials): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${account.id}:${account.token}`).toString('base64')}` };
}

async function exchange(url: string, method: Method, body: { type: string; text: string } | undefined, headers: Record<string, string>): Promise<Answer> {
  const response = await request(url, {
    method,
    headers: body ? { ...headers, 'content-type': body.type } : headers,
    ...(body ? { body: body.text } : {}),
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text ? (JSON.parse(text) as unknown) : null };
}
