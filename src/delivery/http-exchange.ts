import type { IncomingHttpHeaders } from 'node:http';
import { errors, type Dispatcher } from 'undici';
import type { RecordedResponse } from '../domain/delivery.js';
import type { AttemptOutcome } from '../domain/outcome.js';
import { outcomeOfFailure } from './failure-outcome.js';
import { isFollowedRedirect, nextHop, type Hop } from './redirects.js';
import { ResponseBody, textUpTo } from './response-body.js';
import type { OutboundRequest, SendLimits, SendResult } from './sender.js';
import type { SsrfGuard } from './ssrf-guard.js';

/** What an exchange needs from its sender. */
export interface ExchangeDeps {
  readonly ssrf: SsrfGuard;
  /** Asked again for every hop, so a hop never lands on an agent the sender has retired. */
  agentFor(limits: SendLimits): Dispatcher;
}

/** Why an exchange aborted its own request; the outcome is already decided when it is raised. */
class ExchangeAborted extends Error {
  readonly code = 'ERR_HOOKLINE_ATTEMPT_ENDED';
}

const NO_REDIRECTS: readonly string[] = Object.freeze([]);

/**
 * One attempt on the wire: the first request and every redirect hop, read and classified into one
 * outcome. It is its own undici dispatch handler (the raw `dispatch` API: no response stream, no
 * promise per hop), and it settles exactly once, by the first of: the response completing, an error,
 * the body passing the size limit, or the total budget running out.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  private readonly startedAt = performance.now();
  private hop: Hop;
  private redirects: string[] | null = null;
  private controller: Dispatcher.DispatchController | null = null;
  private budgetTimer: NodeJS.Timeout | null = null;
  /** rt: from sending the request to the headers, then the longest gap between body chunks. */
  private readTimer: NodeJS.Timeout | null = null;
  private settled = false;
  // The response of the current hop.
  private status: number | null = null;
  private headers: Record<string, string> | null = null;
  private readonly body = new ResponseBody();
  private following = false;
  /** The body passed maxResponseBytes and was left unread from there (oversizeBody `truncate`). */
  private cutShort = false;

  constructor(
    private readonly deps: ExchangeDeps,
    private readonly request: OutboundRequest,
    private readonly limits: SendLimits,
    private readonly resolve: (result: SendResult) => void,
    url: URL,
  ) {
    this.hop = { method: request.method, url, headers: request.headers, body: request.body };
  }

  start(): void {
    if (Number.isFinite(this.limits.totalTimeoutMs)) {
      this.budgetTimer = setTimeout(onBudgetSpent, Math.max(1, this.limits.totalTimeoutMs), this);
    }
    this.send();
  }

  private send(): void {
    const { url, method, body } = this.hop;
    const refusal = this.deps.ssrf.checkUrl(url);
    if (refusal !== null) return this.finish({ kind: 'refused', detail: refusal });
    this.controller = null;
    this.status = null;
    this.headers = null;
    this.body.reset();
    this.following = false;
    try {
      this.deps.agentFor(this.limits).dispatch(
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method,
          headers: url.username === '' ? this.hop.headers : withBasicAuth(this.hop.headers, url),
          body,
          // rt is kept by this exchange's own timer: undici's tick about every half second, too coarse for rt.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        this,
      );
    } catch (error) {
      // The sender is closed (shutdown racing an attempt): an outcome like any other, never a throw.
      this.onResponseError(undefined, error instanceof Error ? error : new Error(String(error)));
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // The budget may have run out while the request waited for a connection.
    if (this.settled) return controller.abort(new ExchangeAborted('attempt already ended'));
    this.controller = controller;
    this.restartReadTimer();
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    if (this.settled) return;
    this.restartReadTimer();
    this.status = status;
    this.headers = flatten(headers);
    const location = this.headers['location'];
    this.following = this.limits.maxRedirects > 0 && isFollowedRedirect(status) && location !== undefined;
    const declared = Number(this.headers['content-length']);
    // A declared length over the limit is refused before a byte of the body is read (a truncated one
    // is read up to the limit, for the log).
    if (declared > this.limits.maxResponseBytes && !this.truncates()) this.tooLarge(controller);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    this.restartReadTimer();
    const room = this.limits.maxResponseBytes - this.body.size;
    if (chunk.length > room && this.truncates()) {
      this.body.add(chunk.subarray(0, room));
      this.cutShort = true;
      return this.endCutShort(controller);
    }
    if (chunk.length > room) return this.tooLarge(controller);
    // A redirect's body is drained so its socket can be reused, but never kept.
    if (this.following) this.body.skip(chunk);
    else this.body.add(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    const status = this.status ?? 0;
    this.stopReadTimer();
    if (!this.following) return this.finish(byStatus(status));
    this.followRedirect(status, this.headers?.['location'] ?? '');
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.settled) return;
    this.finish(
      outcomeOfFailure(error, {
        target: this.hop.url.host,
        status: this.status,
        bodyBytes: this.body.size,
        contentLength: this.headers?.['content-length'],
        connectTimeoutMs: this.limits.connectTimeoutMs,
        readTimeoutMs: this.limits.readTimeoutMs,
      }),
    );
  }

  /** Called by the read timer: nothing arrived for rt. */
  readTimedOut(): void {
    if (this.settled) return;
    const error = this.status === null ? new errors.HeadersTimeoutError() : new errors.BodyTimeoutError();
    this.onResponseError(undefined, error);
    this.controller?.abort(error);
  }

  /** Called by the budget timer. Once headers have arrived the response has started: see partial-response. */
  budgetSpent(): void {
    if (this.settled) return;
    const { totalTimeoutMs } = this.limits;
    const outcome: AttemptOutcome =
      this.status === null
        ? { kind: 'total-timeout', detail: `no response from ${this.hop.url.host} within the total budget of ${totalTimeoutMs} ms` }
        : {
            kind: 'partial-response',
            status: this.status,
            detail: `total budget of ${totalTimeoutMs} ms ran out after ${this.body.size} body bytes from ${this.hop.url.host}`,
          };
    this.finish(outcome);
    this.controller?.abort(new ExchangeAborted('total budget spent'));
  }

  private followRedirect(status: number, location: string): void {
    const redirects = (this.redirects ??= []);
    if (redirects.length >= this.limits.maxRedirects) {
      return this.finish({
        kind: 'too-many-redirects',
        status,
        detail: `${this.hop.url.href} redirects again after ${redirects.length} redirect${redirects.length === 1 ? '' : 's'} (limit ${this.limits.maxRedirects})`,
      });
    }
    const next = nextHop(this.hop, status, location);
    if ('invalid' in next) return this.finish({ kind: 'http-status', status });
    redirects.push(next.url.href);
    this.hop = next;
    this.send();
  }

  /** A body past the limit is truncated rather than refused: only a final response, not a redirect's. */
  private truncates(): boolean {
    return this.limits.oversizeBody === 'truncate' && !this.following;
  }

  /** The rest of the body is never read (the connection cannot be reused); the status decides. */
  private endCutShort(controller: Dispatcher.DispatchController): void {
    this.finish(byStatus(this.status ?? 0));
    controller.abort(new ExchangeAborted('body past the limit, left unread'));
  }

  private tooLarge(controller: Dispatcher.DispatchController): void {
    this.finish({ kind: 'response-too-large', status: this.status ?? 0, limitBytes: this.limits.maxResponseBytes });
    // Stop reading: the rest of the body is never downloaded, so the connection cannot be reused.
    controller.abort(new ExchangeAborted('response too large'));
  }

  private restartReadTimer(): void {
    if (this.readTimer === null) this.readTimer = setTimeout(onReadTimeout, this.limits.readTimeoutMs, this);
    else this.readTimer.refresh();
  }

  private stopReadTimer(): void {
    if (this.readTimer === null) return;
    clearTimeout(this.readTimer);
    this.readTimer = null;
  }

  private finish(outcome: AttemptOutcome): void {
    this.settled = true;
    if (this.budgetTimer !== null) clearTimeout(this.budgetTimer);
    this.stopReadTimer();
    const complete = outcome.kind === 'success' || outcome.kind === 'http-status';
    const bytes = this.status === null ? null : this.body.bytes();
    const text = complete && bytes !== null ? bytes.toString('utf8') : null;
    const status = this.status;
    this.resolve({
      request: this.request,
      response: status === null || bytes === null ? null : this.recorded(status, bytes, text),
      body: text,
      bodyBytes: complete ? bytes : null,
      outcome,
      durationMs: performance.now() - this.startedAt,
      retryAfter: (status === 429 || status === 503) && this.headers ? (this.headers['retry-after'] ?? null) : null,
      redirects: this.redirects ?? NO_REDIRECTS,
    });
  }

  private recorded(status: number, bytes: Buffer, text: string | null): RecordedResponse {
    const headers = this.headers ?? {};
    if (text !== null && bytes.length <= this.limits.recordBodyBytes && !this.cutShort) return { status, headers, body: text, bodyTruncated: false };
    const cut = textUpTo(bytes, this.limits.recordBodyBytes);
    return { status, headers, body: cut.text, bodyTruncated: cut.truncated || this.cutShort };
  }
}

