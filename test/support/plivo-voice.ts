import { expect } from 'vitest';
import type { RunningApp } from './app.js';
import { plivoClient, type PlivoClient } from './plivo-sdk.js';
import type { ReceivedRequest, Reply, Receiver } from './receiver.js';
import type { useRig } from './rig.js';

type Rig = ReturnType<typeof useRig>;

/** What a Plivo voice test works with: a hookline on the virtual clock, the app it calls, the SDK. */
export interface PlivoVoiceSetUp {
  readonly app: RunningApp;
  readonly appServer: Receiver;
  readonly client: PlivoClient;
}

/**
 * A hookline on the virtual clock with one account, and an application answering each path in
 * `routes` with its XML (any other path: an empty 200, as a notification URL would); `config` adds settings.
 */
export async function plivoVoiceSetUp(
  rig: Rig,
  account: { readonly authId: string; readonly authToken: string },
  routes: Record<string, (request: ReceivedRequest) => Reply>,
  config: Parameters<Rig['app']>[0] = {},
): Promise<PlivoVoiceSetUp> {
  const app = await rig.app({ ...config, clock: 'virtual', account: [`${account.authId}:${account.authToken}`] });
  const appServer = await rig.receiver((request) => {
    const route = routes[request.url.split('?')[0] as string];
    return route ? { headers: { 'content-type': 'application/xml' }, ...route(request) } : { status: 200 };
  });
  return { app, appServer, client: plivoClient(app.url, account.authId, account.authToken) };
}

/** A Plivo XML document, as an application answers it. */
export const xml = (body: string): Reply => ({ status: 200, body: `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>` });

export async function advance(app: RunningApp, ms: number): Promise<void> {
  expect((await app.control('POST', '/clock/advance', { ms })).status).toBe(200);
}

/** The requests that reached `path`, query aside, in the order they came. */
export function requestsTo(requests: readonly ReceivedRequest[], path: string): ReceivedRequest[] {
  return requests.filter((request) => request.url.split('?')[0] === path);
}
