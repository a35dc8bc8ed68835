import { resolve } from 'node:path';
import type { Colors } from './colors.js';

/** One account's credentials, in both dialects' words. */
export interface BannerAccount {
  readonly authId: string;
  readonly authToken: string;
  /** The LaML `AccountSid` (Basic-auth user name with the auth token). */
  readonly lamlProjectId: string;
  /** What LaML webhooks are signed with. */
  readonly signingKey: string;
}

export interface BannerInfo {
  readonly version: string;
  /** What `listen()` returned. */
  readonly url: string;
  readonly host: string;
  /** The dev account first, then the other main accounts. */
  readonly accounts: readonly [BannerAccount, ...BannerAccount[]];
  readonly data: string;
  /** The PostgreSQL store, as shown (no password); null for the embedded one in `data`. */
  readonly store?: string | null;
  readonly clock: 'real' | 'virtual';
  readonly timeScale: number;
  readonly dispatch: boolean;
  /** Shown only when the control API requires one. */
  readonly controlToken: string | null;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '[::]', '::']);

/** The base URL to print: a wildcard bind is reached on loopback from this machine. */
export function localBaseUrl(url: string): string {
  const parsed = new URL(url);
  if (WILDCARD_HOSTS.has(parsed.hostname)) parsed.hostname = '127.0.0.1';
  return parsed.origin;
}

/** What `hookline serve` prints once it is listening: where everything lives and how to sign in. */
export function renderBanner(info: BannerInfo, palette: Colors): string {
  const base = localBaseUrl(info.url);
  const dev = info.accounts[0];
  const rows: Array<[string, string]> = [
    ['Inspector', `${base}/`],
    ['Control API', `${base}/hookline/v1`],
    ['OpenAPI', `${base}/hookline/v1/openapi.json`],
    ['Plivo API', `${base}/v1/Account/${dev.authId}/`],
    ['LaML API', `${base}/api/laml/2010-04-01/Accounts/${dev.lamlProjectId}`],
    ['Sink', `${base}/sink/<name>`],
    ...info.accounts.flatMap(accountRows),
    info.store ? ['Store', info.store] : ['Data', dataText(info.data)],
    ['Clock', clockText(info, base)],
  ];
  if (info.controlToken !== null) rows.push(['Control token', `${info.controlToken}  (send Authorization: Bearer <token>)`]);
  if (!info.dispatch) rows.push(['Dispatch', 'off: callbacks are stored, not sent (--no-dispatch)']);
  if (WILDCARD_HOSTS.has(info.host)) rows.push(['Listening on', `${info.host} (every interface), port ${new URL(info.url).port}`]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const lines = rows.map(([label, value]) => `  ${palette.dim(label.padEnd(width))}${value}`);
  return [`${palette.bold(`hookline ${info.version}`)} is running at ${palette.cyan(base)}`, '', ...lines, '', palette.dim('Stop with Ctrl-C.'), ''].join('\n') + '\n';
}

/**
 * Plivo's credentials, then the same account's as a LaML project: SDKs sign in with the project id and
 * the auth token, and webhooks are validated with the signing key.
 */
function accountRows(account: BannerAccount): Array<[string, string]> {
  return [
    ['Auth ID', account.authId],
    ['Auth token', account.authToken],
    ['LaML project', account.lamlProjectId],
    ['Signing key', `${account.signingKey}  (validates LaML webhooks)`],
  ];
}

function dataText(data: string): string {
  return data === ':memory:' ? ':memory: (nothing is kept after exit)' : `${resolve(data)} (SQLite)`;
}

function clockText(info: BannerInfo, base: string): string {
  if (info.clock === 'virtual') return `virtual (advance it with POST ${base}/hookline/v1/clock/advance)`;
  return info.timeScale === 1 ? 'real' : `real, ${info.timeScale}× speed`;
}