/** A response read to its end (or as far as it is read): a 2xx succeeds, anything else is its status. */
function byStatus(status: number): AttemptOutcome {
  return status >= 200 && status < 300 ? { kind: 'success', status } : { kind: 'http-status', status };
}

function onBudgetSpent(exchange: Exchange): void {
  exchange.budgetSpent();
}

function onReadTimeout(exchange: Exchange): void {
  exchange.readTimedOut();
}

/** Response headers as one lowercase record; repeated headers joined with ', ' (RFC 9110 §5.3). */
function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const flat = headers as Record<string, string | string[] | undefined>;
  for (const name in flat) {
    const value = flat[name];
    if (Array.isArray(value)) flat[name] = value.join(', ');
  }
  return flat as Record<string, string>;
}

/** `https://user:pass@host/…`: the credentials travel as HTTP Basic auth (laml.md §2.1), never in the request line. */
function withBasicAuth(headers: Readonly<Record<string, string>>, url: URL): Readonly<Record<string, string>> {
  for (const name in headers) if (name.toLowerCase() === 'authorization') return headers;
  const credentials = `${percentDecoded(url.username)}:${percentDecoded(url.password)}`;
  return { ...headers, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/** URL userinfo is percent-encoded; a malformed escape is sent as written rather than failing the attempt. */
function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
