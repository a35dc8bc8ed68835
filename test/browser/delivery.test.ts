import { expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import { describeInBrowser, screenshot, useInspector } from '../support/browser.js';
import { plivoClient } from '../support/plivo-sdk.js';
import { useRig } from '../support/rig.js';

const ACCOUNT = 'MAHOOKLINEBROWSERDOC';
const TOKEN = 'browserdoctokenbrowserdoctokenbrowserd01';

const REPLY = '<Response><Message dst="+14155550100">thanks</Message><Speak><![CDATA[1 < 2]]></Speak></Response>';

describeInBrowser('the delivery detail', () => {
  const rig = useRig();
  const browser = useInspector();

  async function queue(app: RunningApp, body: object): Promise<string> {
    const queued = await app.control<{ id: string }>('POST', '/callbacks', body);
    expect(queued.status).toBe(202);
    return queued.body.id;
  }

  it("shows the request as sent, signature headers included, and the receiver's XML answer", async () => {
    const receiver = await rig.receiver(() => ({ status: 200, body: REPLY, headers: { 'content-type': 'application/xml' } }));
    const app = await rig.app();
    const id = await queue(app, { url: receiver.url('/sms/status'), dialect: 'plivo', params: { MessageUUID: 'm-42', Status: 'delivered' } });
    await receiver.waitFor(1);
    const page = await browser.open(app.url, {}, `#/deliveries/${id}`);

    const attempt = page.locator('[data-attempt="1"]');
    await attempt.getByText('HTTP 200').waitFor();
    const nonce = receiver.requests[0]!.headers['x-plivo-signature-v3-nonce']!;
    const request = attempt.getByRole('region', { name: 'Request of attempt 1' });
    await expect(request.getByRole('row', { name: /X-Plivo-Signature-V3-Nonce/i }).textContent()).resolves.toContain(nonce);
    await expect(request.getByRole('row', { name: /^MessageUUID/ }).textContent()).resolves.toContain('m-42');
    // The XML answer, indented for reading.
    await expect(attempt.getByTestId('response-body').textContent()).resolves.toBe(
      '<Response>\n  <Message dst="+14155550100">thanks</Message>\n  <Speak><![CDATA[1 < 2]]></Speak>\n</Response>',
    );
    await expect(attempt.getByTestId('curl-command').textContent()).resolves.toContain(`-H 'X-Plivo-Signature-V3-Nonce: ${nonce}'`);
  });

  it("verifies a LaML signature with the account's signing key and rejects its auth token", async () => {
    const receiver = await rig.receiver();
    const app = await rig.app();
    const id = await queue(app, { url: receiver.url('/status'), dialect: 'laml', params: { CallSid: 'CA1', CallStatus: 'completed' } });
    await receiver.waitFor(1);
    const page = await browser.open(app.url, {}, `#/deliveries/${id}`);

    // A LaML webhook is signed with the project's signing key, so the auth token must not pass.
    await page.getByLabel('Auth token or signing key').fill(app.app.devAccount.authToken);
    await page.getByRole('button', { name: 'Verify' }).click();
    const verdict = page.locator('.verify-result');
    await verdict.getByText('Not valid (laml)', { exact: false }).waitFor();

    await page.getByLabel('Auth token or signing key').fill(app.app.devAccount.signingKey);
    await page.getByRole('button', { name: 'Verify' }).click();
    await verdict.getByText('Valid', { exact: true }).waitFor();
    await expect(verdict.textContent()).resolves.toContain('X-Twilio-Signature matches');
  });

  it('shows an answer document as the call engine read it, and the line, column and rule where a refused one breaks', async () => {
    const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`] });
    const documents = ['<Response>\n  <GetDigits action="http://127.0.0.1:9/menu" numDigits="1">\n    <Speak>Press one</Speak>\n  </GetDigits>\n</Response>', '<Response>\n  <Speak>hi</Speak>\n  <Speak><Play>http://127.0.0.1:9/a.mp3</Play></Speak>\n</Response>'];
    const appServer = await rig.receiver((_request, index) => ({ status: 200, headers: { 'content-type': 'application/xml' }, body: documents[index] ?? '' }));
    const client = plivoClient(app.url, ACCOUNT, TOKEN);
    const ids: string[] = [];
    for (const to of ['14155550199', '14155550198']) {
      const made = await client.calls.create('14155550100', to, appServer.url('/answer'));
      await app.control('POST', '/clock/advance', { ms: 3_000 });
      const listed = await app.control<{ deliveries: Array<{ id: string; kind: string }> }>('GET', `/deliveries?resource=${encodeURIComponent(`call:${made.requestUuid as string}`)}`);
      ids.push(listed.body.deliveries.find((delivery) => delivery.kind === 'document')!.id);
    }

    const page = await browser.open(app.url, {}, `#/deliveries/${ids[0]!}`);
    const outline = page.getByTestId('document-outline');
    await outline.getByText('line 2, column 3').waitFor();
    await expect(outline.locator('li li').first().textContent()).resolves.toMatch(/^<GetDigits action="http:\/\/127\.0\.0\.1:9\/menu" numDigits="1">/);
    await outline.getByText('Press one').waitFor();
    await outline.scrollIntoViewIfNeeded();
    await screenshot(page, 'delivery-document-outline');

    await page.goto(`${app.url}/#/deliveries/${ids[1]!}`);
    const error = page.getByTestId('document-error');
    await error.getByText('line 3, column 10: <Play> cannot be inside <Speak>', { exact: false }).waitFor();
    await expect(error.locator('code').textContent()).resolves.toBe('nesting');
    await page.locator('[data-attempt="1"].attempt-failed').getByText('document refused').waitFor();
    await expect(page.locator('.numbered-body [aria-current="location"]').textContent()).resolves.toContain('<Speak><Play>');
    await error.scrollIntoViewIfNeeded();
  });
});
