import { lamlMessageSettings } from '../../domain/laml-message.js';
import { RECORDING_RESOURCE, type StoredRecording } from '../../domain/recording.js';
import type { CallbackService } from '../../delivery/callback-service.js';
import type { DocumentFetcher, DocumentFailure } from '../../delivery/document-fetcher.js';
import { DEFAULT_AUDIO_MS } from '../../domain/call-far-end.js';
import { audioLength } from './audio-length.js';
import { INVALID_URL_CODE, unusableUrl } from './unusable-url.js';
import { e164Of } from '../../domain/laml-number.js';
import { digitsOf, isE164, splitDestinations } from '../../domain/phone-numbers.js';
import type { MessageService } from '../plivo/message-service.js';
import { CALL_RESOURCE, type CallEngine } from './call-engine.js';
import type { CallSession } from './call-session.js';
import { Conferences } from './conferences.js';
import { dialTargets } from './dialler.js';
import { Queues } from './queues.js';
import type { Recordings } from './recordings.js';
import type { CallServices, VoiceParams } from './verb.js';
import { dialectOf, type ReadDocument, type VoiceDialect, type VoiceDialects } from './voice-dialect.js';

export interface CallServicesDeps {
  readonly documents: DocumentFetcher;
  readonly callbacks: CallbackService;
  readonly messages: MessageService;
  readonly recordings: Recordings;
  readonly dialects: VoiceDialects;
  /** Where this hookline is reached, for the RecordUrl it hands out. */
  readonly publicUrl: () => string;
  /** An account's LaML project id, which a LaML RecordingUrl's path names. */
  readonly lamlAccountSid: (accountId: string) => string;
}

/**
 * What calls' runners use, over the delivery engine, the messaging engine and the recordings; each call
 * is served under its own dialect (documents, parameters, policies).
 */
