import { expect, it } from 'vitest';
import { describeInBrowser, screenshot, useInspector } from '../support/browser.js';
import { useRig } from '../support/rig.js';

const ACCOUNT = 'MAHOOKLINEBROWSERVER';
const TOKEN = 'browserverifytokenbrowserverifytoken0001';

describeInBrowser('Verify in the send panel', () => {
  const rig = useRig();
  const browser = useInspector();

  it('starts a session, refuses a bad recipient and a wrong code by their fields, and validates the code the phone got', async () => {
    const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`] });
    const sink = await rig.receiver();
    const page = await browser.open(app.url, {}, '#/send');
    await page.getByLabel('Auth ID').fill(ACCOUNT);
    await page.getByLabel('Auth token').fill(TOKEN);

    const start = page.getByRole('form', { name: 'Start a verify session' });
    await start.getByLabel('Recipient').fill('not-a-number');
    await start.getByLabel('Status URL (optional)').fill(sink.url('/verify'));
    await start.getByRole('button', { name: 'Start a verify session' }).click();
    await page.locator('#start-verify-recipient-error').getByText('is not an E.164 number').waitFor();
    await expect(page.getByRole('form', { name: 'Check the code' }).count()).resolves.toBe(0);

    await start.getByLabel('Recipient').fill('+14155551111');
    await start.getByRole('button', { name: 'Start a verify session' }).click();
    const started = await start.getByRole('status').textContent();
    const sessionUuid = /session (\S+)/.exec(started ?? '')?.[1] ?? '';
    const otp = (await app.control<{ otp: string }>('GET', `/verify/sessions/${sessionUuid}`)).body.otp;

    const check = page.getByRole('form', { name: 'Check the code' });
    await expect(check.getByLabel('Session').inputValue()).resolves.toBe(sessionUuid);
    await check.getByTestId('verify-code').getByText(otp).waitFor();
    await check.getByLabel('Code (otp)').fill(otp === '000000' ? '111111' : '000000');
    await check.getByRole('button', { name: 'Check the code' }).click();
    await page.locator('#check-verify-otp-error').getByText('Invalid OTP').waitFor();
    await expect(check.getByLabel('Code (otp)').getAttribute('aria-invalid')).resolves.toBe('true');
    await screenshot(page, 'verify-wrong-code');

    await check.getByLabel('Code (otp)').fill(otp);
    await check.getByRole('button', { name: 'Check the code' }).click();
    await check.getByRole('status').getByText('session validated successfully.').waitFor();
    const session = await app.control<{ status: string }>('GET', `/verify/sessions/${sessionUuid}`);
    expect(session.body.status).toBe('verified');
  });
});
