import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, screenshot, streamIsLive, useInspector } from '../support/browser.js';
import { plivoClient } from '../support/plivo-sdk.js';
import { useRig } from '../support/rig.js';

const ACCOUNT = 'MAHOOKLINEBROWSERA11';
const TOKEN = 'browsera11ytokenbrowsera11ytokenbrowser1';

// Page scripts are passed as text: this project's TypeScript describes Node, not the DOM.
async function activeElement(page: Page): Promise<{ className: string; outline: string }> {
  return page.evaluate(`(() => {
    const element = document.activeElement;
    return { className: element ? String(element.className) : '', outline: element ? getComputedStyle(element).outlineStyle : '' };
  })()`);
}

async function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth');
}

describeInBrowser('keyboard, narrow windows and dark mode', () => {
  const rig = useRig();
  const browser = useInspector();

  it('reaches a delivery from the keyboard alone, with the focus visible on the way', async () => {
    const receiver = await rig.receiver();
    const app = await rig.app();
    await app.control('POST', '/callbacks', { url: receiver.url('/keyboard'), dialect: 'plivo' });
    await receiver.waitFor(1);
    const page = await browser.open(app.url);
    await page.locator('.feed-row').waitFor();

    await page.keyboard.press('Tab');
    expect((await activeElement(page)).className).toBe('skip-link');
    let focused = await activeElement(page);
    for (let presses = 0; presses < 30 && !focused.className.includes('feed-row'); presses += 1) {
      await page.keyboard.press('Tab');
      focused = await activeElement(page);
    }
    expect(focused.className).toContain('feed-row');
    expect(focused.outline).toBe('solid');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: 'Attempt #1' }).waitFor();
  });

  it('fits a narrow window in dark mode without sideways scrolling', async () => {
    const receiver = await rig.receiver();
    const app = await rig.app();
    const page = await browser.open(app.url, { width: 390, height: 800, colorScheme: 'dark' });
    await streamIsLive(page);
    await app.control('POST', '/callbacks', { url: receiver.url('/a/rather/long/path/for/a/narrow/window?with=query&and=more'), dialect: 'laml' });
    await page.locator('.feed-row .col-code', { hasText: '200' }).waitFor();

    expect(await overflowsSideways(page)).toBe(false);
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(21, 23, 27)');
    await screenshot(page, 'feed-narrow-dark');

    await page.locator('.feed-row').click();
    await page.getByRole('heading', { level: 2, name: 'Attempt #1' }).waitFor();
    expect(await overflowsSideways(page)).toBe(false);
  });

  it('fits the send panel and a refused document into a narrow dark window, focus visible on the verify forms', async () => {
    const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`] });
    const appServer = await rig.receiver(() => ({ status: 200, headers: { 'content-type': 'application/xml' }, body: '<Response>\n  <Speak loop="many">hi</Speak>\n</Response>' }));
    const page = await browser.open(app.url, { width: 390, height: 800, colorScheme: 'dark' }, '#/send');
    await page.getByLabel('Auth ID').fill(ACCOUNT);
    await page.getByLabel('Auth token').fill(TOKEN);
    const start = page.getByRole('form', { name: 'Start a verify session' });
    await start.getByLabel('Recipient').fill('+14155551111');
    await start.getByLabel('Channel').focus();
    expect((await activeElement(page)).outline).toBe('solid');
    await start.getByRole('button', { name: 'Start a verify session' }).click();
    await page.getByRole('form', { name: 'Check the code' }).getByTestId('verify-code').waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'send-narrow-dark');

    const made = await plivoClient(app.url, ACCOUNT, TOKEN).calls.create('14155550100', '14155550199', appServer.url('/answer'));
    await app.control('POST', '/clock/advance', { ms: 3_000 });
    const listed = await app.control<{ deliveries: Array<{ id: string; kind: string }> }>('GET', `/deliveries?resource=${encodeURIComponent(`call:${made.requestUuid as string}`)}`);
    await page.goto(`${app.url}/#/deliveries/${listed.body.deliveries.find((delivery) => delivery.kind === 'document')!.id}`);
    const error = page.getByTestId('document-error');
    await error.getByText('loop must be a whole number', { exact: false }).waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    await error.scrollIntoViewIfNeeded();
  });
});
