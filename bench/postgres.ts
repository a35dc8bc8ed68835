import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { HooklineApp } from '../dist/app.js';
import { YOUNG_GENERATION_FLAG } from '../dist/runtime/young-generation.js';
import { startEngine } from './engine.js';
import { enginePaced, statusCallback } from './hookline-run.js';
import { summarizeArrivals } from './latency.js';
import type { ReceiverClient } from './receiver-client.js';
import type { LatencySummary } from './stats.js';
import { sharedNow, yieldToIo } from './time.js';

/**
 * The PostgreSQL figure: `hookline worker` processes on one database, fed by an API node (the bench
 * process itself: a `--no-dispatch` app committing through its outbox, as `serve --no-dispatch` does),
 * sending to the same receiver child as every other figure.
 */

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const ACCOUNT = 'MAHOOKLINEBENCHPG001';
const TOKEN = 'benchpgtokenbenchpgtokenbenchpgtoken01';

/** A server the bench may create and drop databases on; the test suite's by default. */
export const BENCH_POSTGRES = process.env.HOOKLINE_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface PostgresThroughputResult {
  readonly workers: number;
  readonly callbacks: number;
  /** First enqueue to the receiver having seen every delivery id. */
  readonly elapsedMs: number;
  readonly callbacksPerSecond: number;
  readonly enqueueMs: number;
  readonly requestsSeen: number;
}

/** Whether the server answers; the figure is skipped with one line when it does not. */
export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `work` on a new empty database, dropped afterwards. */
async function withDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const name = `hookline_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(BENCH_POSTGRES);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A `hookline worker` process with default settings; resolves once it dispatches. */
async function startWorker(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [YOUNG_GENERATION_FLAG, CLI, 'worker', '--store', url, '--port', '0', '--account', `${ACCOUNT}:${TOKEN}`, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('is dispatching')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`hookline worker exited (${code}) before dispatching: ${output}`)));
  });
  return child;
}

async function stopWorkers(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** An API node (this process, not dispatching) and `workers` worker processes on a fresh database. */
async function withCluster<T>(workers: number, work: (api: HooklineApp) => Promise<T>): Promise<T> {
  return withDatabase(async (url) => {
    const api = await startEngine({ listen: false, overrides: { store: url, dispatch: false, account: [`${ACCOUNT}:${TOKEN}`] } });
    let children: ChildProcess[] = [];
    try {
      children = await Promise.all(Array.from({ length: workers }, () => startWorker(url)));
      return await work(api.app);
    } finally {
      await stopWorkers(children);
      await api.stop();
    }
  });
}

/** Enqueue in batches while the workers deliver (as figure 1), timed to the receiver's last new id. */
export async function postgresThroughput(options: {
  readonly receiver: ReceiverClient;
  readonly paramsList: readonly Record<string, string>[];
  readonly batchSize: number;
  readonly workers: number;
  readonly timeoutMs: number;
}): Promise<PostgresThroughputResult> {
  const { receiver, paramsList, batchSize } = options;
  return withCluster(options.workers, async (app) => {
    const { reached } = await receiver.expect(paramsList.length, { timeoutMs: options.timeoutMs });
    const startedAt = sharedNow();
    for (let offset = 0; offset < paramsList.length; offset += batchSize) {
      await app.callbacks.enqueueMany(paramsList.slice(offset, offset + batchSize).map((params) => statusCallback(receiver.url, params)));
      await yieldToIo();
    }
    const enqueuedAt = sharedNow();
    const done = await reached;
    const elapsedMs = done.at - startedAt;
    return {
      workers: options.workers,
      callbacks: paramsList.length,
      elapsedMs,
      callbacksPerSecond: (paramsList.length / elapsedMs) * 1000,
      enqueueMs: enqueuedAt - startedAt,
      requestsSeen: done.requests,
    };
  });
}

/**
 * Enqueue → arrival at a steady rate, one enqueue per callback on the API node, sent by one worker:
 * the path is a commit, a NOTIFY, the worker's claim, the attempt.
 */
export async function postgresLatency(options: {
  readonly receiver: ReceiverClient;
  readonly paramsList: readonly Record<string, string>[];
  readonly ratePerSecond: number;
  readonly warmup: number;
  readonly timeoutMs: number;
}): Promise<LatencySummary> {
  const { receiver } = options;
  return withDatabase(async (url) => {
    const worker = await startWorker(url);
    try {
      const run = await receiver.expect(options.paramsList.length, { recordArrivals: true, timeoutMs: options.timeoutMs });
      const paced = await enginePaced({
        receiverUrl: receiver.url,
        paramsList: options.paramsList,
        ratePerSecond: options.ratePerSecond,
        overrides: { store: url, dispatch: false, account: [`${ACCOUNT}:${TOKEN}`] },
      });
      try {
        await run.reached;
        return summarizeArrivals(paced.sends, await receiver.arrivals(), options.warmup);
      } finally {
        await paced.stop();
      }
    } finally {
      await stopWorkers([worker]);
    }
  });
}
