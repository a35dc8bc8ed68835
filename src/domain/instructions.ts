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

/** Recording status callback events (laml.md §4): `completed` alone unless others are asked for. */
export type RecordingEvent = 'in-progress' | 'completed' | 'absent' | 'failed';
export const RECORDING_EVENTS: readonly RecordingEvent[] = ['in-progress', 'completed', 'absent', 'failed'];

/** What started a recording, as `RecordingSource` names it (Twilio's names, docs/laml.md). */
export type RecordingSource = 'RecordVerb' | 'DialVerb' | 'OutboundAPI' | 'StartCallRecordingAPI';

/** A recording's status callback and the events it asked for. */
export interface RecordingCallback {
  readonly target: UrlTarget;
  readonly events: readonly RecordingEvent[];
}

/** A recording that runs in the background while the call goes on (LaML `Record=true`, `<Dial record>`). */
export interface BackgroundRecording {
  readonly source: RecordingSource;
  readonly channels: 1 | 2;
  readonly callback: RecordingCallback | null;
}

/** The progress of a call a status callback may ask for (LaML `statusCallbackEvent`, laml.md §3.3). */
export type CallProgressEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

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
  /** Before the answer it keeps an inbound call ringing rather than answering it (LaML `<Pause>`). */
  readonly whileRinging: boolean;
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
  /** GetInput's `interimSpeechResultsCallback`, Gather's `partialResultCallback`: each word as it is heard. */
  readonly interimSpeechCallback: UrlTarget | null;
  /** Silence after the last word before the speech counts as finished (LaML `speechTimeout`). */
  readonly speechEndTimeoutMs: number;
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
  /** An unanswered call is answered before it is hung up (LaML `<Hangup>`, billable; `<Reject>` is not). */
  readonly answersFirst: boolean;
  /** Without a reason, rejects a call not answered yet (3020) rather than ending it normally (a Plivo `<Hangup>` first in its document). */
  readonly rejectsUnanswered: boolean;
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
  /** LaML `<Sms action>`: asked once the message is on its way; its answer runs instead of what follows. */
  readonly action: UrlTarget | null;
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
  /** The leg's own progress events (LaML noun `statusCallback`), or null. */
  readonly progress: { readonly target: UrlTarget; readonly events: readonly CallProgressEvent[] } | null;
  /** A document run on the callee once it answers, before the bridge (LaML noun `url`): a whisper. */
  readonly whisper: UrlTarget | null;
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
  /** The caller's name on the B legs (`callerName`); null: none given. */
  readonly callerName: string | null;
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
  /** Key sequences the caller or the callee may press while bridged, each reported to `callback` (Plivo `digitsMatch`, `digitsMatchBLeg`). */
  readonly digitsMatch: { readonly aLeg: readonly string[]; readonly bLeg: readonly string[] };
  /** Record the bridge (LaML `record`): from the answer, or from the first ring. */
  readonly recording: (BackgroundRecording & { readonly fromRinging: boolean }) | null;
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
  /** The events `callback` hears of (Plivo: `completed` alone). */
  readonly callbackEvents: readonly RecordingEvent[];
  /** Record the whole call from here in the background (Plivo `recordSession`). */
  readonly wholeCall: boolean;
  readonly callback: UrlTarget | null;
}

/** What a conference's status callback may ask for (LaML `statusCallbackEvent`, laml.md §6.1). */
export type ConferenceStatusEvent = 'start' | 'end' | 'join' | 'leave' | 'mute' | 'hold' | 'speaker';

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
  /** Each entry and exit of this member (Plivo `callbackUrl`). */
  readonly callback: UrlTarget | null;
  /** The room's own events (LaML `statusCallback`): the first member's settings count for the room. */
  readonly statusCallback: { readonly target: UrlTarget; readonly events: readonly ConferenceStatusEvent[] } | null;
  /** What a member hears until the room starts (LaML `waitUrl`): requested, its audio passing time. */
  readonly waitUrl: UrlTarget | null;
  /**
   * What a member hears while no member with startConferenceOnEnter is in the room (Plivo
   * `waitSound`): requested, and only its Play, Speak and Wait count.
   */
  readonly waitSound: UrlTarget | null;
  /** Requested when this member enters, and when it leaves members behind (Plivo `enterSound`, `exitSound` given as URLs). */
  readonly enterSound: UrlTarget | null;
  readonly exitSound: UrlTarget | null;
  readonly hangupOnStar: boolean;
}

/** LaML `<Enqueue>`: wait in a named queue until a `<Dial><Queue>` bridges the call, or it leaves. */
export interface EnqueueInstruction extends Base {
  readonly kind: 'enqueue';
  readonly queue: string;
  /** Requested when the call leaves the queue (`QueueResult`…); without it the next verb runs. */
  readonly action: UrlTarget | null;
  /** What the caller hears while waiting, requested again each time it ends; null: silence. */
  readonly waitUrl: UrlTarget | null;
}

/** LaML `<Leave>`: in a queue's wait document, leave the queue. */
export interface LeaveInstruction extends Base {
  readonly kind: 'leave';
}

/** LaML `<Dial><Queue>`: bridge the call waiting longest in the named queue. */
export interface DequeueInstruction extends Base {
  readonly kind: 'dequeue';
  readonly queue: string;
  /** Requested about the dequeued caller before the bridge (the Queue noun's `url`); it hears it. */
  readonly url: UrlTarget | null;
  readonly action: UrlTarget | null;
  readonly redirect: boolean;
  /** How long to wait for a caller when the queue is empty. */
  readonly waitMs: number;
  readonly timeLimitMs: number;
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
  | EnqueueInstruction
  | LeaveInstruction
  | DequeueInstruction
  | UnsimulatedInstruction;

export type InstructionKind = Instruction['kind'];
