import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startEngine } from './engine.js';
import { YOUNG_GENERATION_FLAG } from '../dist/runtime/young-generation.js';
import { runFigureChild } from './child-figure.js';
import { LAML_DOOR, PLIVO_DOOR, type FrontDoor } from './front-doors.js';
import { benchNumber, restRequest, timed } from './rest-client.js';
import { median } from './stats.js';
import { cpuMark, cpuSince, type CpuSplit } from './thread-cpu.js';

export interface IvrResult {
  readonly dialect: FrontDoor['dialect'];
  readonly calls: number;
  /** First call placed to the last hangup callback at the application (the median round). */
  readonly elapsedMs: number;
  readonly callsPerSecond: number;
  /** The engine process's CPU (user + system) over the run, per call. */
  readonly cpuMsPerCall: number;
  /** Of that, its main thread's, per call; null where the kernel does not say. */
  readonly mainThreadCpuMsPerCall: number | null;
  /** HTTP requests the application received (documents and notifications). */
  readonly requests: number;
  /** Calls/s of every timed round, in the order run; the figures above are the median round's. */
  readonly rounds: readonly number[];
  /** The same round on the engine before it had run any call (its JIT still compiling): untimed warm-up. */
  readonly cold: { readonly callsPerSecond: number; readonly cpuMsPerCall: number };
}

/**
 * Timed rounds after the untimed one; the figure is the median round. This VM's speed drifts within
 * seconds (one engine's rounds of the same calls: 611, 481, 530, 552 calls/s, their CPU per call
 * 2.26–2.72 ms), so a single round said as much about the moment as about the engine.
 */
const TIMED_ROUNDS = 3;

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
 * `liveCalls` calls held live on a long `<Wait>` to see what a live call costs in memory. Each runs in
 * a process of its own (bench/voice-process.ts): run one after the other in the bench process, the
 * IVR rounds came after 10,000 live calls' worth of heap and ran 427–448 calls/s where they ran about
 * 550 alone (docs/benchmarks.md, 2026-12-06 evening).
 */
export async function plivoVoiceFigure(options: { readonly calls: number; readonly liveCalls: number; readonly timeoutMs: number }): Promise<PlivoVoiceResult> {
  const flow = await ivrFigure(PLIVO_DOOR, options);
  const live = await inChild<PlivoVoiceResult['live']>({ figure: 'live', calls: options.liveCalls }, options.timeoutMs);
  return { ...flow, live };
}

/**
 * An IVR under load through one front door, on the virtual clock: `calls` calls placed through its
 * REST API (64 requests in flight), each running a five-document IVR with a Dial, written in the
 * door's dialect, against an application in a child process (bench/voice-app-process.ts). Measured in
 * a fresh process of its own, so what earlier figures left in the bench process's heap is not in it.
 */
export function ivrFigure(door: FrontDoor, options: { readonly calls: number; readonly timeoutMs: number }): Promise<IvrResult> {
  return inChild<IvrResult>({ figure: 'ivr', dialect: door.dialect, calls: options.calls, timeoutMs: options.timeoutMs }, options.timeoutMs);
}

/** What bench/voice-process.ts measures. */
export type VoiceFigureInput =
  | { readonly figure: 'ivr'; readonly dialect: FrontDoor['dialect']; readonly calls: number; readonly timeoutMs: number }
  | { readonly figure: 'live'; readonly calls: number };

function inChild<T>(input: VoiceFigureInput, timeoutMs: number): Promise<T> {
  // The engine's own young-generation flag, as `npm start` runs it; the collector for the memory figure.
  return runFigureChild<T>(new URL('./voice-process.js', import.meta.url), input, { execArgv: ['--expose-gc', YOUNG_GENERATION_FLAG], timeoutMs: (TIMED_ROUNDS + 1) * timeoutMs + 60_000 });
}

/** The child's side of `ivrFigure` and `plivoVoiceFigure`. */
export async function measureVoiceFigure(input: VoiceFigureInput): Promise<IvrResult | PlivoVoiceResult['live']> {
  const door = input.figure === 'ivr' && input.dialect === 'laml' ? LAML_DOOR : PLIVO_DOOR;
  const appServer = await startApplication(door.dialect);
  try {
    return input.figure === 'ivr' ? await ivrRun(door, appServer, input.calls, input.timeoutMs) : await liveRun(appServer.url, input.calls);
  } finally {
    appServer.child.send({ type: 'stop' });
  }
}

async function ivrRun(door: FrontDoor, appServer: Application, calls: number, timeoutMs: number): Promise<IvrResult> {
  const engine = await startEngine({ listen: true, overrides: { clock: 'virtual', account: [door.account] } });
  const clock = engine.app.virtualClock;
  if (!clock) throw new Error('the voice figure runs on the virtual clock');
  const pool = new Pool(engine.url as string, { connections: 64 });
  // Rounds on one engine, the first untimed: a server that has run for a while has its hot paths
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
    const timedRounds: Round[] = [];
    for (let r = 0; r < TIMED_ROUNDS; r++) timedRounds.push(await round(6_000_000 + r * calls));
    const medianMs = median(timedRounds.map((r) => r.elapsedMs));
    const middle = timedRounds.find((r) => r.elapsedMs === medianMs) as Round;
    return {
      dialect: door.dialect,
      calls,
      elapsedMs: middle.elapsedMs,
      ...rates(middle),
      mainThreadCpuMsPerCall: middle.cpu.mainThreadMs === null ? null : middle.cpu.mainThreadMs / calls,
      requests: middle.requests,
      rounds: timedRounds.map((r) => rates(r).callsPerSecond),
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
