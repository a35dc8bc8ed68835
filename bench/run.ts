import { loadavg } from 'node:os';
import { callbackParamsList } from './callback-params.js';
import { bullmqThroughput, redisPersistence } from './bullmq-run.js';
import { engineDefaults } from './engine.js';
import { engineThroughput, type EngineThroughputResult } from './hookline-run.js';
import { chromiumAvailable, CHROMIUM_PATH, inspectorFigure } from './inspector.js';
import { runFigureChild } from './child-figure.js';
import type { LatencyResult } from './latency.js';
import { parseOptions, USAGE, type BenchOptions } from './options.js';
import type { RawTarget } from './raw-undici.js';
import { ReceiverClient } from './receiver-client.js';
import { integer, machine, mb, ms, printTable, writeResults, type Row } from './report.js';
import { PLIVO_DOOR } from './front-doors.js';
import { lamlSmsFigure, lamlVoiceFigure, type DialectFigure } from './laml.js';
import { messagingFigure } from './messaging.js';
import { plivoVoiceFigure } from './voice.js';
import { cpuPerCall } from './thread-cpu.js';
import { scaleFigure } from './scale.js';
import { rawThroughput, throughputFigure } from './throughput.js';
import { YOUNG_GENERATION_FLAG, youngGenerationSized } from '../dist/runtime/young-generation.js';
import { BENCH_POSTGRES, postgresLatency, postgresReachable, postgresThroughput, type PostgresThroughputResult } from './postgres.js';

/**
 * `npm run bench`: the engine's figures, each beside a baseline measured in the same run on the same
 * machine, printed as a table and written to bench/results/. See docs/benchmarks.md.
 */

const gc = (globalThis as { gc?: () => void }).gc;
const log = (line: string): void => console.log(line);

interface Context {
  readonly options: BenchOptions;
  readonly receiver: ReceiverClient | null;
  readonly target: RawTarget;
  readonly concurrency: number;
  readonly rows: Row[];
  readonly figures: Record<string, unknown>;
  /** The engine's throughput run, shared by figures 1 and 2. */
  engineThroughput: EngineThroughputResult | null;
}

function needReceiver(context: Context): ReceiverClient {
  if (!context.receiver) throw new Error('this figure needs the receiver child, which was not started');
  return context.receiver;
}

/** Allow a generous minute on top of the slowest rate we would still call working (1,000 callbacks/s). */
function timeoutFor(callbacks: number): number {
  return 60_000 + callbacks;
}

async function throughput(context: Context): Promise<void> {
  const { options } = context;
  log(`throughput: ${integer(options.count)} callbacks, enqueued in batches of ${options.batch}, ${context.concurrency} in flight`);
  const result = await throughputFigure({
    receiver: needReceiver(context),
    target: context.target,
    paramsList: callbackParamsList(options.count),
    concurrency: context.concurrency,
    batchSize: options.batch,
    timeoutMs: timeoutFor(options.count),
    log,
  });
  context.engineThroughput = result.engine;
  context.figures.throughput = result;
  context.rows.push({
    figure: 'throughput (callbacks/s)',
    hookline: integer(result.engine.callbacksPerSecond),
    baseline: `raw undici ${integer(result.raw.callbacksPerSecond)}`,
    ratio: result.ratio,
    target: 'ratio ≥ 0.50',
    met: result.ratio >= 0.5,
  });
}

async function bullmq(context: Context): Promise<void> {
  const { options } = context;
  const persistence = await redisPersistence();
  if (!persistence) {
    log('bullmq: skipped, nothing answers on 127.0.0.1:6379');
    context.figures.bullmq = { skipped: 'redis unreachable' };
    return;
  }
  log(`bullmq: ${integer(options.count)} callbacks, worker concurrency ${context.concurrency} (redis ${JSON.stringify(persistence)})`);
  if (!context.engineThroughput) {
    context.engineThroughput = await engineThroughput({
      receiver: needReceiver(context),
      paramsList: callbackParamsList(options.count),
      batchSize: options.batch,
      timeoutMs: timeoutFor(options.count),
    });
    log(`  hookline: ${integer(context.engineThroughput.callbacksPerSecond)} callbacks/s`);
  }
  const engine = context.engineThroughput;
  const queue = await bullmqThroughput({
    receiver: needReceiver(context),
    target: context.target,
    paramsList: callbackParamsList(options.count),
    batchSize: options.batch,
    concurrency: context.concurrency,
    timeoutMs: timeoutFor(options.count),
  });
  log(`  bullmq:   ${integer(queue.callbacksPerSecond)} callbacks/s`);
  const ratio = engine.callbacksPerSecond / queue.callbacksPerSecond;
  context.figures.bullmq = { engine, bullmq: queue, redisPersistence: persistence, ratio };
  context.rows.push({
    figure: 'vs BullMQ (callbacks/s)',
    hookline: integer(engine.callbacksPerSecond),
    baseline: `BullMQ ${integer(queue.callbacksPerSecond)}`,
    ratio,
    target: 'ratio > 1.00',
    met: ratio > 1,
  });
}

