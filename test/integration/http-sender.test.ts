import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpSender } from '../../src/delivery/http-sender.js';
import type { OutboundRequest, SendLimits } from '../../src/delivery/sender.js';
import { SsrfGuard } from '../../src/delivery/ssrf-guard.js';
import { Receiver } from '../support/receiver.js';

const LIMITS: SendLimits = {
  connectTimeoutMs: 2000,
  readTimeoutMs: 2000,
  totalTimeoutMs: 10_000,
  maxRedirects: 0,
  maxResponseBytes: 1024 * 1024,
  recordBodyBytes: 64 * 1024,
  oversizeBody: 'refuse',
};

const FORM = 'application/x-www-form-urlencoded';

function post(url: string, body = 'CallUUID=abc&Digits=1%202', headers: Record<string, string> = {}): OutboundRequest {
  return { method: 'POST', url, headers: { 'content-type': FORM, 'x-hookline-attempt': '1', ...headers }, body };
}

function get(url: string): OutboundRequest {
  return { method: 'GET', url, headers: { 'x-hookline-attempt': '1' }, body: null };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function sender(ssrf = new SsrfGuard('dev')): HttpSender {
  const s = new HttpSender({ ssrf, connectionsPerOrigin: 4 });
  cleanups.push(() => s.close());
  return s;
}

async function receiver(responder?: ConstructorParameters<typeof Receiver>[0]): Promise<Receiver> {
  const r = await new Receiver(responder).start();
  cleanups.push(() => r.stop());
  return r;
}

/** A plain HTTP server on a chosen loopback address, for hosts other than 127.0.0.1. */
async function httpServer(host: string, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ origin: string; hits: () => number }> {
  let hits = 0;
  const server = createHttpServer((req, res) => {
    hits++;
    handler(req, res);
  });
  server.listen(0, host);
  await once(server, 'listening');
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { origin: `http://${host}:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

interface RawServer {
  readonly origin: string;
  /** TCP connections accepted so far. */
  connections: number;
}

/** A TCP server that speaks whatever HTTP (or nothing) the test writes by hand. */
async function rawServer(onSocket: (socket: Socket) => void): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const state = { origin: '', connections: 0 };
  const server: Server = createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return state;
}

/** Reads one request (head and Content-Length body) off a raw socket. */
function readRequest(socket: Socket): Promise<{ head: string; body: string }> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buffered.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      socket.off('data', onData);
      resolve({ head, body: buffered.subarray(end + 4, end + 4 + length).toString('utf8') });
    };
    socket.on('data', onData);
  });
}

async function unusedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('HttpSender: complete responses', () => {
  it('sends the request bytes exactly as given and reports a 2xx as success', async () => {
    let received: { head: string; body: string } | null = null;
    const server = await rawServer((socket) => {
      void readRequest(socket).then((request) => {
        received = request;
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 21\r\n\r\n<Response></Response>');
      });
    });

    const result = await sender().send(post(`${server.origin}/answer?tenant=7`, 'CallUUID=abc&Digits=1%202', { 'X-Plivo-Signature-V3': 'sig=' }), LIMITS);

    expect(result.outcome).toEqual({ kind: 'success', status: 200 });
    const { head, body } = received as unknown as { head: string; body: string };
    const [requestLine, ...headerLines] = head.split('\r\n');
    expect(requestLine).toBe('POST /answer?tenant=7 HTTP/1.1');
    expect(headerLines).toEqual(
      expect.arrayContaining([
        `host: ${server.origin.slice('http://'.length)}`,
        'content-type: application/x-www-form-urlencoded',
        'x-hookline-attempt: 1',
        'X-Plivo-Signature-V3: sig=',
        'content-length: 25',
      ]),
    );
    expect(body).toBe('CallUUID=abc&Digits=1%202');
    expect(result.body).toBe('<Response></Response>');
    expect(result.response).toEqual({
      status: 200,
      headers: { 'content-type': 'text/xml', 'content-length': '21' },
      body: '<Response></Response>',
      bodyTruncated: false,
    });
    expect(result.request).toEqual(post(`${server.origin}/answer?tenant=7`, 'CallUUID=abc&Digits=1%202', { 'X-Plivo-Signature-V3': 'sig=' }));
    expect(result.redirects).toEqual([]);
    expect(result.retryAfter).toBeNull();
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('reports a 500 as http-status and keeps its body in the record', async () => {
    const sink = await receiver(() => ({ status: 500, body: 'boom' }));
    const result = await sender().send(post(sink.url('/status')), LIMITS);
    expect(result.outcome).toEqual({ kind: 'http-status', status: 500 });
    expect(result.response?.body).toBe('boom');
    expect(sink.requests).toHaveLength(1);
  });

  it('keeps the whole body up to maxResponseBytes but records only recordBodyBytes', async () => {
    const xml = `<Response>${'<Speak>é</Speak>'.repeat(100)}</Response>`;
    const sink = await receiver(() => ({ status: 200, body: xml }));
    const result = await sender().send(get(sink.url('/doc')), { ...LIMITS, recordBodyBytes: 18 });
    expect(result.body).toBe(xml);
    // 18 bytes would split the two-byte é at offset 17: the record stops before it.
    expect(result.response?.body).toBe('<Response><Speak>');
    expect(result.response?.bodyTruncated).toBe(true);
  });

  it('joins repeated response headers with a comma under lowercase names', async () => {
    const server = await rawServer((socket) => {
      void readRequest(socket).then(() =>
        socket.write('HTTP/1.1 204 No Content\r\nSet-Cookie: a=1\r\nX-Trace: t\r\nSet-Cookie: b=2\r\n\r\n'),
      );
    });
    const result = await sender().send(get(`${server.origin}/`), LIMITS);
    expect(result.outcome).toEqual({ kind: 'success', status: 204 });
    expect(result.response?.headers).toEqual({ 'set-cookie': 'a=1, b=2', 'x-trace': 't' });
  });

  it('captures Retry-After on a 429 and ignores it on other statuses', async () => {
    const sink = await receiver((_request, index) =>
      index === 0 ? { status: 429, headers: { 'Retry-After': '120' } } : { status: 500, headers: { 'Retry-After': '5' } },
    );
    const s = sender();
    const limited = await s.send(post(sink.url('/status')), LIMITS);
    const failed = await s.send(post(sink.url('/status')), LIMITS);
    expect(limited.outcome).toEqual({ kind: 'http-status', status: 429 });
    expect(limited.retryAfter).toBe('120');
    expect(failed.retryAfter).toBeNull();
  });

  it('reuses keep-alive connections for consecutive attempts to an origin', async () => {
    const server = await rawServer((socket) => {
      const answer = (): void => {
        void readRequest(socket).then(() => {
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nKeep-Alive: timeout=10\r\n\r\nhello');
          answer();
        });
      };
      answer();
    });
    const s = sender();
    for (let i = 0; i < 6; i++) {
      const result = await s.send(post(`${server.origin}/status`), LIMITS);
      expect(result.outcome.kind).toBe('success');
    }
    // undici hands a socket back one event-loop turn after a response ends, so an attempt sent at once
    // opens a second one; from then on the two alternate. A body left unread would cost one per attempt.
    expect(server.connections).toBeLessThanOrEqual(2);
  });

  it('keeps attempts whose budget is shorter than ct on the same warm connections', async () => {
    const server = await rawServer((socket) => {
      const answer = (): void => {
        void readRequest(socket).then(() => {
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
          answer();
        });
      };
      answer();
    });
    const s = sender();
    // What the document fetcher sends near the end of tt: ct and tt both cut to the time left.
    for (const left of [1900.25, 1500.5, 1200.75, 900.125, 600.5, 300.25]) {
      const result = await s.send(post(`${server.origin}/answer`), { ...LIMITS, connectTimeoutMs: left, totalTimeoutMs: left });
      expect(result.outcome.kind).toBe('success');
    }
    expect(server.connections).toBeLessThanOrEqual(2);
  });

  it('sends credentials in the URL as HTTP Basic auth', async () => {
    const sink = await receiver();
    await sender().send(post(sink.url('/answer').replace('http://', 'http://acme:p%40ss@')), LIMITS);
    expect(sink.requests[0]?.headers['authorization']).toBe(`Basic ${Buffer.from('acme:p@ss').toString('base64')}`);
    expect(sink.requests[0]?.url).toBe('/answer');
  });

  it('answers an attempt made after close with an outcome instead of throwing', async () => {
    const sink = await receiver();
    const s = new HttpSender({ ssrf: new SsrfGuard('dev'), connectionsPerOrigin: 1 });
    await s.close();
    const result = await s.send(post(sink.url('/status')), LIMITS);
    expect(result.outcome).toMatchObject({ kind: 'connect-failed', detail: expect.stringContaining('the HTTP sender is closed') });
    expect(sink.requests).toHaveLength(0);
  });

  it('refuses a URL that does not parse, sending nothing', async () => {
    const result = await sender().send(post('http://exa mple.com/'), LIMITS);
    expect(result.outcome).toEqual({ kind: 'refused', detail: '"http://exa mple.com/" is not a valid URL' });
    expect(result.response).toBeNull();
  });
});

describe('HttpSender: failures before a response', () => {
  it('reports a refused port as connect-failed', async () => {
    const port = await unusedPort();
    const result = await sender().send(post(`http://127.0.0.1:${port}/answer`), LIMITS);
    expect(result.outcome).toEqual({ kind: 'connect-failed', detail: `connection refused by 127.0.0.1:${port} (ECONNREFUSED)` });
    expect(result.response).toBeNull();
    expect(result.body).toBeNull();
  });

  it('reports a connection closed before any response as connect-failed', async () => {
    const server = await rawServer((socket) => void readRequest(socket).then(() => socket.end()));
    const result = await sender().send(post(`${server.origin}/answer`), LIMITS);
    expect(result.outcome.kind).toBe('connect-failed');
  });

  it('reports a server that accepts the connection but never answers as read-timeout after rt', async () => {
    const server = await rawServer(() => undefined);
    const result = await sender().send(post(`${server.origin}/answer`), { ...LIMITS, readTimeoutMs: 200 });
    expect(result.outcome).toEqual({
      kind: 'read-timeout',
      detail: `no response from ${server.origin.slice(7)} within 200 ms of sending the request`,
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(190);
    expect(result.durationMs).toBeLessThan(2000);
  });

  it('reports a connection that cannot be made within ct as connect-timeout', async () => {
    // A real connect timeout on loopback: a listener whose process never accepts fills its kernel
    // accept queue, after which the kernel drops SYNs and the client's connect hangs.
    const { port, child } = await saturatedListener();
    cleanups.push(() => void child.kill());
    const fillers = await fillAcceptQueue(port);
    cleanups.push(() => fillers.forEach((s) => s.destroy()));

    const result = await sender().send(post(`http://127.0.0.1:${port}/answer`), { ...LIMITS, connectTimeoutMs: 200 });

    expect(result.outcome).toEqual({ kind: 'connect-timeout', detail: `no connection to 127.0.0.1:${port} within 200 ms` });
    expect(result.durationMs).toBeGreaterThanOrEqual(190);
    expect(result.durationMs).toBeLessThan(2000);
  });

  it('honours each attempt\'s own connect timeout', async () => {
    const { port, child } = await saturatedListener();
    cleanups.push(() => void child.kill());
    const fillers = await fillAcceptQueue(port);
    cleanups.push(() => fillers.forEach((s) => s.destroy()));
    const s = sender();

    const short = await s.send(post(`http://127.0.0.1:${port}/a`), { ...LIMITS, connectTimeoutMs: 100 });
    const longer = await s.send(post(`http://127.0.0.1:${port}/a`), { ...LIMITS, connectTimeoutMs: 600 });

    expect(short.outcome.kind).toBe('connect-timeout');
    expect(longer.outcome.kind).toBe('connect-timeout');
    expect(short.durationMs).toBeLessThan(400);
    expect(longer.durationMs).toBeGreaterThanOrEqual(590);
  });

  it('reports the total budget running out before any response as total-timeout', async () => {
    const server = await rawServer(() => undefined);
    const result = await sender().send(post(`${server.origin}/answer`), { ...LIMITS, readTimeoutMs: 5000, totalTimeoutMs: 250 });
    expect(result.outcome.kind).toBe('total-timeout');
    expect(result.durationMs).toBeGreaterThanOrEqual(240);
    expect(result.durationMs).toBeLessThan(2000);
  });
});

describe('HttpSender: responses that start but do not complete', () => {
  it('reports headers followed by a stalled body as partial-response after rt', async () => {
    const server = await rawServer((socket) => {
      void readRequest(socket).then(() => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<Response>'));
    });
    const result = await sender().send(get(`${server.origin}/doc`), { ...LIMITS, readTimeoutMs: 200 });
    expect(result.outcome).toEqual({
      kind: 'partial-response',
      status: 200,
      detail: `response body from ${server.origin.slice(7)} stalled for more than 200 ms after 10 of 100 body bytes`,
    });
    expect(result.response?.body).toBe('<Response>');
    expect(result.body).toBeNull();
    expect(result.durationMs).toBeLessThan(2000);
  });

  it('reports a body shorter than its Content-Length, then a close, as partial-response', async () => {
    const server = await rawServer((socket) => {
      void readRequest(socket).then(() => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n<Response>'));
    });
    const result = await sender().send(get(`${server.origin}/doc`), LIMITS);
    expect(result.outcome.kind).toBe('partial-response');
    expect(result.outcome).toMatchObject({ status: 200, detail: expect.stringContaining('10 of 500 body bytes') });
  });

  it('reports the total budget running out mid-body as partial-response, since the response had started', async () => {
    const server = await rawServer((socket) => {
      void readRequest(socket).then(() => {
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
        const drip = setInterval(() => socket.write('1\r\na\r\n'), 50);
        socket.on('close', () => clearInterval(drip));
      });
    });
    const result = await sender().send(get(`${server.origin}/doc`), { ...LIMITS, readTimeoutMs: 1000, totalTimeoutMs: 300 });
    expect(result.outcome).toMatchObject({ kind: 'partial-response', status: 200, detail: expect.stringContaining('total budget of 300 ms') });
  });

  /** A 200 whose chunked body never ends while the reader stays: how many bytes it wrote says when the reader hung up. */
  async function endlessBody(letter: string): Promise<{ origin: string; bytesWritten: () => number }> {
    let written = 0;
    const server = await rawServer((socket) => {
      void readRequest(socket).then(() => {
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
        const chunk = `4000\r\n${letter.repeat(0x4000)}\r\n`;
        const pump = (): void => {
          // Endless unless the reader hangs up; bounded by the test in case it never does.
          while (!socket.destroyed && written < 64 * 1024 * 1024) {
            written += 0x4000;
            if (!socket.write(chunk)) return void socket.once('drain', pump);
          }
        };
        pump();
      });
    });
    return { origin: server.origin, bytesWritten: () => written };
  }

  it('stops reading a body past maxResponseBytes and reports response-too-large', async () => {
    const server = await endlessBody('x');
    const result = await sender().send(get(`${server.origin}/doc`), { ...LIMITS, maxResponseBytes: 100_000, recordBodyBytes: 10 });
    expect(result.outcome).toEqual({ kind: 'response-too-large', status: 200, limitBytes: 100_000 });
    expect(result.response?.body).toBe('xxxxxxxxxx');
    expect(result.body).toBeNull();
    expect(server.bytesWritten()).toBeLessThan(64 * 1024 * 1024);
  });

  it('judges a notification by its status when its body passes maxResponseBytes, logging the body cut short and reading no further', async () => {
    const server = await endlessBody('z');
    const result = await sender().send(post(`${server.origin}/status`), { ...LIMITS, maxResponseBytes: 100_000, recordBodyBytes: 100_000, oversizeBody: 'truncate' });
    expect(result.outcome).toEqual({ kind: 'success', status: 200 });
    expect(result.response?.body).toBe('z'.repeat(100_000));
    expect(result.response?.bodyTruncated).toBe(true);
    expect(server.bytesWritten()).toBeLessThan(64 * 1024 * 1024);
  });

  it('reads a notification body declared over maxResponseBytes up to the limit, and a 500 stays an HTTP status', async () => {
    const sink = await receiver(() => ({ status: 500, body: 'e'.repeat(5000) }));
    const result = await sender().send(post(sink.url('/status')), { ...LIMITS, maxResponseBytes: 4096, recordBodyBytes: 4096, oversizeBody: 'truncate' });
    expect(result.outcome).toEqual({ kind: 'http-status', status: 500 });
    expect(result.response).toMatchObject({ status: 500, body: 'e'.repeat(4096), bodyTruncated: true });
  });

  it('refuses a declared Content-Length over maxResponseBytes without reading the body', async () => {
    const sink = await receiver(() => ({ status: 200, body: 'y'.repeat(5000) }));
    const result = await sender().send(get(sink.url('/doc')), { ...LIMITS, maxResponseBytes: 4096 });
    expect(result.outcome).toEqual({ kind: 'response-too-large', status: 200, limitBytes: 4096 });
    expect(result.response?.body).toBe('');
  });
});

describe('HttpSender: redirects', () => {
  function redirectingReceiver(chain: Record<string, { status: number; location: string }>): Promise<Receiver> {
    return receiver((request) => {
      const hop = chain[request.url.split('?')[0] ?? ''];
      return hop ? { status: hop.status, headers: { Location: hop.location }, body: 'moved' } : { status: 200, body: '<Response/>' };
    });
  }

  it('follows redirects up to maxRedirects, recording each hop and the final response', async () => {
    const sink = await redirectingReceiver({ '/a': { status: 302, location: '/b' }, '/b': { status: 301, location: '/c?x=1' } });
    const result = await sender().send(get(sink.url('/a')), { ...LIMITS, maxRedirects: 2 });
    expect(result.outcome).toEqual({ kind: 'success', status: 200 });
    expect(result.redirects).toEqual([sink.url('/b'), sink.url('/c?x=1')]);
    expect(result.request.url).toBe(sink.url('/a'));
    expect(result.body).toBe('<Response/>');
    expect(sink.requests.map((r) => r.url)).toEqual(['/a', '/b', '/c?x=1']);
  });

  it('reports one redirect more than maxRedirects as too-many-redirects', async () => {
    const sink = await redirectingReceiver({ '/a': { status: 302, location: '/b' }, '/b': { status: 302, location: '/c' } });
    const result = await sender().send(get(sink.url('/a')), { ...LIMITS, maxRedirects: 1 });
    expect(result.outcome).toMatchObject({ kind: 'too-many-redirects', status: 302 });
    expect(result.response?.status).toBe(302);
    expect(sink.requests.map((r) => r.url)).toEqual(['/a', '/b']);
  });

  it('treats a 3xx as a plain http-status when maxRedirects is 0', async () => {
    const sink = await redirectingReceiver({ '/a': { status: 302, location: '/b' } });
    const result = await sender().send(post(sink.url('/a')), LIMITS);
    expect(result.outcome).toEqual({ kind: 'http-status', status: 302 });
    expect(result.response?.body).toBe('moved');
    expect(sink.requests).toHaveLength(1);
  });

  it('turns a POST into a GET without a body after a 303', async () => {
    const sink = await redirectingReceiver({ '/action': { status: 303, location: '/next' } });
    const result = await sender().send(post(sink.url('/action')), { ...LIMITS, maxRedirects: 3 });
    expect(result.outcome.kind).toBe('success');
    const [first, second] = sink.requests;
    expect(first).toMatchObject({ method: 'POST', body: 'CallUUID=abc&Digits=1%202' });
    expect(second).toMatchObject({ method: 'GET', url: '/next', body: '' });
    expect(second?.headers['content-type']).toBeUndefined();
    expect(result.request.method).toBe('POST');
  });

  it('drops credentials when a redirect leaves the origin', async () => {
    const other = await receiver();
    const sink = await redirectingReceiver({ '/a': { status: 307, location: other.url('/b').replace('127.0.0.1', 'localhost') } });
    const result = await sender().send(post(sink.url('/a'), 'x=1', { Authorization: 'Bearer secret' }), { ...LIMITS, maxRedirects: 1 });
    expect(result.outcome.kind).toBe('success');
    expect(sink.requests[0]?.headers['authorization']).toBe('Bearer secret');
    expect(other.requests[0]?.headers['authorization']).toBeUndefined();
    expect(other.requests[0]?.body).toBe('x=1');
  });

  it('keeps the method and body across a 307', async () => {
    const sink = await redirectingReceiver({ '/action': { status: 307, location: '/next' } });
    await sender().send(post(sink.url('/action')), { ...LIMITS, maxRedirects: 3 });
    expect(sink.requests[1]).toMatchObject({ method: 'POST', url: '/next', body: 'CallUUID=abc&Digits=1%202' });
  });
});

describe('HttpSender with the SSRF guard', () => {
  it('lets dev mode reach loopback by name and by address', async () => {
    const sink = await receiver();
    const s = sender(new SsrfGuard('dev'));
    const byName = await s.send(post(sink.url('/a').replace('127.0.0.1', 'localhost')), LIMITS);
    const byAddress = await s.send(post(sink.url('/a')), LIMITS);
    expect(byName.outcome.kind).toBe('success');
    expect(byAddress.outcome.kind).toBe('success');
  });

  it('refuses a loopback literal in strict mode and sends nothing', async () => {
    const sink = await receiver();
    const result = await sender(new SsrfGuard('strict')).send(post(sink.url('/status')), LIMITS);
    expect(result.outcome).toEqual({ kind: 'refused', detail: 'strict SSRF profile refuses 127.0.0.1: a loopback address' });
    expect(sink.requests).toHaveLength(0);
  });

  it('refuses a name that resolves to loopback in strict mode, at connect time', async () => {
    const sink = await receiver();
    const url = sink.url('/status').replace('127.0.0.1', 'localhost');
    const guard = new SsrfGuard('strict');
    // The URL itself shows only a name; the refusal comes from the DNS answer.
    expect(guard.checkUrl(new URL(url))).toBeNull();

    const result = await sender(guard).send(post(url), LIMITS);

    expect(result.outcome.kind).toBe('refused');
    expect(result.outcome).toMatchObject({ detail: expect.stringMatching(/^strict SSRF profile refuses localhost: it resolves to (127\.0\.0\.1|::1), a loopback address$/) });
    expect(sink.requests).toHaveLength(0);
  });

  it('refuses a redirect from an allowed host to a forbidden literal address', async () => {
    // Loopback is all a test can reach, so 127.0.0.1 stands in for a public host through the allow list.
    const forbidden = await httpServer('127.0.0.2', (_req, res) => res.end('<Response/>'));
    const sink = await receiver(() => ({ status: 302, headers: { Location: `${forbidden.origin}/internal` } }));
    const guard = new SsrfGuard('strict', { allow: ['127.0.0.1'] });

    const result = await sender(guard).send(get(sink.url('/answer')), { ...LIMITS, maxRedirects: 3 });

    expect(result.outcome).toEqual({ kind: 'refused', detail: 'strict SSRF profile refuses 127.0.0.2: a loopback address' });
    expect(sink.requests).toHaveLength(1);
    expect(forbidden.hits()).toBe(0);
  });

  it('refuses a redirect to a name that resolves to a forbidden address, checked after DNS', async () => {
    const allowed = await httpServer('127.0.0.2', (_req, res) => {
      res.writeHead(302, { Location: `http://localhost:${forbiddenPort}/internal` }).end();
    });
    const forbidden = await receiver();
    const forbiddenPort = new URL(forbidden.origin).port;
    const guard = new SsrfGuard('strict', { allow: ['127.0.0.2'] });

    const result = await sender(guard).send(get(`${allowed.origin}/answer`), { ...LIMITS, maxRedirects: 3 });

    expect(result.outcome).toMatchObject({ kind: 'refused', detail: expect.stringContaining('refuses localhost: it resolves to') });
    expect(result.redirects).toEqual([`http://localhost:${forbiddenPort}/internal`]);
    expect(allowed.hits()).toBe(1);
    expect(forbidden.requests).toHaveLength(0);
  });
});

/** A child process listening with a backlog of 1 that blocks its event loop, so it never accepts. */
async function saturatedListener(): Promise<{ port: number; child: ChildProcess }> {
  const script = `
    const net = require('node:net');
    const server = net.createServer();
    server.listen(0, '127.0.0.1', 1, () => {
      require('node:fs').writeSync(1, server.address().port + '\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [data] = (await once(child.stdout as NonNullable<typeof child.stdout>, 'data')) as [Buffer];
  return { port: Number(data.toString().trim()), child };
}

/** Opens connections until one hangs: from then on the accept queue is full. */
async function fillAcceptQueue(port: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < 16; i++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    sockets.push(socket);
    const connected = await Promise.race([
      once(socket, 'connect').then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 100)),
    ]);
    if (!connected) return sockets;
  }
  throw new Error('the accept queue never filled; connect timeouts cannot be produced on this machine');
}
