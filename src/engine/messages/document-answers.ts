import type { Logger } from 'pino';
import type { DocumentFetcher, DocumentResult } from '../../delivery/document-fetcher.js';
import type { CallbackParams } from '../../domain/callback.js';
import type { UrlTarget } from '../../domain/instructions.js';
import type { PlivoMessage } from '../../domain/plivo-message.js';
import type { MessageDialect, OutgoingReply, ReadReply, ReplyStep } from './message-dialect.js';

/**
 * Documents one inbound message may lead to (its SmsUrl or fallback, then every `<Redirect>` and
 * `<Message action>`): a loop of redirects between two documents stops here instead of running forever.
 */
export const MAX_DOCUMENTS_PER_MESSAGE = 10;

export interface DocumentAnswersDeps {
  readonly documents: Pick<DocumentFetcher, 'fetchDocument'>;
  readonly logger: Logger;
  /** Sends one message the answer asks for; null when it cannot be sent (a `to` that is not E.164). */
  send(inbound: PlivoMessage, reply: OutgoingReply): Promise<PlivoMessage | null>;
}

/**
 * The app's answers to one inbound message, asked for as documents (LaML: laml.md §2.4, §5.3): the
 * message URL at once, its fallback when it fails (with the dialect's `ErrorCode`/`ErrorUrl`), then
 * each document the answer hands over to: a `<Redirect>` (asked with the inbound message's params, as
 * the message URL was) or a `<Message action>` (asked, once the message is on its way, with the sent
 * message's params and status). The messages are sent as the steps come. Resolves whether the first
 * document (message URL or fallback) answered with a runnable document.
 */
export async function runDocumentAnswers(
  deps: DocumentAnswersDeps,
  dialect: MessageDialect,
  inbound: PlivoMessage,
  first: { readonly target: UrlTarget; readonly fallback: UrlTarget | null },
): Promise<boolean> {
  const log = deps.logger.child({ messageUuid: inbound.uuid });
  let reply: ReadReply | null = null;
  const fetch = (target: UrlTarget, params: CallbackParams, fallback: UrlTarget | null): Promise<DocumentResult> =>
    deps.documents.fetchDocument({
      accountId: inbound.accountId,
      dialect: dialect.signing,
      profile: dialect.inboundProfile,
      target,
      params,
      fallback,
      fallbackParams: (failure) => dialect.fallbackParams(failure),
      resource: `message:${inbound.uuid}`,
      accept(body, contentType, url) {
        reply = dialect.readReply(body, contentType, inbound, url);
        return reply.ok ? { ok: true } : reply;
      },
    });

  let fetched = await fetch(first.target, dialect.inboundParams(inbound), first.fallback);
  const answered = fetched.ok;
  for (let documents = 1; ; documents++) {
    if (!fetched.ok) {
      const failure = fetched.fallback ?? fetched.target;
      log.warn({ url: failure.url, outcome: failure.outcome, ...dialect.fallbackParams(failure) }, 'the app gave no document to answer an inbound message with; nothing more is sent');
      return answered;
    }
    const read = reply as ReadReply | null;
    if (!read?.ok) throw new Error(`the document from ${fetched.url} was accepted without being read`);
    for (const warning of read.warnings) log.warn({ url: fetched.url }, warning);
    const next = await runSteps(deps, dialect, inbound, read.steps);
    if (!next) return answered;
    if (documents >= MAX_DOCUMENTS_PER_MESSAGE) {
      log.warn({ url: next.target.url }, `the answer to an inbound message went through ${MAX_DOCUMENTS_PER_MESSAGE} documents; the next one is not asked for`);
      return answered;
    }
    fetched = await fetch(next.target, next.params, null);
  }
}

/** Sends the document's messages in order; the document control passes to next, if any. */
async function runSteps(
  deps: DocumentAnswersDeps,
  dialect: MessageDialect,
  inbound: PlivoMessage,
  steps: readonly ReplyStep[],
): Promise<{ readonly target: UrlTarget; readonly params: CallbackParams } | null> {
  for (const step of steps) {
    if (step.kind === 'redirect') return { target: step.target, params: dialect.inboundParams(inbound) };
    const sent = await deps.send(inbound, step.message);
    if (step.action) return { target: step.action, params: dialect.actionParams(sent, inbound) };
  }
  return null;
}