async function latency(context: Context): Promise<void> {
  const { options } = context;
  log(`latency: ${integer(options.rate)} callbacks/s for ${options.seconds} s, one enqueue each`);
  // In a process of its own, with its own engine and receiver (bench/latency-process.ts).
  const result = await runFigureChild<LatencyResult>(new URL('./latency-process.js', import.meta.url), { ratePerSecond: options.rate, seconds: options.seconds }, {
    execArgv: [YOUNG_GENERATION_FLAG],
    timeoutMs: options.seconds * 2000 + 120_000,
  });
  log(`  hookline p50 ${ms(result.engine.p50Ms)} p99 ${ms(result.engine.p99Ms)} max ${ms(result.engine.maxMs)}; raw undici p50 ${ms(result.raw.p50Ms)} p99 ${ms(result.raw.p99Ms)} max ${ms(result.raw.maxMs)}`);
  log(
    `  event-loop delay in this process: with hookline p99 ${ms(result.engineLoopDelay.p99Ms)} max ${ms(result.engineLoopDelay.maxMs)}; ` +
      `with raw undici p99 ${ms(result.rawLoopDelay.p99Ms)} max ${ms(result.rawLoopDelay.maxMs)}`,
  );
  context.figures.latency = result;
  context.rows.push(
    {
      figure: 'latency p50',
      hookline: ms(result.engine.p50Ms),
      baseline: `raw undici ${ms(result.raw.p50Ms)}`,
      ratio: result.engine.p50Ms / result.raw.p50Ms,
      target: '',
      met: null,
    },
    {
      figure: 'latency p99',
      hookline: ms(result.engine.p99Ms),
      baseline: `raw undici ${ms(result.raw.p99Ms)}`,
      ratio: result.engine.p99Ms / result.raw.p99Ms,
      target: 'p99 < 10 ms',
      met: result.engine.p99Ms < 10,
    },
  );
}

async function scale(context: Context): Promise<void> {
  const { options } = context;
  log(`scale: ${integer(options.scheduled)} callbacks due in an hour + 1,000 due now, in a child process`);
  const result = await scaleFigure({ scheduled: options.scheduled, due: 1000, batchSize: options.batch, rounds: 6 }, 15 * 60_000);
  if (!result.gcExposed) log('  note: the child ran without --expose-gc; RSS includes uncollected garbage');
  const databaseMb = Object.values(result.databaseFilesMb).reduce((sum, size) => sum + size, 0);
  const memory = result.memoryLoaded;
  log(`  filled in ${(result.fillMs / 1000).toFixed(1)} s; database files ${mb(databaseMb)}; peak RSS ${mb(result.rssPeakMb)}`);
  log(
    `  loaded RSS ${mb(result.rssLoadedMb)}: V8 heap ${mb(memory.heapTotal)} (${mb(memory.heapUsed)} used), external ${mb(memory.external)}` +
      (memory.rssAnon === undefined ? '' : `; anonymous ${mb(memory.rssAnon)}, file-backed ${mb(memory.rssFile ?? 0)}, shared ${mb(memory.rssShmem ?? 0)}`),
  );
  log(`  idle (V8's young generation given back, after up to ${ms(result.idleWaitMs)}): empty store ${mb(result.rssEmptyIdleMb)}, loaded ${mb(result.rssLoadedIdleMb)}`);
  log(`  RSS after closing that engine: ${mb(result.rssClosedMb)} (what filling left in the process, not held by the store)`);
  const claimRatio = result.claimLoaded.medianMs / result.claimAlone.medianMs;
  context.figures.scale = { ...result, claimRatio };
  context.rows.push(
    {
      figure: `RSS, ${integer(options.scheduled)} scheduled, idle`,
      hookline: mb(result.rssLoadedIdleMb),
      baseline: `empty store, idle ${mb(result.rssEmptyIdleMb)}`,
      ratio: result.rssLoadedIdleMb / result.rssEmptyIdleMb,
      target: '< 150 MB',
      met: result.rssLoadedIdleMb < 150,
    },
    {
      figure: `RSS, ${integer(options.scheduled)} scheduled, 1 s after`,
      hookline: mb(result.rssLoadedMb),
      baseline: `empty store ${mb(result.rssEmptyMb)}`,
      ratio: result.rssLoadedMb / result.rssEmptyMb,
      target: '',
      met: null,
    },
    {
      figure: 'claimDue 1,000 due',
      hookline: ms(result.claimLoaded.medianMs),
      baseline: `1,000-only store ${ms(result.claimAlone.medianMs)}`,
      ratio: claimRatio,
      target: 'ratio ≈ 1 (≤ 2)',
      met: claimRatio <= 2 && result.claimLoaded.claimed.every((n) => n === 1000),
    },
  );
}

