import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { callbackParamsList } from './callback-params.js';
import { startEngine, type BenchEngine } from './engine.js';
import { statusCallback } from './hookline-run.js';
import { pace } from './pacing.js';
import type { ReceiverClient } from './receiver-client.js';
import { summarizeLatencies, type LatencySummary } from './stats.js';
import { sleep } from './time.js';

/** Debian's chromium, as the browser tests use it: the bench never downloads a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface InspectorResult {
  readonly storedDeliveries: number;
  /** Navigation start to the first feed rows on screen, per page load (the first one with a cold cache). */
  readonly firstRenderMs: readonly number[];
  readonly firstRender: LatencySummary;
  /** First contentful paint of those loads, for comparison: the shell before any data. */
  readonly firstContentfulPaintMs: readonly number[];
  readonly streaming: {
    readonly seconds: number;
    /** Callbacks enqueued per second; each makes three events (queued, attempt, finished). */
    readonly callbacksPerSecond: number;
    /** Delivery and attempt events the page's EventSource received, per second of the window. */
    readonly eventsPerSecond: number;
    readonly framesPerSecond: number;
    /** The page's long tasks (over 50 ms, Chromium's threshold) during the window. */
    readonly longTasks: number;
    readonly longestTaskMs: number;
  };
}

/** Events a delivered callback puts on the stream: queued, its attempt, and succeeded. */
const EVENTS_PER_CALLBACK = 3;
const PAGE_LOADS = 5;

/**
 * Instruments the page before its own scripts run: a performance mark when the first feed row is in the
 * document (set in the frame after, once it has been laid out and painted), a count of the stream's
 * events, a frame counter and every long task. Chromium's timeline does the timing; the page's code is
 * the shipped build, unchanged.
 */
const INSTRUMENT = `(() => {
  const bench = (window.__bench = { events: 0, frames: 0, longTasks: [] });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  const Native = window.EventSource;
  window.EventSource = class extends Native {
    constructor(...args) {
      super(...args);
      for (const type of ['delivery', 'attempt']) this.addEventListener(type, () => { bench.events += 1; });
    }
  };
  const count = () => { bench.frames += 1; requestAnimationFrame(count); };
  requestAnimationFrame(count);
  const observer = new MutationObserver(() => {
    if (!document.querySelector('.feed-row')) return;
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => performance.mark('hookline:feed-rows'), 0));
  });
  document.addEventListener('DOMContentLoaded', () => observer.observe(document.body, { childList: true, subtree: true }));
})();`;

interface PageBench {
  events: number;
  frames: number;
  longTasks: Array<{ start: number; duration: number }>;
}

declare const window: { __bench: PageBench };

/**
 * The inspector's figure: (a) how soon the feed shows rows when 10,000 deliveries are stored, and
 * (b) whether the page keeps drawing while about 1,000 events a second stream in. A real engine on a
 * SQLite file serves the built page; Chromium loads it as a user's browser would.
 */
export async function inspectorFigure(options: { readonly receiver: ReceiverClient; readonly stored: number; readonly seconds: number; readonly eventsPerSecond: number; readonly log: (line: string) => void }): Promise<InspectorResult> {
  const engine = await startEngine({ listen: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'] });
  try {
    await storeDeliveries(engine, options.receiver, options.stored);
    const loads: Array<{ rowsMs: number; fcpMs: number }> = [];
    for (let i = 0; i < PAGE_LOADS; i++) loads.push(await firstRender(browser, engine.url ?? ''));
    const rowsMs = loads.map((load) => load.rowsMs);
    options.log(`  first render with ${options.stored.toLocaleString('en-US')} stored: ${rowsMs.map((value) => `${value.toFixed(0)} ms`).join(', ')} (first load cold)`);
    const streaming = await streamingRun(browser, engine, options);
    return { storedDeliveries: options.stored, firstRenderMs: rowsMs, firstRender: summarizeLatencies(rowsMs), firstContentfulPaintMs: loads.map((load) => load.fcpMs), streaming };
  } finally {
    await browser.close();
    await engine.stop();
  }
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Delivered callbacks, stored as the engine stores every one: a delivery, its attempt, succeeded. */
async function storeDeliveries(engine: BenchEngine, receiver: ReceiverClient, count: number): Promise<void> {
  const paramsList = callbackParamsList(count);
  for (let offset = 0; offset < count; offset += 1000) {
    await engine.app.callbacks.enqueueMany(paramsList.slice(offset, offset + 1000).map((params) => statusCallback(receiver.url, params)));
  }
  await until(async () => ((await engine.app.store.deliveries.countByStatus()).succeeded ?? 0) >= count, 120_000, `${count} deliveries stored`);
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`inspector bench: not done in time: ${what}`);
    await sleep(20);
  }
}

async function openFeed(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.addInitScript(INSTRUMENT);
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await page.waitForFunction(() => performance.getEntriesByName('hookline:feed-rows').length > 0, undefined, { timeout: 30_000 });
  return page;
}

/** One page load in a fresh context (no cache): navigation start to feed rows painted. */
async function firstRender(browser: Browser, url: string): Promise<{ rowsMs: number; fcpMs: number }> {
  const page = await openFeed(browser, url);
  try {
    return await page.evaluate(() => ({
      rowsMs: performance.getEntriesByName('hookline:feed-rows')[0]?.startTime ?? Number.NaN,
      fcpMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
    }));
  } finally {
    await page.context().close();
  }
}

async function streamingRun(browser: Browser, engine: BenchEngine, options: { readonly receiver: ReceiverClient; readonly seconds: number; readonly eventsPerSecond: number; readonly log: (line: string) => void }): Promise<InspectorResult['streaming']> {
  const page = await openFeed(browser, engine.url ?? '');
  try {
    await page.getByText('live', { exact: true }).waitFor();
    // Let the first render's work settle, so only the streaming window is measured.
    await sleep(500);
    const before = await page.evaluate(() => ({ at: performance.now(), events: window.__bench.events, frames: window.__bench.frames }));
    const callbacksPerSecond = Math.ceil(options.eventsPerSecond / EVENTS_PER_CALLBACK);
    const paramsList = callbackParamsList(callbacksPerSecond * options.seconds);
    await pace(callbacksPerSecond, paramsList.length, (index) => {
      void engine.app.callbacks.enqueue(statusCallback(options.receiver.url, paramsList[index] as Record<string, string>));
    });
    const after = await page.evaluate(() => ({ at: performance.now(), events: window.__bench.events, frames: window.__bench.frames, longTasks: window.__bench.longTasks }));
    const windowSeconds = (after.at - before.at) / 1000;
    const longTasks = after.longTasks.filter((task) => task.start >= before.at);
    const result = {
      seconds: windowSeconds,
      callbacksPerSecond,
      eventsPerSecond: (after.events - before.events) / windowSeconds,
      framesPerSecond: (after.frames - before.frames) / windowSeconds,
      longTasks: longTasks.length,
      longestTaskMs: Math.max(0, ...longTasks.map((task) => task.duration)),
    };
    options.log(
      `  streaming ${windowSeconds.toFixed(1)} s: ${Math.round(result.eventsPerSecond).toLocaleString('en-US')} events/s reached the page, ` +
        `${result.framesPerSecond.toFixed(1)} frames/s, ${result.longTasks} long tasks, longest ${result.longestTaskMs.toFixed(0)} ms`,
    );
    return result;
  } finally {
    await page.context().close();
  }
}
