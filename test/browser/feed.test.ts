import type { Route } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, streamIsLive as live, useInspector } from '../support/browser.js';
import { useRig } from '../support/rig.js';

describeInBrowser('the live feed', () => {
  const rig = useRig();
  const browser = useInspector();
  const app = rig.app;
  const inspector = (url: string) => browser.open(url);
  it('shows a callback as it is delivered, with method, URL, response code and attempt number', async () => {
    const receiver = await rig.receiver(() => ({ status: 200, body: 'ok' }));
    const hookline = await app();
    const page = await inspector(hookline.url);
    await live(page);

    const url = receiver.url('/status/first');
    await hookline.control('POST', '/callbacks', { url, dialect: 'plivo', params: { MessageUUID: 'm-1', Status: 'delivered' } });

    const row = page.locator('.feed-row', { hasText: url });
    await row.locator('.col-status', { hasText: 'succeeded' }).waitFor();
    expect(await row.locator('.col-method').textContent()).toBe('POST');
    expect(await row.locator('.col-code').textContent()).toBe('200');
    expect(await row.locator('.col-attempt').textContent()).toBe('#1');
  });

  it('narrows the feed by URL, message id, status and dialect, and finds a delivery by its id', async () => {
    const hookline = await app({ dispatch: false });
    const first = await hookline.control<{ id: string }>('POST', '/callbacks', { url: 'http://127.0.0.1:9/alpha', dialect: 'plivo', params: { MessageUUID: 'msg-a' } });
    await hookline.control('POST', '/callbacks', { url: 'http://127.0.0.1:9/beta', dialect: 'plivo', params: { MessageUUID: 'msg-b' } });
    const page = await inspector(hookline.url);
    await page.getByTestId('feed-count').getByText('2 deliveries').waitFor();

    await page.getByLabel('URL contains').fill('/beta');
    await page.getByTestId('feed-count').getByText('1 of 2 deliveries').waitFor();
    expect(await page.locator('.feed-row .col-url').allTextContents()).toEqual(['http://127.0.0.1:9/beta']);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Message or call id').fill('msg-a');
    await page.getByTestId('feed-count').getByText('1 of 2 deliveries').waitFor();
    expect(await page.locator('.feed-row .col-url').allTextContents()).toEqual(['http://127.0.0.1:9/alpha']);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Status').selectOption('succeeded');
    await page.getByText('No delivery matches these filters.').waitFor();

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Dialect').selectOption('laml');
    await page.getByText('No delivery matches these filters.').waitFor();
    await page.getByLabel('Dialect').selectOption('plivo');
    await page.getByTestId('feed-count').getByText('2 deliveries').waitFor();

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Search id').fill(first.body.id.slice(-12));
    await page.getByTestId('feed-count').getByText('1 of 2 deliveries').waitFor();
    expect(await page.locator('.feed-row').getAttribute('data-delivery-id')).toBe(first.body.id);
  });

  it('narrows the feed to one account, and to one call by its id', async () => {
    const [first, second] = ['MAHOOKLINEFEEDFIRST01', 'MAHOOKLINEFEEDSECOND1'];
    const hookline = await app({ dispatch: false, account: [`${first}:feedfirsttokenfeedfirsttokenfeedfirst01`, `${second}:feedsecondtokenfeedsecondtokenfeedsecon`] });
    await hookline.control('POST', '/callbacks', { url: 'http://127.0.0.1:9/first', dialect: 'plivo', accountId: first, params: { CallUUID: 'call-first' } });
    await hookline.control('POST', '/callbacks', { url: 'http://127.0.0.1:9/second', dialect: 'plivo', accountId: second, params: { CallUUID: 'call-second' } });
    const page = await inspector(hookline.url);
    await page.getByTestId('feed-count').getByText('2 deliveries').waitFor();

    await page.getByLabel('Account').fill(second);
    await page.getByTestId('feed-count').getByText('1 of 2 deliveries').waitFor();
    expect(await page.locator('.feed-row .col-url').allTextContents()).toEqual(['http://127.0.0.1:9/second']);
    await page.getByLabel('Account').fill('MAHOOKLINENOBODY00001');
    await page.getByText('No delivery matches these filters.').waitFor();

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Message or call id').fill('call-first');
    await page.getByTestId('feed-count').getByText('1 of 2 deliveries').waitFor();
    expect(await page.locator('.feed-row .col-url').allTextContents()).toEqual(['http://127.0.0.1:9/first']);
  });

  it('shows the stored deliveries when they and the shell’s health check answer in the same moment', async () => {
    const hookline = await app({ dispatch: false });
    await hookline.control('POST', '/callbacks', { url: 'http://127.0.0.1:9/stored', dialect: 'plivo' });
    const page = await inspector(hookline.url);
    await page.getByTestId('feed-count').getByText('1 delivery').waitFor();

    // Both answers are held and then given together: the rows reach the feed in the frame right after
    // the view first renders, which a view that subscribes late never hears of.
    const held: Array<() => Promise<void>> = [];
    let release: () => void = () => undefined;
    const bothHeld = new Promise<void>((resolve) => (release = resolve));
    const hold = async (route: Route): Promise<void> => {
      const response = await route.fetch();
      held.push(() => route.fulfill({ response }));
      if (held.length === 2) release();
    };
    await page.route('**/hookline/v1/health', hold);
    await page.route('**/hookline/v1/deliveries?*', hold);
    await page.reload();
    await bothHeld;
    await Promise.all(held.map((fulfil) => fulfil()));
    await page.getByTestId('feed-count').getByText('1 delivery').waitFor();
    expect(await page.locator('.feed-row .col-url').allTextContents()).toEqual(['http://127.0.0.1:9/stored']);
  });

  it('holds events while paused and shows them on resume', async () => {
    const hookline = await app({ dispatch: false });
    const page = await inspector(hookline.url);
    await live(page);
    await page.getByRole('button', { name: 'Pause' }).click();

    await hookline.control('POST', '/callbacks', { url: 'http://127.0.0.1:9/while-paused', dialect: 'plivo' });
    await page.getByText('paused, 1 events held').waitFor();
    expect(await page.locator('.feed-row').count()).toBe(0);

    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('.feed-row', { hasText: '/while-paused' }).waitFor();
  });

  it('keeps up with thousands of events, rendering only a window of rows', async () => {
    const hookline = await app({ dispatch: false });
    const page = await inspector(hookline.url);
    await live(page);

    const total = 3000;
    const requests = Array.from({ length: total }, (_, i) => ({ url: `http://127.0.0.1:9/burst/${i}`, method: 'POST' as const, dialect: 'plivo' as const, params: { N: String(i) } }));
    for (let i = 0; i < total; i += 500) await hookline.app.callbacks.enqueueMany(requests.slice(i, i + 500));

    await page.getByTestId('feed-count').getByText(`${total} deliveries`).waitFor();
    const rendered = await page.locator('.virtual-row').count();
    // A 720 px window shows about 15 rows of 36 px; with overscan the list renders a few dozen at most.
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThanOrEqual(40);
    expect(await page.locator('.feed-row .col-url').first().textContent()).toBe(`http://127.0.0.1:9/burst/${total - 1}`);
  });

  it('shows the newest stored deliveries at first and older ones on demand', async () => {
    const hookline = await app({ dispatch: false });
    const stored = Array.from({ length: 620 }, (_, i) => ({ url: `http://127.0.0.1:9/stored/${i}`, method: 'POST' as const, dialect: 'plivo' as const, params: {} }));
    await hookline.app.callbacks.enqueueMany(stored);
    const page = await inspector(hookline.url);

    await page.getByTestId('feed-count').getByText('500 deliveries').waitFor();
    await page.getByRole('button', { name: 'Load older deliveries' }).click();
    await page.getByTestId('feed-count').getByText('620 deliveries').waitFor();
    await page.getByRole('button', { name: 'Load older deliveries' }).waitFor({ state: 'detached' });
  });

  it('takes the control token from the address once, and keeps it out of the address bar', async () => {
    const hookline = await app({ dispatch: false, controlToken: 'token-in-the-address' });
    const page = await browser.open(hookline.url, {}, '#token=token-in-the-address');
    await live(page);
    expect(new URL(page.url()).hash).toBe('#/');
    await hookline.app.callbacks.enqueue({ url: 'http://127.0.0.1:9/from-address', method: 'POST', dialect: 'plivo', params: {} });
    await page.locator('.feed-row', { hasText: '/from-address' }).waitFor();
  });

  it('asks for the control token when hookline requires one, refuses a wrong one and streams with the right one', async () => {
    const hookline = await app({ dispatch: false, controlToken: 'inspector-test-token' });
    const page = await inspector(hookline.url);

    await page.getByRole('textbox', { name: 'Token' }).fill('not-the-token');
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.getByText('That token was refused.').waitFor();

    await page.getByRole('textbox', { name: 'Token' }).fill('inspector-test-token');
    await page.getByRole('button', { name: 'Use token' }).click();
    await live(page);
    const queued = await fetch(`${hookline.url}/hookline/v1/callbacks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer inspector-test-token' },
      body: JSON.stringify({ url: 'http://127.0.0.1:9/with-token', dialect: 'plivo' }),
    });
    expect(queued.status).toBe(202);
    await page.locator('.feed-row', { hasText: '/with-token' }).waitFor();
  });
});