async function plivo(context: Context): Promise<void> {
  const { options } = context;
  log(`plivo: ${integer(options.messages)} SMS through POST Message/, each with queued, sent and delivered callbacks, 64 requests in flight`);
  const result = await messagingFigure(PLIVO_DOOR, { receiver: needReceiver(context), messages: options.messages, concurrency: 64, timeoutMs: timeoutFor(options.messages * 3) });
  log(`  end to end ${integer(result.messagesPerSecond)} messages/s (${integer(result.callbacksPerSecond)} callbacks/s) in ${ms(result.endToEndMs)}`);
  log(`  POST Message/ ${integer(result.apiRequestsPerSecond)} requests/s; GET /hookline/v1/health ${integer(result.bareRequestsPerSecond)} requests/s`);
  context.figures.plivo = result;
  context.rows.push(
    {
      figure: 'Plivo SMS end to end (messages/s)',
      hookline: integer(result.messagesPerSecond),
      baseline: `${integer(result.callbacksPerSecond)} callbacks/s`,
      ratio: null,
      target: '≥ 2,500 messages/s',
      met: result.messagesPerSecond >= 2500,
    },
    {
      figure: 'POST Message/ (requests/s)',
      hookline: integer(result.apiRequestsPerSecond),
      baseline: `bare endpoint ${integer(result.bareRequestsPerSecond)}`,
      ratio: result.apiRatio,
      target: '',
      met: null,
    },
  );
}

async function voice(context: Context): Promise<void> {
  const { options } = context;
  log(`voice: ${integer(options.calls)} calls at once, each a 5-document IVR with a Dial (10 requests), three timed rounds after an untimed one; then ${integer(options.liveCalls)} calls held live`);
  const result = await plivoVoiceFigure({ calls: options.calls, liveCalls: options.liveCalls, timeoutMs: timeoutFor(options.calls * 10) });
  log(
    `  ${integer(result.callsPerSecond)} IVR calls/s, the median of ${result.rounds.map(integer).join(', ')} (${integer(result.requests)} requests in ${ms(result.elapsedMs)}), ${cpuPerCall(result)}; ` +
      `the untimed first round on the fresh engine: ${integer(result.cold.callsPerSecond)} calls/s, ${result.cold.cpuMsPerCall.toFixed(2)} ms`,
  );
  log(`  ${integer(result.live.calls)} live calls: RSS ${mb(result.live.rssBeforeMb)} → ${mb(result.live.rssLiveMb)} (${result.live.kbPerCall.toFixed(1)} KB a call; ${integer(result.live.callsPerGiB)} calls in 1 GiB)`);
  context.figures.voice = result;
  context.rows.push(
    {
      figure: 'Plivo IVR calls/s (5 documents + Dial)',
      hookline: integer(result.callsPerSecond),
      baseline: `${result.cpuMsPerCall.toFixed(2)} ms CPU/call`,
      ratio: null,
      target: '≥ 500 calls/s',
      met: result.callsPerSecond >= 500,
    },
    {
      figure: `RSS, ${integer(result.live.calls)} live calls`,
      hookline: mb(result.live.rssLiveMb),
      baseline: `idle engine ${mb(result.live.rssBeforeMb)}`,
      ratio: result.live.rssLiveMb / result.live.rssBeforeMb,
      target: '10,000 live ≪ 1 GiB',
      met: result.live.calls >= 10_000 && result.live.rssLiveMb < 1024,
    },
  );
}

