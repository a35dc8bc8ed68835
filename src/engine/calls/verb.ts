import type { CallbackParams } from '../../domain/callback.js';
import type { DocumentRole, Hangup } from '../../domain/hangup-causes.js';
import type {
  ConferenceInstruction,
  DequeueInstruction,
  DialInstruction,
  EnqueueInstruction,
  Instruction,
  InstructionSource,
  RecordingSource,
  SendMessageInstruction,
  UrlTarget,
} from '../../domain/instructions.js';
import type { RecordingFormat, RecordingStatus } from '../../domain/recording.js';
import type { CallSession } from './call-session.js';
import type { LamlConferenceView } from '../../domain/laml-conference.js';
import type { LamlQueueView } from '../../domain/laml-queue.js';

/** A document the call can run: its instructions and the URL that gave them. */
export interface LoadedDocument {
  readonly url: string;
  readonly instructions: readonly Instruction[];
}

/** What the call does after an instruction. */
export type VerbOutcome =
  | { readonly next: 'continue' }
  /** Replace the running document (Redirect, an action with redirect="true"). */
  | { readonly next: 'document'; readonly document: LoadedDocument }
  /** End the call: with this cause, or (null) with the hangup already requested. */
  | { readonly next: 'end'; readonly hangup: Hangup | null };

export const CONTINUE: VerbOutcome = { next: 'continue' };
export const HUNG_UP: VerbOutcome = { next: 'end', hangup: null };

/** What collecting input gave. */
export interface CollectResult {
  readonly inputType: 'dtmf' | 'speech';
  readonly digits: string;
  readonly speech: string;
}

export interface PartialSpeech {
  readonly stable: string;
  readonly unstable: string;
}

/** The parameters a dialect adds to the requests its elements make. */
export interface VoiceParams {
  /** The first document request: answer_url (`Event=StartApp`) or LaML `Url`. */
  answer(session: CallSession): CallbackParams;
  /** An element's action or a Redirect: the call's standard set. */
  document(session: CallSession): CallbackParams;
  collect(session: CallSession, result: CollectResult, element: string): CallbackParams;
  /** One partial speech result: the words that will not change, the newest one that may, counting from 1. */
  interimSpeech(session: CallSession, partial: PartialSpeech, sequence: number): CallbackParams;
  record(session: CallSession, recording: RecordingResult, withDigits: boolean): CallbackParams;
  /** A message the call sent (null: none could be sent), to the element's action. */
  messageAction(session: CallSession, messageUuid: string | null): CallbackParams;
  /** A recording started through the API, to its callback when it ends; `apiId` is the start request's. */
  apiRecording(session: CallSession, recording: RecordingResult, apiId: string): CallbackParams;
  dialAction(session: CallSession, dial: DialResult): CallbackParams;
  dialEvent(session: CallSession, dial: DialEvent): CallbackParams;
  conferenceEvent(session: CallSession, event: ConferenceEvent): CallbackParams;
  conferenceAction(session: CallSession, room: string, result: ConferenceResult): CallbackParams;
  /** The answering-machine result, to the call's machine detection URL. */
  machineDetected(session: CallSession): CallbackParams;
  /** A queue's requests about a caller: its wait document, the Enqueue action, the Queue noun's url. */
  queue(session: CallSession, event: QueueEvent): CallbackParams;
}

/** How a call left a queue (LaML `QueueResult`, laml.md §6.1). */
export type QueueResult = 'bridged' | 'hangup' | 'leave';

export type QueueEvent =
  /** Requesting the wait document: where the caller stands. */
  | { readonly kind: 'wait'; readonly queueUuid: string; readonly position: number; readonly waitedMs: number; readonly averageWaitMs: number; readonly size: number }
  /** The caller left the queue. */
  | { readonly kind: 'left'; readonly queueUuid: string; readonly result: QueueResult; readonly waitedMs: number }
  /** Another call took the caller out of the queue (`DequeingCallSid`). */
  | { readonly kind: 'dequeued'; readonly queueUuid: string; readonly dequeuedBy: string; readonly waitedMs: number };

/** How a call's wait in a queue ended; `byDocument` when its wait document hung it up. */
export interface QueueExit {
  readonly result: QueueResult;
  readonly queueUuid: string;
  readonly waitedMs: number;
  readonly byDocument: boolean;
}

export interface RecordingResult {
  readonly id: string;
  readonly url: string;
  readonly durationMs: number;
  readonly startMs: number;
  readonly endMs: number;
  /** The key that stopped it, or ''. */
  readonly digits: string;
  readonly status: RecordingStatus;
  readonly source: RecordingSource;
  readonly channels: 1 | 2;
}

