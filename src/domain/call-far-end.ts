import { digitsOf } from './phone-numbers.js';

/**
 * What the far end of a call does by itself, from the number called (docs/plivo-voice.md lists them):
 * answer after a short ring, or the documented magic numbers for busy, no answer, failure, rejection,
 * an answering machine and a slow answer. Live control (the control API) overrides it while the call
 * rings; a scenario could pick another script by number the same way.
 */

export type FarEndScript =
  /** `greetingMs`: how long it talks once it answers; the default suits a person or a machine (far-end-sound.ts). */
  | { readonly outcome: 'answer'; readonly ringMs: number; readonly machine: boolean; readonly greetingMs?: number }
  /** Rings until the carrier gives up: ring_timeout, or the carrier's own limit (3000 No Answer). */
  | { readonly outcome: 'no-answer' }
  | { readonly outcome: 'busy' | 'rejected'; readonly ringMs: number }
  /** Refused before it rings: no ring_url. */
  | { readonly outcome: 'failed' };

/** How long a phone rings before it is answered, by default. */
export const DEFAULT_RING_MS = 2_000;
/** From the API request to the first ring. */
export const SETUP_MS = 1_000;
/** A slow answer rings this long. */
export const SLOW_RING_MS = 25_000;
/** The carrier's own limit on an unanswered call, when ring_timeout is longer. */
export const CARRIER_NO_ANSWER_MS = 60_000;
/** How long the far end talks when it is recorded, before it goes quiet. */
export const FAR_END_TALK_MS = 5_000;
/** How long a bridged B leg stays on the line before it hangs up, unless told otherwise. */
export const BRIDGE_TALK_MS = 10_000;
/** The length of a Play whose file gives none. */
export const DEFAULT_AUDIO_MS = 5_000;

/**
 * The length of an audio file from its size: telephone-quality WAV (8 kHz, 16-bit mono) or a 128 kbps
 * MP3. A sizeless or unknown file plays for the default.
 */
export function audioDurationMs(contentType: string | null, bytes: number | null): number {
  if (bytes === null || bytes <= 0) return DEFAULT_AUDIO_MS;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'audio/wav' || type === 'audio/x-wav' || type === 'audio/wave') return Math.max(0, Math.round(((bytes - 44) / 16_000) * 1000));
  if (type === 'audio/mpeg' || type === 'audio/mp3') return Math.round((bytes * 8) / 128);
  return DEFAULT_AUDIO_MS;
}

/** Who answered, as LaML's detection reports it (`AnsweredBy`, laml.md §3.5). */
export type AnsweredBy = 'human' | 'machine_start' | 'machine_end_beep' | 'machine_end_silence' | 'machine_end_other' | 'fax' | 'unknown';

/** How long machine detection listens before it knows a person, a machine's first words, the beep ending a greeting. */
export const HUMAN_DETECTED_MS = 2_000;
export const MACHINE_DETECTED_MS = 3_000;
export const GREETING_END_MS = 8_000;

/**
 * What LaML's machine detection concludes about the far end, and when: a person at once, a machine
 * from its first words, or (`DetectMessageEnd`) at the beep that ends its greeting; `unknown` when the
 * detection's time runs out first.
 */
export function machineVerdict(script: FarEndScript, untilMessageEnd: boolean, timeoutMs: number): { readonly verdict: AnsweredBy; readonly afterMs: number } {
  const machine = script.outcome === 'answer' && script.machine;
  const [verdict, afterMs]: [AnsweredBy, number] = !machine ? ['human', HUMAN_DETECTED_MS] : untilMessageEnd ? ['machine_end_beep', GREETING_END_MS] : ['machine_start', MACHINE_DETECTED_MS];
  return afterMs <= timeoutMs ? { verdict, afterMs } : { verdict: 'unknown', afterMs: timeoutMs };
}

const MAGIC: ReadonlyArray<readonly [prefix: string, script: FarEndScript]> = [
  ['1555100', { outcome: 'busy', ringMs: 1_000 }],
  ['1555101', { outcome: 'no-answer' }],
  ['1555102', { outcome: 'failed' }],
  ['1555103', { outcome: 'answer', ringMs: DEFAULT_RING_MS, machine: true }],
  ['1555104', { outcome: 'answer', ringMs: SLOW_RING_MS, machine: false }],
  ['1555105', { outcome: 'rejected', ringMs: 1_000 }],
];

export function farEndScript(number: string): FarEndScript {
  const digits = digitsOf(number);
  for (const [prefix, script] of MAGIC) if (digits.startsWith(prefix) && digits.length === 11) return script;
  return { outcome: 'answer', ringMs: DEFAULT_RING_MS, machine: false };
}

/** A phrase's length when spoken: about 150 words a minute, never under a second. */
export function speechDurationMs(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return Math.max(1_000, Math.round((words / 2.5) * 1000));
}

/** When each word of a phrase has been said, from its start: the phrase's length shared evenly among its words. */
export function spokenWords(text: string): Array<{ readonly word: string; readonly endMs: number }> {
  const words = text.split(/\s+/).filter(Boolean);
  const totalMs = speechDurationMs(text);
  return words.map((word, index) => ({ word, endMs: Math.round((totalMs * (index + 1)) / words.length) }));
}

/** DTMF tones: half a second a key, `w` half a second of pause, `W` a second. */
export function dtmfDurationMs(digits: string): number {
  let ms = 0;
  for (const key of digits) ms += key === 'W' ? 1_000 : 500;
  return ms;
}
