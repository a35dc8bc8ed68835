import type { BenchOptions } from './options.js';
import { LAML_DOOR, PLIVO_DOOR, type FrontDoor } from './front-doors.js';
import { messagingFigure, type MessagingResult } from './messaging.js';
import type { ReceiverClient } from './receiver-client.js';
import { integer, ms, type Row } from './report.js';
import { cpuPerCall } from './thread-cpu.js';
import { ivrFigure, type IvrResult } from './voice.js';

/**
 * The LaML figures: the Plivo voice IVR and Plivo SMS figures' flows, written in LaML and sent
 * through the LaML REST API, each beside the same flow through Plivo's REST API in the same run. The
 * issue's target: the two dialects cost within 20 % of each other. The pair runs twice, in the order
 * Plivo, LaML, LaML, Plivo, and the better run of each is kept (as throughput's raw baseline is), so
 * a machine that slows down or speeds up during the run favours neither.
 */

export interface DialectFigureInput {
  readonly options: BenchOptions;
  readonly receiver: ReceiverClient | null;
  readonly log: (line: string) => void;
  readonly timeoutFor: (requests: number) => number;
}

export interface DialectFigure<T> {
  readonly plivo: T;
  readonly laml: T;
  readonly runs: readonly T[];
  readonly rows: readonly Row[];
}

/** Within 20 % of each other: the larger at most 1.2 times the smaller. */
const WITHIN = 1.2;
const TARGET = 'within 20 % of Plivo';
const withinTarget = (ratio: number): boolean => Math.max(ratio, 1 / ratio) <= WITHIN;

/**
 * Each dialect's fastest run by `rate`, and its cheapest by `cpu`: CPU time, like the rate, is inflated
 * by whatever else the machine does, so each is taken at its best.
 */
function compare<R extends { readonly dialect: FrontDoor['dialect'] }>(runs: readonly R[], rate: (result: R) => number, cpu: (result: R) => number) {
  const plivo = best(runs, 'plivo', rate);
  const laml = best(runs, 'laml', rate);
  const plivoCpu = cpu(best(runs, 'plivo', (result) => -cpu(result)));
  const lamlCpu = cpu(best(runs, 'laml', (result) => -cpu(result)));
  return { plivo, laml, rate: rate(laml) / rate(plivo), plivoCpu, lamlCpu, cpu: lamlCpu / plivoCpu };
}

export async function lamlVoiceFigure(input: DialectFigureInput): Promise<DialectFigure<IvrResult>> {
  const { calls } = input.options;
  input.log(`laml-voice: ${integer(calls)} calls at once through each REST API, a 5-document IVR with a Dial in each dialect; Plivo, LaML, LaML, Plivo`);
  const run = async (door: FrontDoor): Promise<IvrResult> => {
    const result = await ivrFigure(door, { calls, timeoutMs: input.timeoutFor(calls * 10) });
    input.log(`  ${door.dialect}: ${integer(result.callsPerSecond)} IVR calls/s (median of ${result.rounds.map(integer).join(', ')}), ${cpuPerCall(result)}, ${integer(result.requests)} requests`);
    return result;
  };
  const runs = await inBothOrders(run);
  const { plivo, laml, rate, plivoCpu, lamlCpu, cpu } = compare(runs, (result) => result.callsPerSecond, (result) => result.cpuMsPerCall);
  return {
    plivo,
    laml,
    runs,
    rows: [
      { figure: 'LaML IVR calls/s (5 documents + Dial)', hookline: integer(laml.callsPerSecond), baseline: `Plivo ${integer(plivo.callsPerSecond)}`, ratio: rate, target: TARGET, met: withinTarget(rate) },
      { figure: 'LaML IVR engine CPU per call', hookline: ms(lamlCpu), baseline: `Plivo ${ms(plivoCpu)}`, ratio: cpu, target: TARGET, met: withinTarget(cpu) },
    ],
  };
}

export async function lamlSmsFigure(input: DialectFigureInput): Promise<DialectFigure<MessagingResult>> {
  const { messages } = input.options;
  const receiver = input.receiver;
  if (!receiver) throw new Error('the laml-sms figure needs the receiver child');
  input.log(`laml-sms: ${integer(messages)} SMS through each REST API with all their status callbacks, 64 requests in flight; Plivo, LaML, LaML, Plivo`);
  const run = async (door: FrontDoor): Promise<MessagingResult> => {
    const result = await messagingFigure(door, { receiver, messages, concurrency: 64, timeoutMs: input.timeoutFor(messages * door.callbacksPerMessage) });
    input.log(
      `  ${door.dialect}: ${integer(result.messagesPerSecond)} messages/s end to end (${integer(result.callbacksPerSecond)} callbacks/s), ` +
        `${result.cpuMsPerMessage.toFixed(2)} ms of CPU per message; messages API ${integer(result.apiRequestsPerSecond)} requests/s`,
    );
    return result;
  };
  const runs = await inBothOrders(run);
  const { plivo, laml, rate, plivoCpu, lamlCpu, cpu } = compare(runs, (result) => result.messagesPerSecond, (result) => result.cpuMsPerMessage);
  const api = laml.apiRequestsPerSecond / plivo.apiRequestsPerSecond;
  return {
    plivo,
    laml,
    runs,
    rows: [
      { figure: 'LaML SMS end to end (messages/s)', hookline: integer(laml.messagesPerSecond), baseline: `Plivo ${integer(plivo.messagesPerSecond)}`, ratio: rate, target: TARGET, met: withinTarget(rate) },
      { figure: 'LaML SMS CPU per message', hookline: ms(lamlCpu), baseline: `Plivo ${ms(plivoCpu)}`, ratio: cpu, target: TARGET, met: withinTarget(cpu) },
      // Per callback as well as per message, should the dialects ever send different numbers of them.
      {
        figure: 'LaML SMS CPU per status callback',
        hookline: ms(lamlCpu / LAML_DOOR.callbacksPerMessage),
        baseline: `Plivo ${ms(plivoCpu / PLIVO_DOOR.callbacksPerMessage)}`,
        ratio: cpu * (PLIVO_DOOR.callbacksPerMessage / LAML_DOOR.callbacksPerMessage),
        target: '',
        met: null,
      },
      { figure: 'LaML POST Messages (requests/s)', hookline: integer(laml.apiRequestsPerSecond), baseline: `Plivo ${integer(plivo.apiRequestsPerSecond)}`, ratio: api, target: '', met: null },
    ],
  };
}

async function inBothOrders<T>(run: (door: FrontDoor) => Promise<T>): Promise<T[]> {
  const runs: T[] = [];
  for (const door of [PLIVO_DOOR, LAML_DOOR, LAML_DOOR, PLIVO_DOOR]) runs.push(await run(door));
  return runs;
}

/** The dialect's run that scores highest. */
function best<T extends { readonly dialect: FrontDoor['dialect'] }>(runs: readonly T[], dialect: FrontDoor['dialect'], score: (result: T) => number): T {
  const own = runs.filter((result) => result.dialect === dialect);
  return own.reduce((a, b) => (score(b) > score(a) ? b : a));
}
