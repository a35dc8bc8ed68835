import { request } from 'undici';
import { describeNetworkError } from './control-client.js';
import { CliError } from './result.js';

export interface SseMessage {
  readonly event: string;
  readonly data: string;
  readonly id: string | null;
}

export interface FollowOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  onMessage(message: SseMessage): void;
  onOpen?(reconnected: boolean): void;
  onDrop?(reason: string, retryInMs: number): void;
  /** Wait before reconnecting, until the server's `retry:` says otherwise. */
  readonly retryMs?: number;
}

/**
 * Follows a server-sent event stream until `signal` aborts, reconnecting whenever the connection
 * drops (a restarted server, a network blip) and sending `Last-Event-ID` when the server gave ids.
 * A 4xx answer is not retried: a wrong token or URL will not fix itself, so it rejects with the reason.
 */
export async function followEventStream(options: FollowOptions): Promise<void> {
  const parser = new SseParser(options.onMessage);
  let retryMs = options.retryMs ?? 1000;
  parser.onRetry = (ms) => (retryMs = options.retryMs ?? ms);
  let connectedBefore = false;
  while (!options.signal.aborted) {
    let reason: string;
    try {
      reason = await readOnce(options, parser, () => {
        options.onOpen?.(connectedBefore);
        connectedBefore = true;
      });
    } catch (error) {
      if (options.signal.aborted) return;
      if (error instanceof CliError) throw error;
      reason = describeNetworkError(error);
    }
    if (options.signal.aborted) return;
    options.onDrop?.(reason, retryMs);
    await sleep(retryMs, options.signal);
  }
}

/** One connection: resolves with why it ended. */
async function readOnce(options: FollowOptions, parser: SseParser, opened: () => void): Promise<string> {
  const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
  if (parser.lastEventId !== null) headers['last-event-id'] = parser.lastEventId;
  // No body timeout: a quiet stream is healthy (the server sends heartbeats, but need not).
  const response = await request(options.url, { headers, signal: options.signal, bodyTimeout: 0 });
  if (response.statusCode !== 200) {
    const text = await response.body.text().catch(() => '');
    if (response.statusCode >= 400 && response.statusCode < 500) {
      throw new CliError(`${options.url} answered ${response.statusCode}: ${errorText(text)}`);
    }
    return `HTTP ${response.statusCode}`;
  }
  opened();
  parser.reset();
  const decoder = new TextDecoder();
  for await (const chunk of response.body) parser.push(decoder.decode(chunk as Buffer, { stream: true }));
  return 'the server closed the stream';
}

function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string; fix?: string } };
    if (parsed.error?.message) return parsed.error.fix ? `${parsed.error.message} (${parsed.error.fix})` : parsed.error.message;
  } catch {
    // Not the control API's error shape.
  }
  return body.slice(0, 200) || 'no body';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** The text/event-stream format (WHATWG HTML §9.2.6), fed in arbitrary chunks. */
export class SseParser {
  lastEventId: string | null = null;
  onRetry: (ms: number) => void = () => undefined;
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private pendingCarriageReturn = false;

  constructor(private readonly deliver: (message: SseMessage) => void) {}

  /** Drops a half-received event, as a new connection starts clean. */
  reset(): void {
    this.buffer = '';
    this.event = '';
    this.data = [];
    this.pendingCarriageReturn = false;
  }

  push(text: string): void {
    let input = text;
    // A CRLF split across chunks: the LF belongs to the line the CR already ended.
    if (this.pendingCarriageReturn && input.startsWith('\n')) input = input.slice(1);
    this.pendingCarriageReturn = false;
    this.buffer += input;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const char = this.buffer[i];
      if (char !== '\n' && char !== '\r') continue;
      this.line(this.buffer.slice(start, i));
      if (char === '\r') {
        if (i + 1 === this.buffer.length) this.pendingCarriageReturn = true;
        else if (this.buffer[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.onRetry(Number(value));
  }

  private dispatch(): void {
    if (this.data.length > 0) {
      this.deliver({ event: this.event || 'message', data: this.data.join('\n'), id: this.lastEventId });
    }
    this.event = '';
    this.data = [];
  }
}
