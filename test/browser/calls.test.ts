import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import { describeInBrowser, useInspector } from '../support/browser.js';
import { plivoClient } from '../support/plivo-sdk.js';
import type { ReceivedRequest, Reply } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

const ACCOUNT = 'MAHOOKLINEBROWSERCAL';
const TOKEN = 'browsercallstokenbrowsercallstokenbrows01';

const xml = (body: string): Reply => ({ status: 200, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n${body}\n</Response>` });

const pathOf = (request: ReceivedRequest): string => request.url.split('?')[0] ?? '';

/** A number whose far end rings until it is answered or rejected by hand (or the carrier gives up after 60 s). */
const NEVER_ANSWERS = '15551010000';
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/** The far-end panel's enabled controls by accessible name (aria-label, label or text), in page order. */
async function enabledControls(page: Page): Promise<string[]> {
  // Page scripts are passed as text: this project's TypeScript describes Node, not the DOM.
  return page.evaluate(`[...document.querySelectorAll('.call-controls :is(button, input, select):enabled')].map(
    (control) => control.getAttribute('aria-label') ?? control.labels?.[0]?.textContent ?? control.textContent.trim()
  )`);
}

async function advance(app: RunningApp, ms: number): Promise<void> {
  expect((await app.control('POST', '/clock/advance', { ms })).status).toBe(200);
}

describeInBrowser('the call view', () => {
  const rig = useRig();
  const browser = useInspector();

  it('enables only the far-end controls the call can take: none while set up, answer and reject while ringing, keys, words and hang up once answered, none once ended', async () => {
    const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`] });
    const appServer = await rig.receiver(() => xml(`  <GetDigits action="${appServer.url('/menu')}" numDigits="1" timeout="30">\n    <Speak>Press one for sales</Speak>\n  </GetDigits>`));
    const page = await browser.open(app.url, {}, '#/calls');
    await page.getByText('No calls yet.').waitFor();

    const made = await plivoClient(app.url, ACCOUNT, TOKEN).calls.create('14155550100', '14155550199', appServer.url('/answer'));
    const uuid = made.requestUuid as string;
    await page.getByRole('link', { name: uuid }).click();
    await page.getByRole('list', { name: 'Call timeline' }).getByText('API request').first().waitFor();
    await expect(page.getByTestId('far-end-status').textContent()).resolves.toBe('queued');
    expect(await enabledControls(page)).toEqual([]);

    await advance(app, 1_000); // set up: it rings
    await page.getByTestId('far-end-status').getByText('ringing').waitFor();
    await expect.poll(() => enabledControls(page)).toEqual(['Answer', 'Reject as', 'Reject']);

    await advance(app, 2_000); // the far end answers after two seconds of ringing
    await page.getByTestId('far-end-status').getByText('in-progress').waitFor();
    await expect.poll(() => enabledControls(page)).toEqual([...KEYS.map((key) => `Press ${key}`), 'Phrase', 'Hang up']);
    await page.getByLabel('Phrase', { exact: true }).fill('sales');
    await expect.poll(() => enabledControls(page)).toContain('Say');

    await page.getByRole('button', { name: 'Hang up' }).click();
    await advance(app, 0);
    await page.getByTestId('call-hangup-cause').getByText('4000 Normal Hangup (Callee)').waitFor();
    await expect(page.getByTestId('call-status').textContent()).resolves.toBe('completed');
    await page.getByText('The call has ended; the far end can do nothing more.').waitFor();
    await expect(page.getByRole('region', { name: 'Far end' }).count()).resolves.toBe(0);

    await page.getByRole('link', { name: 'Calls' }).click();
    await page.locator(`tr[data-call-status="completed"]`, { hasText: uuid }).waitFor();
  });

  it('answers a ringing call by hand, and a phrase said reaches the GetInput action as Speech; a phrase the API refuses shows why by its field', async () => {
    const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`] });
    const appServer = await rig.receiver((request) =>
      pathOf(request) === '/answer' ? xml(`  <GetInput action="${appServer.url('/heard')}" inputType="speech">\n    <Speak>What can I help you with</Speak>\n  </GetInput>`) : xml('  <Wait length="60"/>'),
    );
    // A number whose far end never answers by itself: it rings until someone answers by hand.
    const made = await plivoClient(app.url, ACCOUNT, TOKEN).calls.create('14155550100', NEVER_ANSWERS, appServer.url('/answer'));
    const uuid = made.requestUuid as string;
    await advance(app, 1_000);
    const page = await browser.open(app.url, {}, `#/calls/${uuid}`);
    await page.getByTestId('far-end-status').getByText('ringing').waitFor();

    await page.getByRole('button', { name: 'Answer' }).click();
    await advance(app, 0);
    await page.getByTestId('far-end-status').getByText('in-progress').waitFor();
    await page.getByRole('list', { name: 'Call timeline' }).getByText('far end answered').waitFor();
    await advance(app, 3_000); // the question is spoken

    await page.getByLabel('Phrase', { exact: true }).fill('x'.repeat(1001));
    await page.getByRole('button', { name: 'Say' }).click();
    await page.locator('#call-phrase-error').getByText('1000', { exact: false }).waitFor();
    await expect(page.getByLabel('Phrase', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');

    await page.getByLabel('Phrase', { exact: true }).fill('I would like to speak to sales');
    await page.getByRole('button', { name: 'Say' }).click();
    await expect.poll(() => page.getByLabel('Phrase', { exact: true }).inputValue()).toBe('');
    await advance(app, 5_000);
    await expect.poll(() => appServer.requests.find((request) => pathOf(request) === '/heard')?.params.Speech).toBe('I would like to speak to sales');
    await page.getByRole('list', { name: 'Call timeline' }).getByText('I would like to speak to sales', { exact: false }).first().waitFor();
  });

  for (const [cause, label, hangup] of [
    ['busy', 'Busy', '3010 Busy Line (Callee)'],
    ['no-answer', 'No answer', '3000 No Answer (Carrier)'],
  ] as const) {
    it(`rejects a ringing call as ${cause}, and the call ends with ${hangup}`, async () => {
      const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`] });
      const appServer = await rig.receiver(() => ({ status: 200 }));
      const made = await plivoClient(app.url, ACCOUNT, TOKEN).calls.create('14155550100', NEVER_ANSWERS, appServer.url('/answer'), { hangupUrl: appServer.url('/hangup') });
      await advance(app, 1_000);
      const page = await browser.open(app.url, {}, `#/calls/${made.requestUuid as string}`);
      await page.getByTestId('far-end-status').getByText('ringing').waitFor();

      await page.getByLabel('Reject as').selectOption({ label });
      await page.getByRole('button', { name: 'Reject', exact: true }).click();
      await advance(app, 0);
      await page.getByTestId('call-hangup-cause').getByText(hangup).waitFor();
      await expect(page.getByTestId('call-status').textContent()).resolves.toBe(cause);
      await expect.poll(() => appServer.requests.find((request) => pathOf(request) === '/hangup')?.params.HangupCauseCode).toBe(hangup.slice(0, 4));
      expect(appServer.requests.some((request) => pathOf(request) === '/answer')).toBe(false);
    });
  }

  it('plays the recording a Record made in the page', async () => {
    const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`] });
    const appServer = await rig.receiver((request) => (pathOf(request) === '/answer' ? xml(`  <Record action="${appServer.url('/recorded')}" maxLength="4" finishOnKey="#"/>`) : xml('  <Hangup/>')));
    const made = await plivoClient(app.url, ACCOUNT, TOKEN).calls.create('14155550100', '14155550199', appServer.url('/answer'));
    await advance(app, 3_000); // answered: recording
    await advance(app, 4_000); // maxLength reached
    const page = await browser.open(app.url, {}, `#/calls/${made.requestUuid as string}`);
    const audio = page.getByRole('list', { name: 'Call timeline' }).locator('audio');
    await audio.waitFor();
    const src = await audio.getAttribute('src');
    expect(src).toMatch(/^\/media\/recordings\/[0-9a-f-]{36}\.mp3$/);
    // Chromium loads it from the page as the controls would, and reads its length from the MP3 itself.
    const seconds = await audio.evaluate(
      (element) =>
        new Promise<number>((resolve, reject) => {
          const player = element as unknown as { duration: number; preload: string; load(): void; addEventListener(type: string, listener: () => void): void };
          player.addEventListener('loadedmetadata', () => resolve(player.duration));
          player.addEventListener('error', () => reject(new Error('the recording did not load')));
          player.preload = 'metadata';
          player.load();
        }),
    );
    expect(seconds).toBeGreaterThanOrEqual(3.9);
    expect(seconds).toBeLessThan(4.5);
  });

  it('rings an inbound call from the send panel into the number’s application: only the caller’s hang up while it rings', async () => {
    const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`] });
    // The app answers only when the test lets it, so the call rings while its answer document loads.
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const appServer = await rig.receiver(async () => {
      await answered;
      return xml('  <Speak>Welcome</Speak>\n  <Wait length="30"/>');
    });
    const client = plivoClient(app.url, ACCOUNT, TOKEN);
    const application = await client.applications.create('ivr', { answerUrl: appServer.url('/in/answer') });
    await client.numbers.buy('14155550123', application.appId);

    const page = await browser.open(app.url, {}, '#/send');
    const form = page.getByRole('form', { name: 'Receive a call' });
    await form.getByLabel('From (a phone)').fill('+14155559999');
    await form.getByLabel('To (a rented number)').fill('+14155550123');
    await form.getByRole('button', { name: 'Receive a call' }).click();
    await form.getByRole('status').getByRole('link').click();
    await page.getByTestId('far-end-status').getByText('ringing').waitFor();
    await expect.poll(() => enabledControls(page)).toEqual(['Hang up']);

    answer();
    await page.getByTestId('far-end-status').getByText('in-progress').waitFor();
    await expect.poll(() => appServer.requests[0]?.params).toMatchObject({ Direction: 'inbound', From: '14155559999', To: '14155550123' });
    await page.getByRole('list', { name: 'Call timeline' }).getByText('<Speak> (line 3, column 3)').waitFor();
  });

  it('simulates an inbound SMS from the send panel, showing why a number nobody rents is refused next to it', async () => {
    const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`] });
    const page = await browser.open(app.url, {}, '#/send');
    const form = page.getByRole('form', { name: 'Receive an SMS' });
    await form.getByLabel('From (a phone)').fill('+14155559999');
    await form.getByLabel('To (a rented number)').fill('+14155550123');
    await form.getByLabel('Text').fill('hello');
    await form.getByRole('button', { name: 'Receive an SMS' }).click();
    await page.locator('#inbound-sms-to-error').getByText('no account rents +14155550123').waitFor();
    await expect(form.getByLabel('To (a rented number)').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(form.getByRole('status').count()).resolves.toBe(0);
  });
});
