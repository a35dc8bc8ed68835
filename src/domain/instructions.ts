import type { HttpMethod } from './callback.js';
import type { RecordingFormat } from './recording.js';

/**
 * The instruction tree a call runs: what a Plivo XML or LaML document says, in one shape. Both dialects
 * parse into it where they mean the same thing (ARCHITECTURE.md, "One instruction tree, two dialects"),
 * so each runner is written once; the dialect decides names, defaults and the parameters its callbacks
 * carry. Durations are in milliseconds, whatever unit the document used.
 */

/** Where an instruction came from in its document, for the timeline and errors. */
export interface InstructionSource {
  /** The element as the document names it (`GetDigits`, `Gather`…). */
  readonly element: string;
  readonly line: number;
  readonly column: number;
}

/** A URL the call requests, as the document gave it (policy fragment included). */
export interface UrlTarget {
  readonly url: string;
  readonly method: HttpMethod;
}

interface Base {
  readonly source: InstructionSource;
}

export interface SpeakInstruction extends Base {
  readonly kind: 'speak';
  readonly text: string;
  readonly voice: string;
  readonly language: string;
  /** Times to say it; 0 = until the call ends. */
  readonly loop: number;
}

export interface PlayInstruction extends Base {
  readonly kind: 'play';
  readonly url: string;
  /** Times to play it; 0 = until the call ends. */
  readonly loop: number;
}

export interface PauseInstruction extends Base {
  readonly kind: 'pause';
  /** The longest it lasts. */
  readonly lengthMs: number;
  /** Plivo `silence` (with `minSilence`) or `beep`: ends early once the far end has been quiet that long, or at its beep. */
  readonly until: PauseUntil | null;
}

export type PauseUntil = { readonly kind: 'silence'; readonly minSilenceMs: number } | { readonly kind: 'beep' };

export type InputKind = 'dtmf' | 'speech';

/** `GetDigits`, `GetInput`, `Gather`: prompts, then the far end's keys or words. */
export interface CollectInstruction extends Base {
  readonly kind: 'collect';
  readonly inputs: readonly InputKind[];
  /** Played (and interruptible by input) before the wait starts. */
  readonly prompts: readonly Instruction[];
  readonly action: UrlTarget | null;
  /** True: the action's document replaces this one. False: requested, then the next sibling runs. */
  readonly redirect: boolean;
  /** Wait for the first input after the prompts. */
  readonly firstInputTimeoutMs: number;
  /** Wait between keys once one was pressed. */
  readonly interDigitTimeoutMs: number;
  /** '' when no key finishes input. */
  readonly finishOnKey: string;
  readonly maxDigits: number;
  /** Tries in all (prompts again after a try with no input). */
  readonly attempts: number;
  /** Keys that count; null = all. */
  readonly validDigits: string | null;
  readonly invalidDigitsSound: string | null;
  readonly hints: readonly string[];
  /** GetInput's `interimSpeechResultsCallback`: partial speech as it is heard. */
  readonly interimSpeechCallback: UrlTarget | null;
  readonly playBeep: boolean;
  /** Also send the action when nothing was entered (LaML `actionOnEmptyResult`). */
  readonly actionOnEmpty: boolean;
}

export interface RedirectInstruction extends Base {
  readonly kind: 'redirect';
  readonly target: UrlTarget;
}

export interface HangupInstruction extends Base {
  readonly kind: 'hangup';
  readonly reason: 'rejected' | 'busy' | null;
  /** Hang up this long from now while the next instructions run; null = now. */
  readonly scheduleMs: number | null;
}

export interface SendDigitsInstruction extends Base {
  readonly kind: 'send-digits';
  readonly digits: string;
  /** Carry on with the next instruction while the tones play. */
  readonly async: boolean;
}

export interface SendMessageInstruction extends Base {
  readonly kind: 'send-message';
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly type: 'sms' | 'mms';
  readonly callback: UrlTarget | null;
}

export interface PreAnswerInstruction extends Base {
  readonly kind: 'pre-answer';
  readonly children: readonly Instruction[];
}

export interface DialTarget {
  readonly kind: 'number' | 'sip';
  readonly address: string;
  /** Keys sent to the callee once it answers. */
  readonly sendDigits: string;
}

export interface DialInstruction extends Base {
  readonly kind: 'dial';
  /** Rung at once; the first to answer wins. */
  readonly targets: readonly DialTarget[];
  readonly action: UrlTarget | null;
  readonly redirect: boolean;
  /** Ring time before giving up; null = the carrier's own. */
  readonly ringTimeoutMs: number | null;
  readonly timeLimitMs: number;
  readonly callerId: string | null;
  /** Real-time events of the B leg (Plivo `callbackUrl`). */
  readonly callback: UrlTarget | null;
  /** The callee must press this key to be connected (Plivo `confirmKey`); 9110 if it does not. */
  readonly confirmKey: string | null;
  /** A URL whose document is played to the callee before the key is expected. */
  readonly confirmSound: string | null;
  readonly confirmTimeoutMs: number;
  /** A URL whose document the caller hears while the targets ring (Plivo `dialMusic`); null: ringback. */
  readonly dialMusic: string | null;
  readonly hangupOnStar: boolean;
}

export interface RecordInstruction extends Base {
  readonly kind: 'record';
  readonly action: UrlTarget | null;
  readonly redirect: boolean;
  readonly maxLengthMs: number;
  /** Silence that ends the recording. */
  readonly silenceTimeoutMs: number;
  /** Any of these keys ends it (Plivo names one, LaML several); '' when none does. */
  readonly finishOnKey: string;
  readonly playBeep: boolean;
  readonly fileFormat: RecordingFormat;
  /** Record the whole call from here in the background (Plivo `recordSession`). */
  readonly wholeCall: boolean;
  readonly callback: UrlTarget | null;
}

export interface ConferenceInstruction extends Base {
  readonly kind: 'conference';
  readonly room: string;
  readonly muted: boolean;
  readonly startOnEnter: boolean;
  readonly endOnExit: boolean;
  readonly stayAlone: boolean;
  readonly maxMembers: number;
  readonly timeLimitMs: number;
  readonly action: UrlTarget | null;
  readonly redirect: boolean;
  readonly callback: UrlTarget | null;
  readonly hangupOnStar: boolean;
}

/** An element the engine knows but does not simulate (Plivo `Stream`, `MultiPartyCall`): noted and skipped. */
export interface UnsimulatedInstruction extends Base {
  readonly kind: 'unsimulated';
}

export type Instruction =
  | SpeakInstruction
  | PlayInstruction
  | PauseInstruction
  | CollectInstruction
  | RedirectInstruction
  | HangupInstruction
  | SendDigitsInstruction
  | SendMessageInstruction
  | PreAnswerInstruction
  | DialInstruction
  | RecordInstruction
  | ConferenceInstruction
  | UnsimulatedInstruction;

export type InstructionKind = Instruction['kind'];
