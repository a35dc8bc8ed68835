import { readdirSync, readFileSync, statSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { join } from 'node:path';
import type { NewDelivery } from '../dist/domain/delivery.js';
import { Outbox } from '../dist/delivery/outbox.js';
import { messageStatusParams, STATUS_PATH } from './callback-params.js';
import { startEngine, type BenchEngine } from './engine.js';
import { answerParent } from './child-figure.js';
import type { ClaimTiming, MemoryBreakdown, ScaleOptions, ScaleResult } from './scale-protocol.js';
import { median } from './stats.js';
import { sleep } from './time.js';

/**
 * Figure 4, run in its own process so its RSS is the engine's alone: a store holding a million
 * callbacks scheduled an hour ahead plus a thousand due now. The dispatcher is off so the bench's
 * `claimDue` is the only claimer; the receiver URL is never contacted.
 */

const HOUR_MS = 3_600_000;
const RECEIVER_URL = `http://127.0.0.1:9${STATUS_PATH}`;
const MB = 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * RSS once the process has settled: one collection right after filling still leaves the fill's garbage
 * in pages V8 has not handed back yet (measured: ~60 MB at 200,000 rows), which is the bench's own
 * allocation, not what the engine holds. A server idles between bursts, so let it settle the same way.
 */
async function settledRssMb(): Promise<number> {
  gc?.();
  for (let i = 0; i < 5; i++) {
    await sleep(200);
    gc?.();
  }
  return process.memoryUsage.rss() / MB;
}

/** Longest wait for V8 to give back the young generation of an idle process. */
const IDLE_LIMIT_MS = 45_000;
/** Resident young generation (MB) below which V8 has shrunk it: its smallest is 1 MB per semi-space. */
const SHRUNK_NEW_SPACE_MB = 2;

function newSpaceMb(): number {
  return (getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.physical_space_size ?? 0) / MB;
}

/**
 * RSS of the process left idle until V8 has shrunk its young generation. A burst of allocation (the
 * fill, or just starting up) grows it to its largest, 2 × 16 MB, and forced collections keep it so:
 * V8 gives it back only from its memory reducer, which runs some seconds into a quiet spell. A server
 * holding scheduled callbacks spends most of its time so, and that is its steady RSS.
 */
async function idleRssMb(): Promise<{ rssMb: number; waitedMs: number }> {
  const started = performance.now();
  while (newSpaceMb() > SHRUNK_NEW_SPACE_MB && performance.now() - started < IDLE_LIMIT_MS) await sleep(500);
  const waitedMs = performance.now() - started;
  return { rssMb: await settledRssMb(), waitedMs };
}

/** Call after `settledRssMb()` (which collects). */
function memoryBreakdown(): MemoryBreakdown {
  const usage = process.memoryUsage();
  const breakdown = { heapUsed: usage.heapUsed / MB, heapTotal: usage.heapTotal / MB, external: usage.external / MB };
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name: string): number | undefined => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) / 1024 : undefined;
    };
    return { ...breakdown, rssAnon: kb('RssAnon'), rssFile: kb('RssFile'), rssShmem: kb('RssShmem') };
  } catch {
    return breakdown;
  }
}

function outboxOf(engine: BenchEngine): Outbox {
  const { callbacks } = engine.app;
  if (!(callbacks instanceof Outbox)) throw new Error('the engine\'s callback service is not the Outbox; the scale figure builds deliveries with it');
  return callbacks;
}

/** Deliveries exactly as the engine builds them for `enqueue`, but first due at `dueAt`. */
function deliveries(engine: BenchEngine, count: number, dueAt: number): NewDelivery[] {
  const outbox = outboxOf(engine);
  const now = engine.app.clock.now();
  // Assigned rather than spread into a copy: V8 copies an object of this many fields on a slow path
  // into a larger dictionary-mode object, which would inflate the fill's garbage.
  return Array.from({ length: count }, (_, i) =>
    Object.assign(outbox.toNewDelivery({ url: RECEIVER_URL, method: 'POST', params: messageStatusParams(i + 1), dialect: 'plivo' }, now), { dueAt }),
  );
}

