import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, expect, it } from 'vitest';
import { controlOf, type Control } from '../support/app.js';
import { describeInBrowser, useInspector } from '../support/browser.js';
import { killAll, spawnServe, type ServeProcess } from '../support/cli-process.js';
import { plivoClient } from '../support/plivo-sdk.js';
import type { ReceivedRequest, Reply } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

const ACCOUNT = 'MAHOOKLINESERVEFLOW1';
const TOKEN = 'serveflowstokenserveflowstokenserveflow1';

const xml = (body: string): Reply => ({ status: 200, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n${body}\n</Response>` });
const pathOf = (request: ReceivedRequest): string => request.url.split('?')[0] ?? '';

/**
 * The four flows, end to end: the built `hookline serve` as its own process on the virtual clock
 * and a SQLite directory of its own, a loopback app, and the inspector it serves driven in Chromium.
 */
describeInBrowser('the inspector against a spawned hookline serve', () => {
  const rig = useRig();
  const servers: ServeProcess[] = [];
  const dataDirs: string[] = [];
  // Registered before the inspector's, so it runs after it (hooks unwind): the end screenshot still sees a live server.
  afterEach(async () => {
    await killAll(servers);
    for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const browser = useInspector();

  async function serve(): Promise<{ url: string; control: Control }> {
    const data = mkdtempSync(join(tmpdir(), 'hookline-serve-flows-'));
    dataDirs.push(data);
    const server = await spawnServe(['--clock', 'virtual', '--data', data, '--account', `${ACCOUNT}:${TOKEN}`, '--log-level', 'warn']);
    servers.push(server);
    return { url: server.url, control: controlOf(server.url) };
  }

  /** Moves the virtual clock with the top bar's button, waiting until the page shows the new time. */
  async function clockButton(page: Page, name: '+1 s' | '+1 min' | RegExp): Promise<void> {
    const now = page.getByTestId('clock-now');
    const before = await now.textContent();
    await page.getByRole('group', { name: 'Clock' }).getByRole('button', { name, exact: true }).click();
    await expect.poll(() => now.textContent()).not.toBe(before);
  }

  it('shows a callback that failed at the sink with the body it answered, and a replay that succeeds once the sink is fixed', async () => {
    const { url, control } = await serve();
    expect((await control('PUT', '/sinks/flaky', { status: 503, body: 'down for maintenance' })).status).toBe(200);
    // The fragment asks for no retries, so the first failure is final.
    const queued = await control<{ id: string }>('POST', '/callbacks', { url: `${url}/sink/flaky#rc=0`, dialect: 'plivo', profile: 'plivo-voice', params: { CallUUID: 'c-1' } });
    expect(queued.status).toBe(202);
    await control('POST', '/clock/advance', { ms: 0 });

    const page = await browser.open(url, {}, `#/deliveries/${queued.body.id}`);
    const first = page.locator('[data-attempt="1"]');
    await first.getByText('HTTP 503').waitFor();
    await expect(first.getByTestId('response-body').textContent()).resolves.toBe('down for maintenance');
    await expect(page.getByRole('row', { name: /^rc/ }).textContent()).resolves.toContain('fragment');
    await page.locator('.badge', { hasText: 'failed' }).waitFor();

    await page.goto(`${url}/#/sinks/flaky`);
    await page.getByLabel('Status').fill('200');
    await page.getByLabel('Body').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();

    await page.goto(`${url}/#/deliveries/${queued.body.id}`);
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.locator('[data-attempt="2"]').getByText('HTTP 200').waitFor();
    await page.locator('.badge', { hasText: 'succeeded' }).waitFor();
    const arrived = await control<{ requests: Array<{ headers: Record<string, string> }> }>('GET', '/sinks/flaky/requests');
    expect(arrived.body.requests.map((request) => request.headers['x-hookline-attempt'])).toEqual(['1', '2']);
  });

  it('places a Plivo IVR call from the send panel, follows its timeline, and the keypad reaches the action with Digits=1', async () => {
    const { url } = await serve();
    const appServer = await rig.receiver((request) => {
      if (pathOf(request) === '/answer') return xml(`  <GetDigits action="${appServer.url('/menu')}" numDigits="1" timeout="30">\n    <Speak>Press one for sales</Speak>\n  </GetDigits>`);
      if (pathOf(request) === '/menu') return xml('  <Speak>Connecting you to sales</Speak>\n  <Wait length="120"/>');
      return { status: 200 };
    });
    const page = await browser.open(url, {}, '#/send');
    await page.getByLabel('Auth ID').fill(ACCOUNT);
    await page.getByLabel('Auth token').fill(TOKEN);
    const form = page.getByRole('form', { name: 'Make a call' });
    await form.getByLabel('To').fill('14155550199');
    await form.getByLabel('Answer URL').fill(appServer.url('/answer'));
    await form.getByRole('button', { name: 'Make a call' }).click();
    // Plivo's refusal names the parameter, so it shows by that field.
    await page.locator('#make-call-from-error').getByText('from parameter is missing').waitFor();
    await expect(form.getByLabel('From').getAttribute('aria-invalid')).resolves.toBe('true');

    await form.getByLabel('From').fill('14155550100');
    await form.getByRole('button', { name: 'Make a call' }).click();
    await form.getByRole('status').getByRole('link').click();
    const timeline = page.getByRole('list', { name: 'Call timeline' });
    await timeline.getByText('API request').first().waitFor();

    // One second of set-up and two of ringing, then the answer and its document.
    for (let second = 0; second < 3; second += 1) await clockButton(page, '+1 s');
    await page.getByTestId('call-status').getByText('in-progress').waitFor();
    await timeline.getByText('<GetDigits> (line 3, column 3)').waitFor();

    await page.getByRole('button', { name: 'Press 1' }).click();
    await page.getByText('Pressed: 1').waitFor();
    await clockButton(page, '+1 s');
    await timeline.getByText('far end pressed 1').waitFor();
    await timeline.getByText('<Speak> (line 3, column 3)').waitFor();
    const menu = appServer.requests.find((request) => pathOf(request) === '/menu');
    expect(menu?.params.Digits).toBe('1');
  });

  it('fails a message from the message view, and its failed status callback appears and reaches the app', async () => {
    const { url, control } = await serve();
    const app = await rig.receiver();
    const sent = await plivoClient(url, ACCOUNT, TOKEN).messages.create({ src: '+14155550100', dst: '+14155550101', text: 'Your code is 1234', url: app.url('/sms-status') });
    const page = await browser.open(url, {}, `#/messages/${sent.messageUuid[0]!}`);
    await expect(page.getByTestId('message-status').textContent()).resolves.toBe('queued');

    await page.getByLabel('Error code (undelivered, failed)').fill('30');
    await page.getByRole('button', { name: 'Fail' }).click();
    await page.getByTestId('message-status').getByText('failed').waitFor();
    await page.getByRole('list', { name: 'Status timeline' }).getByText('error 30').waitFor();
    const callback = page.locator('tr[data-callback-status="failed"]');
    await callback.waitFor();

    await control('POST', '/clock/advance', { ms: 0 });
    await expect.poll(() => app.requests.find((request) => request.params.Status === 'failed')?.params.ErrorCode).toBe('30');
    await callback.getByRole('link').first().click();
    await page.locator('[data-attempt="1"]').getByText('HTTP 200').waitFor();
  });

  it('fires a pending retry when the clock is moved on: +1 min to the first, Next due to the second', async () => {
    const { url, control } = await serve();
    const app = await rig.receiver((_request, index) => ({ status: index < 2 ? 500 : 200, body: index < 2 ? 'not yet' : 'ok' }));
    const queued = await control<{ id: string }>('POST', '/callbacks', { url: app.url('/status'), dialect: 'plivo', params: { MessageUUID: 'm-7', Status: 'sent' } });
    await control('POST', '/clock/advance', { ms: 0 });
    await app.waitFor(1);

    const page = await browser.open(url, {}, `#/deliveries/${queued.body.id}`);
    await page.locator('[data-attempt="1"]').getByText('next attempt at').waitFor();
    await clockButton(page, '+1 min');
    await page.locator('[data-attempt="2"]').getByText('HTTP 500').waitFor();
    await page.locator('[data-attempt="2"]').getByText('next attempt at').waitFor();

    await clockButton(page, /^Next due \(\+2 min\)$/);
    await page.locator('[data-attempt="3"]').getByText('HTTP 200').waitFor();
    await page.locator('.badge', { hasText: 'succeeded' }).waitFor();
    expect(app.requests).toHaveLength(3);
  });
});
