import { expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import { describeInBrowser, screenshot, useInspector } from '../support/browser.js';
import { plivoClient } from '../support/plivo-sdk.js';
import type { ReceivedRequest, Reply } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

const ACCOUNT = 'MAHOOKLINEBROWSERCAL';
const TOKEN = 'browsercallstokenbrowsercallstokenbrows01';

const xml = (body: string): Reply => ({ status: 200, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n${body}\n</Response>` });

const pathOf = (request: ReceivedRequest): string => request.url.split('?')[0] ?? '';

async function advance(app: RunningApp, ms: number): Promise<void> {
  expect((await app.control('POST', '/clock/advance', { ms })).status).toBe(200);
}

describeInBrowser('the call view', () => {
  const rig = useRig();
  const browser = useInspector();

  it('follows a Plivo IVR call: the keypad reaches the action, a refused key shows why, hang up shows the cause', async () => {
    const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`] });
    const appServer = await rig.receiver((request) => {
      if (pathOf(request) === '/answer') return xml(`  <GetDigits action="${appServer.url('/menu')}" numDigits="1" timeout="30">\n    <Speak>Press one for sales</Speak>\n  </GetDigits>`);
      if (pathOf(request) === '/menu') return xml('  <Speak>Connecting you to sales</Speak>\n  <Wait length="120"/>');
      return { status: 200 };
    });
    const page = await browser.open(app.url, {}, '#/calls');
    await page.getByText('No calls yet.').waitFor();

    const made = await plivoClient(app.url, ACCOUNT, TOKEN).calls.create('14155550100', '14155550199', appServer.url('/answer'));
    const uuid = made.requestUuid as string;
    await page.getByRole('link', { name: uuid }).click();
    await page.getByRole('heading', { name: new RegExp(uuid) }).waitFor();
    await page.getByRole('list', { name: 'Call timeline' }).getByText('API request').first().waitFor();

    // Not answered yet: the API refuses keys, and its reason shows by the keypad.
    await page.getByRole('button', { name: 'Press 1' }).click();
    const keypad = page.getByRole('group', { name: 'Keypad' }).locator('..');
    await keypad.getByRole('alert').getByText('has not been answered').waitFor();
    await screenshot(page, 'call-refused-keys');

    await advance(app, 3_000); // set-up and ringing: answered, the answer document fetched
    await page.getByTestId('call-status').getByText('in-progress').waitFor();
    const timeline = page.getByRole('list', { name: 'Call timeline' });
    await timeline.getByText('<GetDigits> (line 3, column 3)').waitFor();
    await timeline.getByRole('link', { name: 'request and answer' }).first().waitFor();

    await page.getByRole('button', { name: 'Press 1' }).click();
    await page.getByText('Pressed: 1').waitFor();
    await advance(app, 0);
    await appServer.waitFor(2);
    const menu = appServer.requests.find((request) => pathOf(request) === '/menu');
    expect(menu?.params.Digits).toBe('1');
    await timeline.getByText('far end pressed 1').waitFor();

    await page.getByRole('button', { name: 'Hang up' }).click();
    await advance(app, 0);
    await page.getByTestId('call-hangup-cause').getByText('4000 Normal Hangup (Callee)').waitFor();
    await expect(page.getByTestId('call-status').textContent()).resolves.toBe('completed');
    await page.getByText('The call has ended; the far end can do nothing more.').waitFor();
    await screenshot(page, 'call-view');

    await page.getByRole('link', { name: 'Calls' }).click();
    await page.locator(`tr[data-call-status="completed"]`, { hasText: uuid }).waitFor();
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
    await screenshot(page, 'send-panel-refused');
  });
});