async function fill(engine: BenchEngine, count: number, batchSize: number, dueAt: number): Promise<void> {
  for (let done = 0; done < count; done += batchSize) {
    await engine.app.store.commit({ deliveries: deliveries(engine, Math.min(batchSize, count - done), dueAt) });
  }
}

/** Each round adds `due` deliveries due now (the first round's are already there) and claims them in one call. */
async function timeClaims(engine: BenchEngine, options: ScaleOptions): Promise<ClaimTiming> {
  const { store, clock } = engine.app;
  const roundsMs: number[] = [];
  const claimed: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    if (round > 0) await store.commit({ deliveries: deliveries(engine, options.due, clock.now()) });
    const startedAt = performance.now();
    const batch = await store.deliveries.claimDue({ now: clock.now(), limit: options.due, owner: 'bench', leaseUntil: Date.now() + HOUR_MS });
    roundsMs.push(performance.now() - startedAt);
    claimed.push(batch.length);
  }
  return { medianMs: median(roundsMs.slice(1)), roundsMs, claimed };
}

async function timeNextDueAt(engine: BenchEngine): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const startedAt = performance.now();
    await engine.app.store.deliveries.nextDueAt();
    times.push(performance.now() - startedAt);
  }
  return median(times);
}

function filesMb(dir: string): Record<string, number> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, statSync(join(dir, name)).size / MB]));
}

async function measure(options: ScaleOptions): Promise<ScaleResult> {
  const loaded = await startEngine({ listen: false, overrides: { dispatch: false } });
  let rssEmptyMb: number;
  let fillMs: number;
  let claimLoaded: ClaimTiming;
  let nextDueAtMs: number;
  let rssLoadedMb: number;
  let rssEmptyIdle: { rssMb: number; waitedMs: number };
  let rssLoadedIdle: { rssMb: number; waitedMs: number };
  let memoryLoaded: MemoryBreakdown;
  let databaseFilesMb: Record<string, number>;
  try {
    rssEmptyMb = await settledRssMb();
    rssEmptyIdle = await idleRssMb();
    const fillStarted = performance.now();
    await fill(loaded, options.scheduled, options.batchSize, loaded.app.clock.now() + HOUR_MS);
    await loaded.app.store.commit({ deliveries: deliveries(loaded, options.due, loaded.app.clock.now()) });
    fillMs = performance.now() - fillStarted;
    claimLoaded = await timeClaims(loaded, options);
    nextDueAtMs = await timeNextDueAt(loaded);
    rssLoadedMb = await settledRssMb();
    rssLoadedIdle = await idleRssMb();
    memoryLoaded = memoryBreakdown();
    databaseFilesMb = filesMb(loaded.dataDir);
  } finally {
    await loaded.stop();
  }
  // What stays after the store is closed is not held by it: allocator and V8 pages kept from filling.
  const rssClosedMb = await settledRssMb();
  // Measured after the loaded store is gone, so this store's rounds run on the same warmed-up code.
  const alone = await startEngine({ listen: false, overrides: { dispatch: false } });
  let claimAlone: ClaimTiming;
  try {
    await alone.app.store.commit({ deliveries: deliveries(alone, options.due, alone.app.clock.now()) });
    claimAlone = await timeClaims(alone, options);
  } finally {
    await alone.stop();
  }
  return {
    gcExposed: gc !== undefined,
    rssEmptyMb,
    rssLoadedMb,
    rssEmptyIdleMb: rssEmptyIdle.rssMb,
    rssLoadedIdleMb: rssLoadedIdle.rssMb,
    idleWaitMs: Math.max(rssEmptyIdle.waitedMs, rssLoadedIdle.waitedMs),
    rssClosedMb,
    // resourceUsage reports kilobytes.
    rssPeakMb: process.resourceUsage().maxRSS / 1024,
    memoryLoaded,
    fillMs,
    databaseFilesMb,
    nextDueAtMs,
    claimLoaded,
    claimAlone,
  };
}

answerParent(measure);
