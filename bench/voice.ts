import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startEngine } from './engine.js';
import { PLIVO_DOOR, type FrontDoor } from './front-doors.js';
import { benchNumber, restRequest, timed } from './rest-client.js';
import { cpuMark, cpuSince, type CpuSplit } from './thread-cpu.js';

export interface IvrResult {
  readonly dialect: FrontDoor['dialect'];
  readonly calls: number;
  /** First call placed to the last hangup callback at the application. */
  readonly elapsedMs: number;
  readonly callsPerSecond: number;
  /** The engine process's CPU (user + system) over the run, per call. */
  readonly cpuMsPerCall: number;
  /** Of that, its main thread's, per call; null where the kernel does not say. */
  readonly mainThreadCpuMsPerCall: number | null;
  /** HTTP requests the application received (documents and notifications). */
  readonly requests: number;
  /** The same round on the engine before it had run any call (its JIT still compiling): untimed warm-up. */
  readonly cold: { readonly callsPerSecond: number; readonly cpuMsPerCall: number };
}

interface Round {
  readonly elapsedMs: number;
  readonly cpu: CpuSplit;
  readonly requests: number;
}

export interface PlivoVoiceResult extends IvrResult {
  readonly live: {
    readonly calls: number;
    readonly rssBeforeMb: number;
    readonly rssLiveMb: number;
    readonly heapLiveMb: number;
    /** RSS added per live call. */
    readonly kbPerCall: number;
    /** Live calls that fit in 1 GiB of RSS at that rate, on top of the idle engine. */
    readonly callsPerGiB: number;
  };
}

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Plivo voice under load, on the virtual clock: the IVR figure through Plivo's door (`ivrFigure`), then
 * `liveCalls` calls held live on a long `<Wait>` to see what a live call costs in memory.
 */
export async function plivoVoiceFigure(options: { readonly calls: number; readonly liveCalls: number; readonly timeoutMs: number }): Promise<PlivoVoiceResult> {
  const appServer = await startApplication(PLIVO_DOOR.dialect);
  try {
    // Memory first, while this process holds nothing else.
    const live = await liveRun(appServer.url, options.liveCalls);
    const flow = await ivrRun(PLIVO_DOOR, appServer, options.calls, options.timeoutMs);
    return { ...flow, live };
  } finally {
    appServer.child.send({ type: 'stop' });
  }
}

/**
 * An IVR under load through one front door, on the virtual clock: `calls` calls placed through its
 * REST API (64 requests in flight), each running a five-document IVR with a Dial, written in the
 * door's dialect, against an application in a child process (bench/voice-app-process.ts).
 */
export async function ivrFigure(door: FrontDoor, options: { readonly calls: number; readonly timeoutMs: number }): Promise<IvrResult> {
  const appServer = await startApplication(door.dialect);
  try {
    return await ivrRun(door, appServer, options.calls, options.timeoutMs);
  } finally {
    appServer.child.send({ type: 'stop' });
  }
}

async function ivrRun(door: FrontDoor, appServer: Application, calls: number, timeoutMs: number): Promise<IvrResult> {
  const engine = await startEngine({ listen: true, overrides: { clock: 'virtual', account: [door.account] } });
  const clock = engine.app.virtualClock;
  if (!clock) throw new Error('the voice figure runs on the virtual clock');
  const pool = new Pool(engine.url as string, { connections: 64 });
  // Two rounds on one engine, the first untimed: a server that has run for a while has its hot paths
  // compiled, and on a fresh engine V8's optimising compiler took about a quarter of the run's CPU.
  const round = async (firstNumber: number): Promise<Round> => {
    const reached = appServer.expect(calls, timeoutMs);
    const cpuStart = cpuMark();
    const startedAt = performance.now();
    await timed(calls, 64, (i) => restRequest(pool, door.placeCall(firstNumber + i, appServer.url)));
    // About 25 s of call time; the clock settles on every document and callback at each step.
    for (let second = 0; second < 40; second++) await clock.advance(1000);
    const done = await reached;
    return { elapsedMs: performance.now() - startedAt, cpu: cpuSince(cpuStart), requests: done.requests };
  };
  try {
    const rates = (r: Round) => ({ callsPerSecond: (calls / r.elapsedMs) * 1000, cpuMsPerCall: r.cpu.processMs / calls });
    const cold = await round(5_000_000);
    // No forced collection between the rounds: after a `gc()` here the timed round re-ran V8's
    // optimising compiler on about 300 functions (about 50 without), and the compiler threads took
    // 0.72 ms a call instead of 0.24 — work a running server, whose collections come on their own, does
    // not do (docs/benchmarks.md, 2026-12-06 evening).
    const warm = await round(6_000_000);
    return {
      dialect: door.dialect,
      calls,
      elapsedMs: warm.elapsedMs,
      ...rates(warm),
      mainThreadCpuMsPerCall: warm.cpu.mainThreadMs === null ? null : warm.cpu.mainThreadMs / calls,
      requests: warm.requests,
      cold: rates(cold),
    };
  } finally {
    await pool.close();
    await engine.stop();
  }
}