/** How a stored recording is described besides its audio. */
export interface RecordingDescription {
  /** A recording announced earlier (a whole-call one's) whose audio is now known. */
  readonly id?: string;
  readonly status?: RecordingStatus;
  readonly source?: RecordingSource;
  readonly channels?: 1 | 2;
}

export interface DialResult {
  readonly status: 'completed' | 'busy' | 'failed' | 'cancel' | 'timeout' | 'no-answer';
  readonly rang: boolean;
  readonly hangupCause: string;
  readonly bLegUuid: string | null;
  /** Seconds the bridge lasted; 0 when nobody answered. */
  readonly durationS?: number;
  /** The Dial's recording of the bridge (`record`), once it stopped. */
  readonly recording?: RecordingResult;
}

export interface DialEvent {
  readonly action: 'answer' | 'connected' | 'hangup' | 'digits';
  readonly bLegUuid: string;
  readonly bLegStatus: string;
  readonly from: string;
  readonly to: string;
  readonly durationS?: number;
  readonly hangup?: Hangup;
  /** The `digitsMatch` pattern a leg's keys completed, and which leg pressed them. */
  readonly digits?: string;
  readonly pressedBy?: 'ALeg' | 'BLeg';
}

export interface ConferenceResult {
  readonly hungUp: boolean;
  readonly conferenceUuid: string;
  readonly memberId: string;
}

/** Something that happened in a room, told from the member whose call caused it. */
export interface ConferenceEvent {
  readonly action: 'enter' | 'exit' | 'start' | 'end';
  readonly room: string;
  readonly conferenceUuid: string;
  readonly memberId: string;
  /** Counted per room, from 0, over the events its status callback was sent (LaML `SequenceNumber`). */
  readonly sequence: number;
  readonly muted: boolean;
  readonly startOnEnter: boolean;
  readonly endOnExit: boolean;
}

/** What a runner may ask of the engine. */
export interface CallServices {
  readonly params: VoiceParams;
  /** Fetch and check a document; a failure gives the hangup its role documents (7012, 8014…). */
  fetchDocument(session: CallSession, role: DocumentRole, target: UrlTarget, params: CallbackParams): Promise<{ ok: true; document: LoadedDocument } | { ok: false; hangup: Hangup }>;
  /**
   * Notifications (callbackUrl…) to one URL, durable through the outbox: several are stored in one
   * commit, in the order given.
   */
  notify(session: CallSession, target: UrlTarget, ...params: CallbackParams[]): Promise<void>;
  /**
   * How long an audio URL plays (fetched under the fixed audio policy); null when the dialect skips it
   * (LaML's 13420 for a URL that does not answer audio), warned on the timeline at `source`.
   */
  audioDurationMs(session: CallSession, url: string, source: InstructionSource): Promise<number | null>;
  /** `from`/`to` may be '' (LaML `<Sms>`): this call's own number and its far end. */
  sendMessage(session: CallSession, message: SendMessageInstruction): Promise<string[]>;
  /**
   * Store a recording as real audio, with its record; `described.id` to fill one announced earlier.
   * `in-progress` announces a recording that goes on in the background (whole-call).
   */
  saveRecording(session: CallSession, durationMs: number, format: RecordingFormat, described?: RecordingDescription): Promise<{ id: string; url: string }>;
  /** Ring the targets of a Dial from this call; resolves when the bridge ends. */
  dial(session: CallSession, request: DialInstruction): Promise<DialResult>;
  /** Null when the room is full (the call carries on). */
  conference(session: CallSession, request: ConferenceInstruction): Promise<ConferenceResult | null>;
  /** Wait in the queue until bridged (and the bridge ends), hung up, or the wait document leaves. */
  enqueue(session: CallSession, request: EnqueueInstruction): Promise<QueueExit>;
  /** Bridge the caller waiting longest; resolves when the bridge ends (`bLegUuid` is the caller). */
  dequeue(session: CallSession, request: DequeueInstruction): Promise<DialResult>;
  /** An account's queues in this process, as they stand. */
  queues(accountId: string): LamlQueueView[];
  /** An account's conference rooms with members in this process. */
  conferences(accountId: string): LamlConferenceView[];
}

export interface VerbContext {
  readonly session: CallSession;
  readonly services: CallServices;
  /** Prompts of a collect: input from the far end cuts them short. */
  readonly bargeIn: boolean;
  /**
   * Run instructions in order (prompts, PreAnswer's children); stops at the first that is not
   * `continue`. With `bargeIn`, input from the far end cuts their audio short; with `earlyMedia` they
   * play to a call still ringing and do not answer it.
   */
  runAll(instructions: readonly Instruction[], options?: { readonly bargeIn?: boolean; readonly earlyMedia?: boolean }): Promise<VerbOutcome>;
}

export type VerbRunner<I extends Instruction = Instruction> = (instruction: I, context: VerbContext) => Promise<VerbOutcome>;
