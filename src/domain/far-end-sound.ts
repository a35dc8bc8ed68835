import type { FarEndScript } from './call-far-end.js';

/**
 * What the call hears from the far end, as stretches of sound on the clock: a person's "Hello?" when
 * they answer, an answering machine's greeting and then its beep, words the far end says (live control
 * or a scenario), a beep a scenario plays. Everything else is silence. Plivo's `<Wait silence>` and
 * `<Wait beep>` listen to this (plivo.md §2.3 Wait).
 */
export interface Sound {
  readonly startMs: number;
  readonly endMs: number;
  readonly beep: boolean;
}

/** How long a person who answers talks ("Hello? Who is this?") before going quiet. */
export const PERSON_GREETING_MS = 1_500;
/** How long an answering machine's greeting plays before its beep. */
export const MACHINE_GREETING_MS = 8_000;
/** A voicemail beep. */
export const BEEP_MS = 500;

/**
 * The sounds the far end makes on its own once it answers at `answeredMs`: an outbound call's callee
 * greets (`greetingMs`, else the defaults above) and a machine beeps after its greeting. A caller
 * (an inbound call) waits to be greeted and says nothing.
 */
export function answerSounds(script: FarEndScript, direction: 'inbound' | 'outbound', answeredMs: number): Sound[] {
  if (direction === 'inbound' || script.outcome !== 'answer') return [];
  const greetingMs = script.greetingMs ?? (script.machine ? MACHINE_GREETING_MS : PERSON_GREETING_MS);
  const sounds: Sound[] = greetingMs > 0 ? [{ startMs: answeredMs, endMs: answeredMs + greetingMs, beep: false }] : [];
  if (script.machine) sounds.push(beepSound(answeredMs + greetingMs));
  return sounds;
}

export function beepSound(atMs: number): Sound {
  return { startMs: atMs, endMs: atMs + BEEP_MS, beep: true };
}

/** When the first beep that ends after `fromMs` is over (what `<Wait beep>` waits for), or null. */
export function beepHeardAt(sounds: readonly Sound[], fromMs: number): number | null {
  let heard: number | null = null;
  for (const sound of sounds) if (sound.beep && sound.endMs > fromMs && (heard === null || sound.endMs < heard)) heard = sound.endMs;
  return heard;
}

/**
 * When `minSilenceMs` of unbroken silence, counted from `fromMs`, have passed (what `<Wait
 * silence>` waits for): sound before `fromMs` still playing then delays it, sound after does too.
 */
export function silenceHeardAt(sounds: readonly Sound[], fromMs: number, minSilenceMs: number): number {
  let quietFrom = fromMs;
  for (const sound of [...sounds].sort((a, b) => a.startMs - b.startMs)) {
    if (sound.endMs <= quietFrom) continue;
    if (sound.startMs >= quietFrom + minSilenceMs) break;
    quietFrom = sound.endMs;
  }
  return quietFrom + minSilenceMs;
}