export function callServices(deps: CallServicesDeps): (engine: CallEngine) => CallServices {
  return (engine) => {
    const params = dialectParams(deps.dialects);
    const conferences = new Conferences(engine, { callbacks: deps.callbacks, params, services: () => services });
    const queues = new Queues(() => services);
    const services: CallServices = {
      params,

      async fetchDocument(session, role, target, requestParams) {
        const call = session.call;
        const dialect = dialectOf(deps.dialects, call);
        if (role === 'answer' && call.answerDocument !== undefined) return readInline(session, dialect, call.answerDocument);
        const unusable = unusableUrl(target.url);
        if (unusable) {
          const failed = dialect.documentFailure(role, unusable);
          noteFailure(session, role, unusable, 'answer URL', failed.code);
          return { ok: false, hangup: failed.hangup };
        }
        let read: ReadDocument | null = null;
        const fetched = await deps.documents.fetchDocument({
          accountId: call.accountId,
          dialect: dialect.signing,
          profile: dialect.documentProfile,
          target,
          params: requestParams,
          fallback: role === 'answer' ? call.fallbackUrl : null,
          fallbackParams: (failure) => dialect.fallbackParams(failure),
          resource: `${CALL_RESOURCE}:${call.uuid}`,
          accept(body, contentType, url) {
            read = dialect.readDocument(body, url, contentType);
            return read.ok ? { ok: true } : read;
          },
        });
        if (fetched.ok) {
          const document = read as ReadDocument | null;
          if (!document?.ok) throw new Error(`the document from ${fetched.url} was accepted without being read`);
          // The timeline says why the fallback was needed, as it does when both fail.
          if (fetched.targetFailure) noteFailure(session, role, fetched.targetFailure, 'answer URL', dialect.documentFailure(role, fetched.targetFailure).code);
          session.note('document', `${role} document from ${fetched.url}${fetched.usedFallback ? ' (fallback)' : ''}`, {
            role,
            url: fetched.url,
            deliveryId: fetched.deliveryId,
            instructions: document.instructions.length,
          });
          for (const warning of document.warnings) session.note('warning', warning);
          return { ok: true, document: { url: fetched.url, instructions: document.instructions } };
        }
        const last = fetched.fallback ?? fetched.target;
        const failed = dialect.documentFailure(role, last);
        noteFailure(session, role, fetched.target, 'answer URL', dialect.documentFailure(role, fetched.target).code);
        if (fetched.fallback) noteFailure(session, role, fetched.fallback, 'fallback URL', failed.code);
        return { ok: false, hangup: failed.hangup };
      },

      async notify(session, target, ...params) {
        const unusable = unusableUrl(target.url);
        if (unusable) {
          noteFailure(session, 'callback', unusable, 'callback URL', INVALID_URL_CODE);
          return;
        }
        await deps.callbacks.enqueueMany(params.map((one) => engine.notification(session.call, target, one)));
        const shown = target.url.split('#')[0];
        for (const one of params) session.note('callback', `${one.Event ?? 'callback'} to ${shown}`, { url: target.url, event: one.Event ?? null });
      },

      async audioDurationMs(session, url, source) {
        if (unusableUrl(url)) {
          session.note('warning', `audio "${url}" is not an absolute http(s) URL (error ${INVALID_URL_CODE}); it plays as ${DEFAULT_AUDIO_MS / 1000} s of silence`);
          return DEFAULT_AUDIO_MS;
        }
        const fetched = await deps.documents.fetchDocument({
          accountId: session.call.accountId,
          dialect: dialectOf(deps.dialects, session.call).signing,
          profile: 'plivo-audio',
          target: { url, method: 'GET' },
          params: {},
          resource: `${CALL_RESOURCE}:${session.call.uuid}`,
        });
        if (!fetched.ok) {
          session.note('warning', `audio ${url} could not be fetched; it plays as ${DEFAULT_AUDIO_MS / 1000} s of silence`);
          return DEFAULT_AUDIO_MS;
        }
        const refused = dialectOf(deps.dialects, session.call).unplayableAudio(fetched.contentType);
        if (refused !== null) {
          session.note('warning', `line ${source.line}, column ${source.column}: <${source.element}> ${url} answered Content-Type "${fetched.contentType ?? ''}", which is not audio; warning ${refused}, it is skipped`);
          return null;
        }
        const length = await audioLength(fetched.bytes, fetched.contentType, fetched.contentLength);
        const seconds = (length.ms / 1000).toFixed(1);
        const how = length.source === 'file' ? `${seconds} s, read from the file (${length.codec ?? 'audio'})` : length.source === 'size' ? `${seconds} s, estimated from its size: the file could not be read as audio` : `${seconds} s, the default: the file could not be read as audio`;
        session.note(length.source === 'file' ? 'instruction' : 'warning', `audio ${url} plays for ${how}`, { url, durationMs: length.ms, lengthFrom: length.source });
        return length.ms;
      },

      async sendMessage(session, message) {
        const call = session.call;
        // LaML's <Sms> may leave out both ends: the far end, from the number this call uses (laml.md §6.1).
        const farEnd = call.direction === 'outbound' ? call.to : call.from;
        const ourEnd = call.direction === 'outbound' ? call.from : call.to;
        const isLaml = dialectOf(deps.dialects, call).name === 'laml';
        // Plivo's dst lists numbers as digits joined by `<`; LaML's `to` is one E.164 number, `+` kept.
        const to = (isLaml ? [e164Of(digitsOf(message.to || farEnd))] : splitDestinations(message.to || farEnd)).filter(isE164);
        if (to.length === 0) {
          session.note('warning', `<${message.source.element}> to "${message.to || farEnd}" has no E.164 number; nothing was sent`);
          return [];
        }
        // A LaML call's message is a LaML message: its statusCallback gets LaML's callbacks (laml.md §5.2).
        const laml = isLaml ? { laml: lamlMessageSettings('outbound-call') } : {};
        const callback = message.callback;
        const sent = await deps.messages.send({
          ...laml,
          accountId: call.accountId,
          from: message.from || ourEnd,
          to,
          text: message.text,
          type: message.type,
          url: callback?.url ?? null,
          method: callback?.method ?? 'POST',
          log: true,
        });
        return sent.map((m) => m.uuid);
      },

      async saveRecording(session, durationMs, format, described = {}) {
        const saved = await deps.recordings.save(durationMs, described.id);
        const now = session.now();
        const { source, channels, status = 'completed' } = described;
        const record: StoredRecording = {
          id: saved,
          accountId: session.call.accountId,
          callUuid: session.uuid,
          status,
          durationMs,
          startedAt: now - durationMs,
          updatedAt: now,
          ...(source ? { source } : {}),
          ...(channels ? { channels } : {}),
        };
        await deps.callbacks.commitChange({ resources: [{ type: RECORDING_RESOURCE, id: saved, accountId: record.accountId, state: record, updatedAt: now }], callbacks: [] });
        return { id: saved, url: dialectOf(deps.dialects, session.call).recordingUrl(deps.publicUrl(), deps.lamlAccountSid(session.call.accountId), saved, format) };
      },

      dial: (session, instruction) => dialTargets(engine, services, session, instruction),
      conference: (session, instruction) => conferences.join(session, instruction),
      enqueue: (session, instruction) => queues.enqueue(session, instruction),
      dequeue: (session, instruction) => queues.dequeue(session, instruction),
      queues: (accountId) => queues.list(accountId),
      conferences: (accountId) => conferences.list(accountId),
    };
    return services;
  };
}

