import type { FarEndScript } from './call-far-end.js';
import { DEFAULT_RING_MS } from './call-far-end.js';
import { digitsOf } from './phone-numbers.js';

/**
 * A scenario scripts the far end of the calls to or from one number: how it answers, then what it
 * does at which moment (keys, words, hanging up), timed from the answer or from an element of the
 * document starting. Scenarios come before the magic numbers and the defaults; live control comes
 * before scenarios (ARCHITECTURE.md, "The carrier simulator").
 */

export type ScenarioMoment =
  /** This long after the call is answered. */
  | { readonly afterAnswerMs: number }
  /** When the `occurrence`-th element of this name starts (1 = the first), plus `afterMs`. */
  | { readonly element: string; readonly occurrence: number; readonly afterMs: number };

/** Keys, words (heard as sound for as long as they take to say), a voicemail beep, or the hangup. */
export type ScenarioAction = { readonly digits: string } | { readonly speech: string } | { readonly beep: true } | { readonly hangup: true };

export interface ScenarioStep {
  readonly at: ScenarioMoment;
  readonly do: ScenarioAction;
}

export interface Scenario {
  readonly name: string;
  /** The far end's number: the one called (outbound calls, Dial targets) or the caller (inbound). */
  readonly number: string;
  /** `greetingMs`: how long the far end talks once it answers (then a machine beeps); the default when left out. */
  readonly answer: { readonly outcome: 'answer' | 'busy' | 'no-answer' | 'failed' | 'rejected'; readonly ringMs: number; readonly machine: boolean; readonly greetingMs?: number };
  readonly steps: readonly ScenarioStep[];
  /** Calls it still applies to; null = every call. */
  readonly remaining: number | null;
}

export function scenarioScript(scenario: Scenario): FarEndScript {
  const { outcome, ringMs, machine, greetingMs } = scenario.answer;
  switch (outcome) {
    case 'answer':
      return greetingMs === undefined ? { outcome, ringMs, machine } : { outcome, ringMs, machine, greetingMs };
    case 'busy':
    case 'rejected':
      return { outcome, ringMs };
    case 'no-answer':
    case 'failed':
      return { outcome };
  }
}

/** The key scenarios are found by: the number's digits. */
export function scenarioKey(number: string): string {
  return digitsOf(number);
}

export const DEFAULT_SCENARIO_ANSWER: Scenario['answer'] = { outcome: 'answer', ringMs: DEFAULT_RING_MS, machine: false };
