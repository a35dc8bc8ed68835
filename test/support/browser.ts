import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, type TestContext } from 'vitest';
import { CHROMIUM_PATH as CHROMIUM } from './chromium-path.js';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots land here so a reviewer can look at what each test saw. */
export const SCREENSHOTS = join(process.cwd(), 'test-output', 'screenshots');

const available = existsSync(CHROMIUM);

/**
 * `describe` for tests that drive the inspector in Chromium. Without chromium they are skipped; the
 * global setup (browser-check.ts) says so once per run, and fails a CI run that lacks the browser.
 */
export function describeInBrowser(name: string, body: () => void): void {
  (available ? describe : describe.skip)(name, body);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/** A fresh page, 1280×720 unless told otherwise, with the page's uncaught exceptions collected for the test to check. */
export async function openPage(browser: Browser, options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {}): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 720 },
    colorScheme: options.colorScheme ?? 'light',
  });
  // Below the test timeout, so a missing element fails with the locator's own message.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** `calls--makes-a-call-from-the-send-panel-end`: the test file and the test's name, safe as a file name. */
export function endShotName(context: Pick<TestContext, 'task'>, page: number): string {
  const file = basename(context.task.file?.name ?? 'browser').replace(/\.test\.ts$/, '');
  const test = context.task.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 80)
    .replace(/^-|-$/g, '');
  return `${file}--${test}${page === 0 ? '' : `-${page + 1}`}-end`;
}

/**
 * One Chromium for a test file and a fresh context per page; each test ends with a screenshot of every
 * page it opened (`<file>--<test>-end.png`, pass or fail, for a reviewer) and by checking that the pages
 * threw nothing. Call inside `describeInBrowser`.
 */
export function useInspector(): { open(baseUrl: string, options?: Parameters<typeof openPage>[1], hash?: string): Promise<Page> } {
  let browser: Browser | null = null;
  let errors: string[][] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());
  afterEach(async (test) => {
    const pages = (browser?.contexts() ?? []).flatMap((context) => context.pages());
    // A page that crashed or hangs must not hide the test's own verdict behind a screenshot timeout.
    await Promise.all(pages.map((page, index) => screenshot(page, endShotName(test, index)).catch(() => undefined)));
    for (const context of browser?.contexts() ?? []) await context.close();
    const thrown = errors.flat();
    errors = [];
    expect(thrown).toEqual([]);
  });
  return {
    async open(baseUrl, options = {}, hash = '') {
      if (!browser) throw new Error('useInspector: the browser is not running (call it inside describeInBrowser)');
      const opened = await openPage(browser, options);
      errors.push(opened.errors);
      await opened.page.goto(`${baseUrl}/${hash}`);
      return opened.page;
    },
  };
}

/** Resolves once the feed's event stream is open. */
export async function streamIsLive(page: Page): Promise<void> {
  await page.getByText('live', { exact: true }).waitFor();
}