async function postgres(context: Context): Promise<void> {
  const { options } = context;
  if (!(await postgresReachable())) {
    log(`postgres: skipped, nothing answers at ${BENCH_POSTGRES} (set HOOKLINE_BENCH_POSTGRES)`);
    context.figures.postgres = { skipped: 'postgres unreachable' };
    return;
  }
  const receiver = needReceiver(context);
  log(`postgres: ${integer(options.count)} callbacks enqueued by an API node, sent by 1, 2 and 4 hookline worker processes; SQLite and raw undici beside them`);
  const paramsList = callbackParamsList(options.count);
  const timeoutMs = timeoutFor(options.count);
  await rawThroughput({ receiver, target: context.target, paramsList: paramsList.slice(0, 5000), concurrency: context.concurrency, idPrefix: 'warm-up-pg', timeoutMs });
  const raw = await rawThroughput({ receiver, target: context.target, paramsList, concurrency: context.concurrency, idPrefix: 'raw-pg', timeoutMs });
  log(`  raw undici: ${integer(raw.callbacksPerSecond)} callbacks/s`);
  context.engineThroughput ??= await engineThroughput({ receiver, paramsList, batchSize: options.batch, timeoutMs });
  const sqlite = context.engineThroughput;
  log(`  SQLite, one process: ${integer(sqlite.callbacksPerSecond)} callbacks/s`);
  const runs: PostgresThroughputResult[] = [];
  for (const workers of [1, 2, 4]) {
    gc?.();
    const run = await postgresThroughput({ receiver, paramsList, batchSize: options.batch, workers, timeoutMs });
    log(`  PostgreSQL, ${workers} worker${workers > 1 ? 's' : ''}: ${integer(run.callbacksPerSecond)} callbacks/s (enqueued in ${ms(run.enqueueMs)}, ${integer(run.requestsSeen)} requests)`);
    runs.push(run);
  }
  const warmup = Math.min(1000, Math.round(options.rate / 2));
  const latencyParams = callbackParamsList(warmup + options.rate * options.seconds);
  const latencyRun = await postgresLatency({ receiver, paramsList: latencyParams, ratePerSecond: options.rate, warmup, timeoutMs: options.seconds * 1000 + 60_000 });
  log(`  PostgreSQL enqueue → delivery at ${integer(options.rate)}/s, 1 worker: p50 ${ms(latencyRun.p50Ms)} p99 ${ms(latencyRun.p99Ms)} max ${ms(latencyRun.maxMs)}`);
  const best = Math.max(...runs.map((run) => run.callbacksPerSecond));
  context.figures.postgres = { raw, sqlite, runs, latency: latencyRun };
  for (const run of runs) {
    context.rows.push({
      figure: `PostgreSQL, ${run.workers} worker${run.workers > 1 ? 's' : ''} (callbacks/s)`,
      hookline: integer(run.callbacksPerSecond),
      baseline: `raw ${integer(raw.callbacksPerSecond)}; SQLite ${integer(sqlite.callbacksPerSecond)}`,
      ratio: run.callbacksPerSecond / raw.callbacksPerSecond,
      target: run.callbacksPerSecond === best ? '≥ 10,000/s (best)' : '',
      met: run.callbacksPerSecond === best ? best >= 10_000 : null,
    });
  }
  const sqliteLatency = (context.figures.latency as { engine?: { p99Ms: number } } | undefined)?.engine;
  context.rows.push({
    figure: `PostgreSQL latency p99 at ${integer(options.rate)}/s`,
    hookline: ms(latencyRun.p99Ms),
    baseline: sqliteLatency ? `SQLite ${ms(sqliteLatency.p99Ms)}` : '',
    ratio: sqliteLatency ? latencyRun.p99Ms / sqliteLatency.p99Ms : null,
    target: '',
    met: null,
  });
}

