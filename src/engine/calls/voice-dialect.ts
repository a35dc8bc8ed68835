import type { DocumentFailure } from '../../delivery/document-fetcher.js';
import type { CallbackParams, Dialect } from '../../domain/callback.js';
import { documentFailureCause, type DocumentRole, type Hangup } from '../../domain/hangup-causes.js';
import type { Instruction, UrlTarget } from '../../domain/instructions.js';
import type { PlivoCall, VoiceDialectName } from '../../domain/plivo-call.js';
import type { PolicyProfile } from '../../domain/policy.js';
import type { RecordingFormat } from '../../domain/recording.js';
import type { VoiceParams } from './verb.js';

/** A state change of a call that may cause notifications (ring_url, StatusCallback…). */
export type CallChange = 'initiated' | 'ringing' | 'answered' | 'ended';

/** A notification a state change causes, before the engine adds the dialect's policy and signing. */
export interface CallNotification {
  readonly target: UrlTarget;
  readonly params: CallbackParams;
}

/** A document body as a dialect reads it: its instructions, or why it cannot run (and the dialect's code for that). */
export type ReadDocument =
  | { readonly ok: true; readonly instructions: readonly Instruction[]; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly reason: string; readonly code?: string };

/**
 * Everything about a call that depends on the front door that made it. The lifecycle, the session and
 * the runners in `verbs/` are shared; they ask the call's dialect for names, parameters, documents and
 * the notifications a change causes, never `if (dialect === …)` (docs/adr/0007-voice-dialects.md).
 */
export interface VoiceDialect {
  readonly name: VoiceDialectName;
  /** Who signs the callbacks (`plivo` V2/V3, `laml` X-SignalWire/X-Twilio-Signature). */
  readonly signing: Dialect;
  /** The policy documents start from (answer URL, actions, Redirect…). */
  readonly documentProfile: PolicyProfile;
  /** The policy notifications start from (hangup_url, StatusCallback…). */
  readonly notificationProfile: PolicyProfile;
  /** What each element's request carries. */
  readonly params: VoiceParams;
  /**
   * Where the app downloads a recording (`RecordUrl`, `RecordingUrl`) in the format asked for;
   * `lamlAccountSid` is the call's account as a LaML project (its project id).
   */
  recordingUrl(publicUrl: string, lamlAccountSid: string, recordingId: string, format: RecordingFormat): string;
  /**
   * Parse and check a document; `documentUrl` is where it came from (relative URLs, default actions),
   * `contentType` what its response said it is (null for a document given inline).
   */
  readDocument(body: string, documentUrl: string, contentType: string | null): ReadDocument;
  /** The warning a `<Play>` of audio served as `contentType` is skipped with, or null when it plays. */
  unplayableAudio(contentType: string | null): number | null;
  /** What the fallback request adds, from how the first URL failed (LaML `ErrorCode`, `ErrorUrl`). */
  fallbackParams(failure: DocumentFailure): CallbackParams;
  /** How a failed document ends the call, and how the dialect names the failure for the timeline. */
  documentFailure(role: DocumentRole, failure: DocumentFailure): { readonly hangup: Hangup; readonly code: string | null };
  /**
   * The notifications `change` causes, and the call as it is after them (a dialect may count what it
   * sent, as LaML's `SequenceNumber`). Pure: the engine stores both in one transaction.
   */
  changed(call: PlivoCall, change: CallChange, now: number): { readonly call: PlivoCall; readonly notifications: readonly CallNotification[] };
}

/** The dialects an engine serves: Plivo always, the others when their front door is there. */
export type VoiceDialects = { readonly plivo: VoiceDialect } & Readonly<Partial<Record<VoiceDialectName, VoiceDialect>>>;

/** The dialect of a call; calls stored before calls had one are Plivo's. */
export function dialectOf(dialects: VoiceDialects, call: PlivoCall): VoiceDialect {
  const dialect = dialects[call.dialect ?? 'plivo'];
  if (!dialect) throw new Error(`call ${call.uuid} is a ${call.dialect ?? 'plivo'} call, and this engine serves no such dialect`);
  return dialect;
}

/**
 * The engine's cause for a failed document (plivo.md §2.4): 8011–8014 for a body refused (invalid, or
 * over the size the carrier reads), 7011–7014 for a URL that gave none.
 */
export function documentFailureHangup(role: DocumentRole, failure: DocumentFailure): Hangup {
  const invalid = failure.outcome.kind === 'rejected' || failure.outcome.kind === 'response-too-large';
  return { code: documentFailureCause(role, invalid ? 'invalid' : 'unreachable'), source: 'Error' };
}
