import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  /** Path and query as requested. */
  readonly url: string;
  /** `http://127.0.0.1:PORT` + path and query: what a receiver passes to signature validators. */
  readonly fullUrl: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Form body (POST) or query (GET) as a plain object. */
  readonly params: Record<string, string>;
  readonly receivedAtWall: number;
}

export interface Reply {
  readonly status?: number;
  /** Text, or bytes as they are (audio). */
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
  /** Wall-clock wait before answering. */
  readonly delayMs?: number;
}

export type Responder = (request: ReceivedRequest, index: number) => Reply | Promise<Reply>;

/** A real HTTP receiver on 127.0.0.1 that records every request, for tests to assert on. */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private server: Server | null = null;
  private port = 0;
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(private responder: Responder = () => ({ status: 200 })) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 10_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  respondWith(responder: Responder): void {
    this.responder = responder;
  }

  /** Resolves once `count` requests have arrived in total. */
  waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`receiver saw ${this.requests.length} of ${count} requests`)), timeoutMs);
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = req.url ?? '/';
    const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
    const params = Object.fromEntries(new URLSearchParams(req.method === 'GET' ? query : body));
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
    const request: ReceivedRequest = {
      method: req.method ?? 'GET',
      url,
      fullUrl: `${this.origin}${url}`,
      headers,
      body,
      params,
      receivedAtWall: Date.now(),
    };
    const index = this.requests.length;
    this.requests.push(request);
    this.waiters = this.waiters.filter((w) => {
      if (this.requests.length < w.count) return true;
      w.resolve();
      return false;
    });
    const reply = await this.responder(request, index);
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs).unref());
    if (res.destroyed) return;
    res.writeHead(reply.status ?? 200, reply.headers ?? {});
    res.end(reply.body ?? '');
  }
}