async function inspector(context: Context): Promise<void> {
  const { options } = context;
  if (!chromiumAvailable()) {
    log(`inspector: skipped, no browser at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
    context.figures.inspector = { skipped: 'chromium missing' };
    return;
  }
  log(`inspector: the page with ${integer(options.stored)} deliveries stored, loaded 5 times in headless chromium; then 1,000 events/s streamed to it for ${options.streamSeconds} s`);
  const result = await inspectorFigure({ receiver: needReceiver(context), stored: options.stored, seconds: options.streamSeconds, eventsPerSecond: 1000, log });
  const cold = result.firstRenderMs[0] ?? Number.NaN;
  const { streaming } = result;
  context.figures.inspector = result;
  context.rows.push(
    {
      figure: `inspector first render, ${integer(options.stored)} stored`,
      hookline: `${ms(result.firstRender.p50Ms)} (median)`,
      baseline: `cold load ${ms(cold)}; first paint ${ms(result.firstContentfulPaintMs[0] ?? Number.NaN)}`,
      ratio: null,
      target: '< 1 s',
      met: result.firstRender.p50Ms < 1000,
    },
    {
      figure: `inspector longest task, ${integer(streaming.eventsPerSecond)} events/s`,
      hookline: ms(streaming.longestTaskMs),
      baseline: `${streaming.framesPerSecond.toFixed(1)} frames/s, ${streaming.longTasks} long tasks`,
      ratio: null,
      target: '≤ 100 ms',
      met: streaming.longestTaskMs <= 100 && streaming.eventsPerSecond >= 900,
    },
  );
}


/** A LaML figure (bench/laml.ts): its rows and everything it measured go into the run's results. */
function dialectFigure(name: string, figure: typeof lamlVoiceFigure | typeof lamlSmsFigure): (context: Context) => Promise<void> {
  return async (context) => {
    const result: DialectFigure<unknown> = await figure({ options: context.options, receiver: context.receiver, log, timeoutFor });
    context.figures[name] = result;
    context.rows.push(...result.rows);
  };
}

const RUNNERS = {
  throughput,
  bullmq,
  latency,
  scale,
  plivo,
  voice,
  postgres,
  'laml-voice': dialectFigure('lamlVoice', lamlVoiceFigure),
  'laml-sms': dialectFigure('lamlSms', lamlSmsFigure),
  inspector,
} as const;

async function main(): Promise<number> {
  let parsed: BenchOptions | 'help';
  try {
    parsed = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    console.log(USAGE);
    return 0;
  }
  const options = parsed;
  const defaults = engineDefaults();
  const startedAt = new Date();
  const needsReceiver = options.only.some((figure) => !['scale', 'voice', 'laml-voice', 'latency'].includes(figure));
  const receiver = needsReceiver ? await ReceiverClient.start() : null;
  const context: Context = {
    options,
    receiver,
    target: { url: receiver?.url ?? '', connections: defaults.connectionsPerOrigin },
    concurrency: defaults.concurrency,
    rows: [],
    figures: {},
    engineThroughput: null,
  };
  log(`hookline bench: plivo dialect (6 signature headers per attempt), concurrency ${defaults.concurrency}, ${defaults.connectionsPerOrigin} connections to the receiver`);
  // The machines are shared: a high load average means other work competed with this run.
  // The engine runs in this process, so this process's flags are the engine's (npm run bench passes them).
  if (!youngGenerationSized(process.execArgv, process.env.NODE_OPTIONS)) log(`note: started without ${YOUNG_GENERATION_FLAG}; the engine runs as it would without npm start's flags`);
  log(`load average ${loadavg().map((load) => load.toFixed(2)).join(' ')} on ${machine().cpus as number} cores`);
  try {
    for (const figure of options.only) {
      gc?.();
      await RUNNERS[figure](context);
    }
  } finally {
    await receiver?.stop();
  }
  printTable(context.rows);
  const file = writeResults({
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    loadAverageAtEnd: loadavg(),
    machine: machine(),
    options,
    engine: { dialect: 'plivo', ...defaults },
    nodeFlags: process.execArgv,
    rows: context.rows,
    figures: context.figures,
  });
  log(`results written to ${file}`);
  // A missed target is a finding to report, not a failure of the script.
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 2;
  },
);