async function liveRun(appUrl: string, calls: number): Promise<PlivoVoiceResult['live']> {
  const engine = await startEngine({ listen: true, overrides: { clock: 'virtual' } });
  const { app } = engine;
  try {
    gc?.();
    const { rss: rssBefore, heapUsed: heapBefore } = process.memoryUsage();
    for (let i = 0; i < calls; i++) {
      await placeCall(app, 7_000_000 + i, { answerUrl: post(`${appUrl}/hold`), ringUrl: null, hangupUrl: null });
    }
    await app.virtualClock?.advance(5_000);
    const live = (await app.calls.liveCalls(app.devAccount.id)).length;
    if (live !== calls) throw new Error(`${live} of ${calls} calls are live after the answer`);
    gc?.();
    const memory = process.memoryUsage();
    // RSS rarely shrinks, so a process that held more before shows less here; the heap grows honestly.
    const perCall = Math.max(memory.rss - rssBefore, memory.heapUsed - heapBefore) / calls;
    return {
      calls,
      rssBeforeMb: rssBefore / 1e6,
      rssLiveMb: memory.rss / 1e6,
      heapLiveMb: memory.heapUsed / 1e6,
      kbPerCall: perCall / 1024,
      callsPerGiB: Math.floor((1024 ** 3 - rssBefore) / perCall),
    };
  } finally {
    await engine.stop();
  }
}

type HooklineApp = Awaited<ReturnType<typeof startEngine>>['app'];
type UrlTarget = { url: string; method: 'POST' };

const post = (url: string): UrlTarget => ({ url, method: 'POST' });

/** One outbound call to the `n`-th bench number, placed on the engine directly (the live-call figure). */
function placeCall(app: HooklineApp, n: number, urls: { answerUrl: UrlTarget; ringUrl: UrlTarget | null; hangupUrl: UrlTarget | null }): Promise<unknown> {
  return app.calls.dial({
    accountId: app.devAccount.id,
    parentAuthId: app.devAccount.id,
    from: '14155550100',
    to: benchNumber(n),
    callerName: '',
    fallbackUrl: null,
    machineDetection: null,
    timeLimitMs: 7_200_000,
    ringTimeoutMs: 60_000,
    hangupOnRingMs: null,
    ...urls,
  });
}

interface Application {
  readonly child: ChildProcess;
  readonly url: string;
  expect(hangups: number, timeoutMs: number): Promise<{ hangups: number; requests: number }>;
}

async function startApplication(dialect: FrontDoor['dialect']): Promise<Application> {
  // Node's defaults, not the bench's flags: the user's application is not started the engine's way.
  const child = fork(fileURLToPath(new URL('./voice-app-process.js', import.meta.url)), [dialect], { stdio: 'inherit', execArgv: [] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { type: string; port: number }) => resolve(message.port));
    child.once('error', reject);
  });
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    expect(hangups, timeoutMs) {
      child.send({ type: 'expect', hangups });
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the application saw fewer than ${hangups} hangups in ${timeoutMs} ms`)), timeoutMs);
        child.once('message', (message: { type: string; hangups: number; requests: number }) => {
          clearTimeout(timer);
          resolve(message);
        });
      });
    },
  };
}
