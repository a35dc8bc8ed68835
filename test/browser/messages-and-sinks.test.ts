import { expect, it } from 'vitest';
import { describeInBrowser, screenshot, useInspector } from '../support/browser.js';
import { plivoClient } from '../support/plivo-sdk.js';
import { useRig } from '../support/rig.js';

const ACCOUNT = 'MAHOOKLINEBROWSER001';
const TOKEN = 'browsertestsaccounttokenbrowsertests0001';

describeInBrowser('the message view', () => {
  const rig = useRig();
  const browser = useInspector();

  /** A message held at queued by the virtual clock, with its status callbacks going to a receiver. */
  async function queuedMessage() {
    const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`] });
    const receiver = await rig.receiver();
    const sent = await plivoClient(app.url, ACCOUNT, TOKEN).messages.create({ src: '+14155550100', dst: '+14155550101', text: 'Your code is 1234', url: receiver.url('/sms-status') });
    return { app, receiver, uuid: sent.messageUuid[0]! };
  }

  it('delivers a message and marks another undelivered with its error code, each status callback appearing with it', async () => {
    const { app, receiver, uuid } = await queuedMessage();
    const page = await browser.open(app.url, {}, `#/messages/${uuid}`);
    await page.getByRole('button', { name: 'Mark sent' }).click();
    await page.getByTestId('message-status').getByText('sent').waitFor();
    await page.getByRole('button', { name: 'Deliver', exact: true }).click();
    await page.getByTestId('message-status').getByText('delivered').waitFor();
    await page.locator('tr[data-callback-status="delivered"]').waitFor();
    await page.getByText('The message is final (delivered); the network moves it no further.').waitFor();
    await expect(page.getByRole('button', { name: 'Fail' }).isDisabled()).resolves.toBe(true);

    const other = await plivoClient(app.url, ACCOUNT, TOKEN).messages.create({ src: '+14155550100', dst: '+14155550102', text: 'Second', url: receiver.url('/sms-status') });
    await page.goto(`${app.url}/#/messages/${other.messageUuid[0]!}`);
    await page.getByLabel('Error code (undelivered, failed)').fill('30');
    await page.getByRole('button', { name: 'Mark undelivered' }).click();
    await page.getByTestId('message-status').getByText('undelivered').waitFor();
    await page.locator('tr[data-callback-status="undelivered"]').waitFor();
    await page.getByRole('list', { name: 'Status timeline' }).getByText('error 30').waitFor();

    await app.control('POST', '/clock/advance', { ms: 0 });
    await expect.poll(() => receiver.requests.map((request) => `${request.params.MessageUUID}:${request.params.Status}`)).toEqual(
      expect.arrayContaining([`${uuid}:sent`, `${uuid}:delivered`, `${other.messageUuid[0]!}:undelivered`]),
    );
  });

  it("receives an SMS from the send panel into the rented number's application, and leads to the message", async () => {
    const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`] });
    const appServer = await rig.receiver();
    const client = plivoClient(app.url, ACCOUNT, TOKEN);
    const application = await client.applications.create('sms', { messageUrl: appServer.url('/sms-in') });
    await client.numbers.buy('14155550123', application.appId);

    const page = await browser.open(app.url, {}, '#/send');
    const form = page.getByRole('form', { name: 'Receive an SMS' });
    await form.getByLabel('From (a phone)').fill('+14155559999');
    await form.getByLabel('To (a rented number)').fill('+14155550123');
    await form.getByLabel('Text').fill('STOP');
    await form.getByRole('button', { name: 'Receive an SMS' }).click();
    await form.getByRole('status').getByRole('link').click();
    await page.getByRole('row', { name: /^direction/ }).getByText('inbound').waitFor();
    await app.control('POST', '/clock/advance', { ms: 0 });
    await expect.poll(() => appServer.requests[0]?.params).toMatchObject({ From: '14155559999', To: '14155550123', Text: 'STOP' });
  });

  it("shows the API's error next to the error code field and leaves the message as it was", async () => {
    const { app, uuid } = await queuedMessage();
    const page = await browser.open(app.url, {}, `#/messages/${uuid}`);

    await page.getByLabel('Error code (undelivered, failed)').fill('12345');
    await page.getByRole('button', { name: 'Mark undelivered' }).click();
    const fieldError = page.locator('#message-error-code-error');
    await fieldError.waitFor();
    await expect(fieldError.textContent()).resolves.toContain('not a documented SMS error code');
    await expect(page.getByLabel('Error code (undelivered, failed)').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByTestId('message-status').textContent()).resolves.toBe('queued');
  });

  it('shows how a long text splits into the units it is billed as', async () => {
    const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`] });
    const client = plivoClient(app.url, ACCOUNT, TOKEN);
    const gsm = await client.messages.create({ src: '+14155550100', dst: '+14155550101', text: 'a'.repeat(200) });
    const page = await browser.open(app.url, {}, `#/messages/${gsm.messageUuid[0]!}`);
    await expect(page.getByRole('row', { name: /^units/ }).textContent()).resolves.toContain('2 (200 septets: one SMS holds 160, each part of a longer one 153)');

    const unicode = await client.messages.create({ src: '+14155550100', dst: '+14155550101', text: 'Привет'.repeat(12) });
    await page.goto(`${app.url}/#/messages/${unicode.messageUuid[0]!}`);
    await expect(page.getByRole('row', { name: /^units/ }).textContent()).resolves.toContain('2 (72 UTF-16 code units: one SMS holds 70, each part of a longer one 67)');
    await expect(page.getByRole('row', { name: /^encoding/ }).textContent()).resolves.toContain('UCS-2');
  });

  it('lists messages and leads to each one', async () => {
    const { app, uuid } = await queuedMessage();
    const page = await browser.open(app.url, {}, '#/messages');
    await page.getByRole('link', { name: uuid }).click();
    await page.getByRole('heading', { name: new RegExp(uuid) }).waitFor();
  });
});

describeInBrowser('sinks', () => {
  const rig = useRig();
  const browser = useInspector();

  it('opens a sink, refuses an impossible status in place, and shows what arrives', async () => {
    const app = await rig.app();
    const page = await browser.open(app.url);
    await page.getByRole('link', { name: 'Sinks' }).click();
    await page.getByLabel('Sink name').fill('inspector-demo');
    await page.getByRole('button', { name: 'Open sink' }).click();
    await page.getByTestId('sink-address').waitFor();

    await page.getByLabel('Status').fill('700');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#sink-status-error').waitFor();
    await expect(page.getByLabel('Status').getAttribute('aria-invalid')).resolves.toBe('true');

    await page.getByLabel('Status').fill('503');
    await page.getByLabel('Body').fill('try later');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();

    const address = await page.getByTestId('sink-address').textContent();
    await app.control('POST', '/callbacks', { url: address, dialect: 'plivo', params: { MessageUUID: 'm-9', Status: 'sent' } });
    await page.getByTestId('sink-count').getByText('1').waitFor();
    await page.locator('.sink-request pre', { hasText: 'MessageUUID=m-9' }).waitFor();
    await screenshot(page, 'sink');

    // The sink records a request before it answers, so the attempt's record may follow a moment later.
    await page.getByRole('link', { name: 'Live feed' }).click();
    await page.locator('.feed-row', { hasText: '/sink/inspector-demo' }).locator('.col-code', { hasText: '503' }).waitFor();
  });
});
