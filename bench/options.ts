import { parseArgs } from 'node:util';

export const FIGURES = ['throughput', 'bullmq', 'latency', 'scale', 'plivo', 'voice', 'postgres', 'laml-voice', 'laml-sms', 'inspector'] as const;
export type Figure = (typeof FIGURES)[number];

export interface BenchOptions {
  readonly only: readonly Figure[];
  /** Callbacks for the throughput and BullMQ figures. */
  readonly count: number;
  /** Callbacks per `enqueueMany` / `addBulk`. */
  readonly batch: number;
  /** Latency figure: callbacks per second, and for how long. */
  readonly rate: number;
  readonly seconds: number;
  /** Scale figure: callbacks scheduled an hour ahead. */
  readonly scheduled: number;
  /** Plivo and laml-sms figures: messages sent through the API. */
  readonly messages: number;
  /** Voice and laml-voice figures: IVR calls placed at once; voice: calls held live for the memory figure. */
  readonly calls: number;
  readonly liveCalls: number;
  /** Inspector figure: deliveries stored before the page loads, and seconds of streaming. */
  readonly stored: number;
  readonly streamSeconds: number;
}

export const USAGE = `usage: npm run bench -- [options]
  --only LIST        figures to run, comma-separated: ${FIGURES.join(',')} (default: all)
  --count N          callbacks for throughput, bullmq and postgres (default 50000)
  --batch N          callbacks per enqueueMany / addBulk / scale commit (default 1000)
  --rate N           latency and postgres latency: callbacks per second (default 1000)
  --seconds N        latency: measured seconds, after a short warm-up (default 10)
  --scheduled N      scale: callbacks scheduled an hour ahead (default 1000000)
  --messages N       plivo, laml-sms: SMS sent through the messages API, with all their status callbacks (default 10000)
  --calls N          voice, laml-voice: calls placed at once, each a 5-document IVR with a Dial (default 2000)
  --live-calls N     voice: calls held live to measure memory per call (default 10000)
  --stored N         inspector: deliveries stored before the page first loads (default 10000)
  --stream-seconds N inspector: seconds of 1,000 events/s streamed to the page (default 5)`;

export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      only: { type: 'string' },
      count: { type: 'string' },
      batch: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      scheduled: { type: 'string' },
      messages: { type: 'string' },
      calls: { type: 'string' },
      'live-calls': { type: 'string' },
      stored: { type: 'string' },
      'stream-seconds': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  return {
    only: parseFigures(values.only),
    count: positiveInteger('count', values.count, 50_000),
    batch: positiveInteger('batch', values.batch, 1000),
    rate: positiveInteger('rate', values.rate, 1000),
    seconds: positiveInteger('seconds', values.seconds, 10),
    scheduled: positiveInteger('scheduled', values.scheduled, 1_000_000),
    messages: positiveInteger('messages', values.messages, 10_000),
    calls: positiveInteger('calls', values.calls, 2_000),
    liveCalls: positiveInteger('live-calls', values['live-calls'], 10_000),
    stored: positiveInteger('stored', values.stored, 10_000),
    streamSeconds: positiveInteger('stream-seconds', values['stream-seconds'], 5),
  };
}

function parseFigures(text: string | undefined): Figure[] {
  if (text === undefined) return [...FIGURES];
  const names = text.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of names) {
    if (!(FIGURES as readonly string[]).includes(name)) throw new Error(`--only: unknown figure "${name}"; use ${FIGURES.join(', ')}`);
  }
  return names as Figure[];
}

function positiveInteger(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name}: expected a positive integer, got "${text}"`);
  return value;
}
