import type { CallbackService } from '../../delivery/callback-service.js';
import type { DocumentFetcher, DocumentFailure } from '../../delivery/document-fetcher.js';
import { audioDurationMs, DEFAULT_AUDIO_MS } from '../../domain/call-far-end.js';
import { documentFailureCause } from '../../domain/hangup-causes.js';
import { isE164, splitDestinations } from '../../domain/phone-numbers.js';
import { readPlivoDocument, type PlivoDocument } from '../../xml/plivo-instructions.js';
import type { MessageService } from '../plivo/message-service.js';
import { CALL_RESOURCE, type CallEngine } from './call-engine.js';
import type { CallSession } from './call-session.js';
import { Conferences } from './conferences.js';
import { dialTargets } from './dialler.js';
import type { Recordings } from './recordings.js';
import type { CallServices, VoiceParams } from './verb.js';

export interface CallServicesDeps {
  readonly documents: DocumentFetcher;
  readonly callbacks: CallbackService;
  readonly messages: MessageService;
  readonly recordings: Recordings;
  readonly params: VoiceParams;
  /** Where this hookline is reached, for the RecordUrl it hands out. */
  readonly publicUrl: () => string;
}

/** What Plivo calls' runners use, over the delivery engine, the messaging engine and the recordings. */
export function plivoCallServices(deps: CallServicesDeps): (engine: CallEngine) => CallServices {
  return (engine) => {
    const conferences = new Conferences(engine, deps);
    const services: CallServices = {
      params: deps.params,

      async fetchDocument(session, role, target, params) {
        const call = session.call;
        let read: PlivoDocument | null = null;
        const fetched = await deps.documents.fetchDocument({
          accountId: call.accountId,
          dialect: 'plivo',
          profile: 'plivo-voice',
          target,
          params,
          fallback: role === 'answer' ? call.fallbackUrl : null,
          resource: `${CALL_RESOURCE}:${call.uuid}`,
          accept(body) {
            read = readPlivoDocument(body);
            return read.ok ? { ok: true } : { ok: false, reason: read.error.message };
          },
        });
        if (fetched.ok) {
          const document = read as PlivoDocument | null;
          if (!document?.ok) throw new Error(`the document from ${fetched.url} was accepted without being read`);
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
        noteFailure(session, role, fetched.target, 'answer URL');
        if (fetched.fallback) noteFailure(session, role, fetched.fallback, 'fallback URL');
        // A body over the 100 KB limit is a document Plivo refuses, not one it could not reach.
        const invalid = last.outcome.kind === 'rejected' || last.outcome.kind === 'response-too-large';
        return { ok: false, hangup: { code: documentFailureCause(role, invalid ? 'invalid' : 'unreachable'), source: 'Error' } };
      },

      async notify(session, target, params) {
        await deps.callbacks.enqueue(engine.notification(session.call, target, params));
        session.note('callback', `${params.Event ?? 'callback'} to ${target.url.split('#')[0]}`, { url: target.url, event: params.Event ?? null });
      },

      async audioDurationMs(session, url) {
        const fetched = await deps.documents.fetchDocument({
          accountId: session.call.accountId,
          dialect: 'plivo',
          profile: 'plivo-audio',
          target: { url, method: 'GET' },
          params: {},
          resource: `${CALL_RESOURCE}:${session.call.uuid}`,
        });
        if (!fetched.ok) {
          session.note('warning', `audio ${url} could not be fetched; it plays as ${DEFAULT_AUDIO_MS / 1000} s of silence`);
          return DEFAULT_AUDIO_MS;
        }
        return audioDurationMs(fetched.contentType, fetched.contentLength);
      },

      async sendMessage(session, message) {
        const to = splitDestinations(message.to).filter(isE164);
        if (to.length === 0) {
          session.note('warning', `<Message> dst "${message.to}" has no E.164 number; nothing was sent`);
          return [];
        }
        const sent = await deps.messages.send({
          accountId: session.call.accountId,
          from: message.from,
          to,
          text: message.text,
          type: message.type,
          url: message.callback?.url ?? null,
          method: message.callback?.method ?? 'POST',
          log: true,
        });
        return sent.map((m) => m.uuid);
      },

      async saveRecording(_session, durationMs, _format, id) {
        const saved = await deps.recordings.save(durationMs, id);
        return { id: saved, url: `${deps.publicUrl()}/media/recordings/${saved}.wav` };
      },

      dial: (session, instruction) => dialTargets(engine, services, session, instruction),
      conference: (session, instruction) => conferences.join(session, instruction),
    };
    return services;
  };
}

function noteFailure(session: CallSession, role: string, failure: DocumentFailure, label: string): void {
  const outcome = failure.outcome;
  const why = outcome.kind === 'rejected' ? `invalid XML: ${outcome.reason}` : describeOutcome(outcome);
  session.note('error', `${role === 'answer' ? label : `${role} URL`} ${failure.url} failed: ${why}`, { url: failure.url, deliveryId: failure.deliveryId, role });
}

function describeOutcome(outcome: DocumentFailure['outcome']): string {
  switch (outcome.kind) {
    case 'http-status':
      return `HTTP ${outcome.status}`;
    case 'response-too-large':
      return `invalid XML: the document is over ${outcome.limitBytes / 1024} KB, the most Plivo reads`;
    case 'rejected':
      return outcome.reason;
    case 'success':
      return `HTTP ${outcome.status}`;
    default:
      return `${outcome.kind}: ${outcome.detail}`;
  }
}