/** The document given with the request: read as a fetched one would be, its failure named the same way. */
function readInline(session: CallSession, dialect: VoiceDialect, body: string): ReturnType<CallServices['fetchDocument']> {
  const read = dialect.readDocument(body, session.call.answerUrl.url, null);
  if (read.ok) {
    session.note('document', 'answer document given with the request', { role: 'answer', instructions: read.instructions.length });
    for (const warning of read.warnings) session.note('warning', warning);
    return Promise.resolve({ ok: true, document: { url: session.call.answerUrl.url, instructions: read.instructions } });
  }
  const failure: DocumentFailure = { url: session.call.answerUrl.url, deliveryId: '', outcome: { kind: 'rejected', status: 200, reason: read.reason, ...(read.code ? { code: read.code } : {}) } };
  const failed = dialect.documentFailure('answer', failure);
  noteFailure(session, 'answer', failure, 'answer document', failed.code);
  return Promise.resolve({ ok: false, hangup: failed.hangup });
}

/** One VoiceParams for every call: each request's parameters come from the call's own dialect. */
function dialectParams(dialects: VoiceDialects): VoiceParams {
  const of = (session: CallSession): VoiceParams => dialectOf(dialects, session.call).params;
  return {
    answer: (session) => of(session).answer(session),
    document: (session) => of(session).document(session),
    collect: (session, result, element) => of(session).collect(session, result, element),
    interimSpeech: (session, partial, sequence) => of(session).interimSpeech(session, partial, sequence),
    record: (session, recording, withDigits) => of(session).record(session, recording, withDigits),
    messageAction: (session, messageUuid) => of(session).messageAction(session, messageUuid),
    apiRecording: (session, recording, apiId) => of(session).apiRecording(session, recording, apiId),
    dialAction: (session, dial) => of(session).dialAction(session, dial),
    dialEvent: (session, event) => of(session).dialEvent(session, event),
    conferenceEvent: (session, event) => of(session).conferenceEvent(session, event),
    conferenceAction: (session, room, result) => of(session).conferenceAction(session, room, result),
    machineDetected: (session) => of(session).machineDetected(session),
    queue: (session, event) => of(session).queue(session, event),
  };
}

function noteFailure(session: CallSession, role: string, failure: DocumentFailure, label: string, code: string | null): void {
  const outcome = failure.outcome;
  const why = outcome.kind === 'rejected' && !outcome.code ? `invalid XML: ${outcome.reason}` : describeOutcome(outcome);
  const data: Record<string, unknown> = { url: failure.url, deliveryId: failure.deliveryId, role };
  if (code) data.errorCode = code;
  session.note('error', `${role === 'answer' ? label : `${role} URL`} ${failure.url} failed: ${why}${code ? ` (error ${code})` : ''}`, data);
}

function describeOutcome(outcome: DocumentFailure['outcome']): string {
  switch (outcome.kind) {
    case 'http-status':
      return `HTTP ${outcome.status}`;
    case 'response-too-large':
      return `invalid XML: the document is over ${outcome.limitBytes / 1024} KB, the most the carrier reads`;
    case 'rejected':
      return outcome.reason;
    case 'success':
      return `HTTP ${outcome.status}`;
    default:
      return `${outcome.kind}: ${outcome.detail}`;
  }
}

