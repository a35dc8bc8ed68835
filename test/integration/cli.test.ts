/**
 * The CLI's commands, run in-process through `runCli` against real servers on 127.0.0.1. The last
 * block spawns the built `dist/cli/main.js` (it needs `npm run build`, which `npm test` runs first).
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import type { CommandResult } from '../../src/cli/result.js';
import { SseParser, type SseMessage } from '../../src/cli/sse.js';
import { tail } from '../../src/cli/tail.js';
import { startApp, type RunningApp } from '../support/app.js';
import { spawnServe } from '../support/cli-process.js';
import { Receiver } from '../support/receiver.js';

const require = createRequire(import.meta.url);
const plivo = require('plivo') as {
  validateV3Signature(method: string, uri: string, nonce: string, token: string, signature: string, params?: object): boolean;
  validateSignature(uri: string, nonce: string, signature: string, token: string): boolean;
};
const twilio = require('twilio') as { validateRequest(token: string, signature: string, url: string, params: object): boolean };
const { Webhook } = require('standardwebhooks') as {
  Webhook: new (secret: string, options: { format: 'raw' }) => { sign(id: string, timestamp: Date, payload: string): string };
};

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface CapturedIo {
  readonly io: CliIo;
  readonly signals: EventEmitter;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout + stderr match. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

function captureIo(env: Record<string, string> = {}): CapturedIo {
  let stdout = '';
  let stderr = '';
  const written = new EventEmitter();
  const signals = new EventEmitter();
  const io: CliIo = {
    out: (text) => {
      stdout += text;
      written.emit('write');
    },
    err: (text) => {
      stderr += text;
      written.emit('write');
    },
    env,
    stdoutIsTTY: false,
    color: false,
    signals,
    exit: (code) => {
      throw new Error(`exit(${code}) called`);
    },
  };
  return {
    io,
    signals,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!pattern.test(stdout + stderr)) return;
          clearTimeout(timer);
          written.off('write', check);
          resolve();
        };
        const timer = setTimeout(() => {
          written.off('write', check);
          reject(new Error(`output never matched ${pattern}:\n${stdout}${stderr}`));
        }, timeoutMs);
        written.on('write', check);
        check();
      });
    },
  };
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = captureIo(env);
  const result = await runCli(args, captured.io);
  return { code: result.exitCode, stdout: captured.stdout(), stderr: captured.stderr() };
}

function headersOf(stdout: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of stdout.trim().split('\n')) {
    const colon = line.indexOf(': ');
    headers[line.slice(0, colon)] = line.slice(colon + 2);
  }
  return headers;
}

async function app(overrides: Parameters<typeof startApp>[0] = {}): Promise<RunningApp> {
  const running = await startApp(overrides);
  cleanups.push(() => running.stop());
  return running;
}

async function receiver(status: number): Promise<Receiver> {
  const started = await new Receiver(() => ({ status })).start();
  cleanups.push(() => started.stop());
  return started;
}

async function enqueue(running: RunningApp, body: Record<string, unknown>): Promise<string> {
  const response = await running.control<{ id: string }>('POST', '/callbacks', { dialect: 'plivo', ...body });
  expect(response.status).toBe(202);
  return response.body.id;
}

/** Runs a long-running command (tail) and stops it with SIGINT when the test ends. */
async function startLong(args: string[], env: Record<string, string> = {}): Promise<{ captured: CapturedIo; result: CommandResult }> {
  const captured = captureIo(env);
  const result = await runCli(args, captured.io);
  cleanups.push(async () => {
    captured.signals.emit('SIGINT');
    await result.running;
  });
  return { captured, result };
}

const TOKEN = 'MzQ4ZjU0NDI4YTUxZTFjMmZlMTE2YjFlNjc5Nzlk';
const MAIN_TOKEN = 'NWQwMmRiNmJhZDAwMmEzNGNmNzNiNzBjZGNkYTg0';
const NONCE = '12345678901234567890';

describe('hookline sign', () => {
  it('prints Plivo headers that plivo.validateV3Signature accepts for a POST callback', async () => {
    const url = 'https://example.com/status?app=1';
    const params = { MessageUUID: 'm-1', Status: 'delivered', To: '+14155550100' };
    const { code, stdout } = await cli([
      'sign', '--dialect', 'plivo', '--url', url, '--token', TOKEN, '--main-token', MAIN_TOKEN, '--nonce', NONCE,
      ...Object.entries(params).flatMap(([name, value]) => ['--param', `${name}=${value}`]),
    ]);
    expect(code).toBe(0);
    const headers = headersOf(stdout);
    expect(Object.keys(headers)).toEqual([
      'X-Plivo-Signature-V2', 'X-Plivo-Signature-Ma-V2', 'X-Plivo-Signature-V2-Nonce',
      'X-Plivo-Signature-V3', 'X-Plivo-Signature-Ma-V3', 'X-Plivo-Signature-V3-Nonce',
    ]);
    expect(headers['X-Plivo-Signature-V3-Nonce']).toBe(NONCE);
    expect(plivo.validateV3Signature('POST', url, NONCE, TOKEN, headers['X-Plivo-Signature-V3'] as string, params)).toBe(true);
    expect(plivo.validateV3Signature('POST', url, NONCE, MAIN_TOKEN, headers['X-Plivo-Signature-Ma-V3'] as string, params)).toBe(true);
    expect(plivo.validateSignature(url, NONCE, headers['X-Plivo-Signature-V2'] as string, TOKEN)).toBe(true);
  });

  it('signs a GET over the URL with the params merged into its query, as hookline sends it', async () => {
    const { code, stdout, stderr } = await cli([
      'sign', '--dialect', 'plivo', '--method', 'GET', '--url', 'http://127.0.0.1:9000/hangup?src=app',
      '--param', 'CallUUID=c-1', '--param', 'HangupCause=NORMAL_CLEARING', '--token', TOKEN, '--nonce', NONCE,
    ]);
    expect(code).toBe(0);
    const wireUrl = 'http://127.0.0.1:9000/hangup?src=app&CallUUID=c-1&HangupCause=NORMAL_CLEARING';
    expect(stderr).toContain(`signed GET ${wireUrl}`);
    expect(plivo.validateV3Signature('GET', wireUrl, NONCE, TOKEN, headersOf(stdout)['X-Plivo-Signature-V3'] as string)).toBe(true);
  });

  it('signs a URL with a non-ASCII path as hookline sends it, percent-encoded', async () => {
    const { code, stdout, stderr } = await cli(['sign', '--dialect', 'plivo', '--url', 'https://example.com/hooks/café', '--param', 'A=1', '--token', TOKEN, '--nonce', NONCE]);
    expect(code).toBe(0);
    const wireUrl = 'https://example.com/hooks/caf%C3%A9';
    expect(stderr).toContain(`signed POST ${wireUrl}`);
    expect(plivo.validateV3Signature('POST', wireUrl, NONCE, TOKEN, headersOf(stdout)['X-Plivo-Signature-V3'] as string, { A: '1' })).toBe(true);
  });

  it('prints LaML headers that twilio.validateRequest accepts', async () => {
    const url = 'https://example.com/voice/status';
    const { stdout } = await cli(['sign', '--dialect', 'laml', '--url', url, '--param', 'CallSid=CA1', '--param', 'CallStatus=completed', '--token', TOKEN]);
    const headers = headersOf(stdout);
    expect(headers['X-SignalWire-Signature']).toBe(headers['X-Twilio-Signature']);
    expect(twilio.validateRequest(TOKEN, headers['X-Twilio-Signature'] as string, url, { CallSid: 'CA1', CallStatus: 'completed' })).toBe(true);
  });

  it('prints Standard Webhooks headers that the standardwebhooks package accepts', async () => {
    const now = String(Math.floor(Date.now() / 1000));
    const { stdout } = await cli(['sign', '--dialect', 'standard', '--url', 'https://example.com/hook', '--param', 'Event=done', '--token', TOKEN, '--id', 'dlv-1', '--timestamp', now]);
    const headers = headersOf(stdout);
    expect(headers['webhook-id']).toBe('dlv-1');
    expect(headers['webhook-timestamp']).toBe(now);
    // The package's verify() also parses the body as JSON; hookline's body is a form, so compare with its sign().
    expect(headers['webhook-signature']).toBe(new Webhook(TOKEN, { format: 'raw' }).sign('dlv-1', new Date(Number(now) * 1000), 'Event=done'));
  });

  it('exits 1 naming the choices for an unknown dialect', async () => {
    const { code, stderr } = await cli(['sign', '--dialect', 'twiml', '--url', 'https://example.com/', '--token', TOKEN]);
    expect(code).toBe(1);
    expect(stderr).toBe('hookline sign: --dialect: expected one of plivo, laml, standard, got "twiml"\n');
  });

  it('exits 1 for a --param without a value', async () => {
    const { code, stderr } = await cli(['sign', '--dialect', 'plivo', '--url', 'https://example.com/', '--token', TOKEN, '--param', 'Status']);
    expect(code).toBe(1);
    expect(stderr).toContain('expected NAME=VALUE');
  });
});

describe('hookline verify', () => {
  const url = 'https://example.com/status';
  async function signedHeaders(): Promise<string[]> {
    const { stdout } = await cli(['sign', '--dialect', 'plivo', '--url', url, '--param', 'Status=delivered', '--token', TOKEN, '--nonce', NONCE]);
    return stdout.trim().split('\n').flatMap((line) => ['--header', line]);
  }

  it('exits 0 and lists every passing check for headers hookline signed', async () => {
    const { code, stdout } = await cli(['verify', '--url', url, '--param', 'Status=delivered', '--token', TOKEN, ...(await signedHeaders())]);
    expect(code).toBe(0);
    expect(stdout).toContain('✓ X-Plivo-Signature-V3');
    expect(stdout).toContain('✓ X-Plivo-Signature-V2');
    expect(stdout.trim().split('\n').at(-1)).toBe('valid (plivo)');
  });

  it('exits 1 when a parameter was changed after signing', async () => {
    const { code, stdout } = await cli(['verify', '--url', url, '--param', 'Status=failed', '--token', TOKEN, ...(await signedHeaders())]);
    expect(code).toBe(1);
    expect(stdout).toContain('✗ X-Plivo-Signature-V3');
    expect(stdout).toMatch(/^invalid \(plivo\): /m);
  });

  it('exits 1 when the request carries no signature at all', async () => {
    const { code, stdout } = await cli(['verify', '--url', url, '--token', TOKEN, '--header', 'Content-Type: text/plain']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^invalid: /m);
  });

  it('reads a form body in place of --param', async () => {
    const { code } = await cli(['verify', '--url', url, '--body', 'Status=delivered', '--token', TOKEN, ...(await signedHeaders())]);
    expect(code).toBe(0);
  });

  it('checks a Standard Webhooks signature against --now', async () => {
    const { stdout } = await cli(['sign', '--dialect', 'standard', '--url', url, '--param', 'A=1', '--token', TOKEN, '--id', 'd-1', '--timestamp', '1700000000']);
    const headers = stdout.trim().split('\n').flatMap((line) => ['--header', line]);
    const args = ['verify', '--url', url, '--body', 'A=1', '--token', TOKEN, ...headers];
    expect((await cli([...args, '--now', '1700000010'])).code).toBe(0);
    expect((await cli([...args, '--now', '1800000000'])).code).toBe(1);
  });
});

describe('hookline replay', () => {
  it("exits 1 with the server's message for an unknown delivery", async () => {
    const running = await app();
    const { code, stderr } = await cli(['replay', 'no-such-delivery', '--url', running.url]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^hookline replay: delivery no-such-delivery not found/);
  });

  it('sends a finished delivery again under the same id', async () => {
    const running = await app();
    const sink = await receiver(200);
    const id = await enqueue(running, { url: sink.url('/status'), params: { Status: 'sent' } });
    await sink.waitFor(1);
    // The attempt is recorded just after the response; replay once the delivery is final.
    await expect.poll(async () => (await running.control<{ status: string }>('GET', `/deliveries/${id}`)).body.status).toBe('succeeded');
    const { code, stdout } = await cli(['replay', id, '--url', running.url]);
    expect(code).toBe(0);
    expect(stdout).toContain(`${id} queued: attempt 2 to POST ${sink.url('/status')}`);
    await sink.waitFor(2);
    expect(sink.requests.map((r) => r.headers['x-hookline-delivery-id'])).toEqual([id, id]);
  });

  it('sends the control token from HOOKLINE_CONTROL_TOKEN', async () => {
    const running = await app({ controlToken: 'secret-token' });
    expect((await cli(['replay', 'x', '--url', running.url])).stderr).toContain('needs a token');
    expect((await cli(['replay', 'x', '--url', running.url], { HOOKLINE_CONTROL_TOKEN: 'secret-token' })).stderr).toContain('not found');
  });

  it('says so when no hookline is listening', async () => {
    const { code, stderr } = await cli(['replay', 'x', '--url', 'http://127.0.0.1:1']);
    expect(code).toBe(1);
    expect(stderr).toContain('cannot reach hookline at http://127.0.0.1:1 (ECONNREFUSED)');
  });
});

describe('hookline tail', () => {
  it('prints one line per attempt with its outcome and the next attempt', async () => {
    const running = await app();
    const failing = await receiver(500);
    const { captured } = await startLong(['tail', '--url', running.url]);
    await captured.waitFor(/following/);
    const id = await enqueue(running, { url: failing.url('/status') });
    await captured.waitFor(/#1 {2}POST/);
    const line = captured.stdout().trim();
    expect(line).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d {2}#1 {2}POST ${failing.url('/status')} {2}500 {2}\\d+ ms {2}retry at \\d\\d:\\d\\d:\\d\\d {2}${id}$`));
  });

  it('marks a successful attempt without a retry', async () => {
    const running = await app();
    const ok = await receiver(204);
    const { captured } = await startLong(['tail', '--url', running.url]);
    await captured.waitFor(/following/);
    await enqueue(running, { url: ok.url('/ok') });
    await captured.waitFor(/204/);
    expect(captured.stdout()).not.toContain('retry at');
  });

  it('prints every event as JSON with --json', async () => {
    const running = await app();
    const ok = await receiver(200);
    const { captured } = await startLong(['tail', '--url', running.url, '--json']);
    await captured.waitFor(/following/);
    await enqueue(running, { url: ok.url('/ok') });
    await captured.waitFor(/"type":"attempt"/);
    const events = captured.stdout().trim().split('\n').map((line) => JSON.parse(line) as { type: string });
    expect(events.map((event) => event.type)).toContain('delivery');
  });

  it("shows only the chosen account's attempts with --account", async () => {
    const running = await app({ account: ['MAONE:token-one', 'MATWO:token-two'] });
    const ok = await receiver(200);
    const { captured } = await startLong(['tail', '--url', running.url, '--account', 'MAONE']);
    await captured.waitFor(/following/);
    const other = await enqueue(running, { url: ok.url('/two'), accountId: 'MATWO' });
    await ok.waitFor(1);
    const mine = await enqueue(running, { url: ok.url('/one'), accountId: 'MAONE' });
    await captured.waitFor(new RegExp(mine));
    expect(captured.stdout()).not.toContain(other);
  });

  it('stops with exit code 0 on SIGINT', async () => {
    const running = await app();
    const captured = captureIo();
    const result = await runCli(['tail', '--url', running.url], captured.io);
    await captured.waitFor(/following/);
    captured.signals.emit('SIGINT');
    expect(await result.running).toBe(0);
  });

  it('reconnects when the server restarts on the same port', async () => {
    const first = await startApp();
    const port = Number(new URL(first.url).port);
    // Called directly to shorten the wait between reconnects (the server asks for 2 s).
    const captured = captureIo();
    const result = await tail({ url: first.url, retryMs: 100 }, captured.io);
    cleanups.push(async () => {
      captured.signals.emit('SIGINT');
      await result.running;
    });
    await captured.waitFor(/following/);
    await first.stop();
    await captured.waitFor(/connection lost/);
    const second = await app({ port });
    const ok = await receiver(200);
    await captured.waitFor(/reconnected/);
    const id = await enqueue(second, { url: ok.url('/after-restart') });
    await captured.waitFor(new RegExp(id));
  });

  it('exits 1 with the reason when the control token is wrong', async () => {
    const running = await app({ controlToken: 'right' });
    const captured = captureIo();
    const result = await runCli(['tail', '--url', running.url, '--token', 'wrong'], captured.io);
    expect(await result.running).toBe(1);
    expect(captured.stderr()).toContain('answered 401: the control token does not match');
  });
});

describe('hookline serve (in-process)', () => {
  it('prints where everything lives, then drains and stops on SIGTERM', async () => {
    const captured = captureIo();
    const account = 'MABANNER:banner-token:0f8e4d2c-7b6a-4c1d-9e8f-1a2b3c4d5e6f:PSK_bannerSigningKey0000001';
    const result = await runCli(['serve', '--port', '0', '--data', ':memory:', '--log-level', 'silent', '--clock', 'virtual', '--account', account], captured.io);
    expect(result.exitCode).toBe(0);
    const banner = captured.stdout();
    const base = /http:\/\/127\.0\.0\.1:(\d+)/.exec(banner)?.[0] as string;
    expect(base).toBeDefined();
    for (const expected of [
      `${base}/\n`,
      `${base}/hookline/v1\n`,
      `${base}/hookline/v1/openapi.json`,
      `${base}/v1/Account/MABANNER/`,
      `${base}/api/laml/2010-04-01/Accounts/0f8e4d2c-7b6a-4c1d-9e8f-1a2b3c4d5e6f\n`,
      `${base}/sink/<name>`,
      'banner-token',
      'PSK_bannerSigningKey0000001',
      ':memory:',
      'virtual',
    ]) {
      expect(banner).toContain(expected);
    }
    expect(banner).not.toContain('Control token');
    expect((await request(`${base}/hookline/v1/openapi.json`)).statusCode).toBe(200);

    captured.signals.emit('SIGTERM');
    expect(await result.running).toBe(0);
    await expect(request(`${base}/hookline/v1/openapi.json`)).rejects.toThrow();
  });

  it('prints the control token when one is required', async () => {
    const captured = captureIo({ HOOKLINE_CONTROL_TOKEN: 'from-env' });
    const result = await runCli(['serve', '--port', '0', '--data', ':memory:', '--log-level', 'silent'], captured.io);
    cleanups.push(async () => {
      captured.signals.emit('SIGTERM');
      await result.running;
    });
    expect(captured.stdout()).toMatch(/Control token\s+from-env/);
  });

  it('writes readable log lines with --log-format pretty and JSON lines with auto off a terminal', async () => {
    const pretty = captureIo();
    const first = await runCli(['serve', '--port', '0', '--data', ':memory:', '--log-format', 'pretty'], pretty.io);
    const json = captureIo();
    const second = await runCli(['serve', '--port', '0', '--data', ':memory:'], json.io);
    for (const [captured, result] of [[pretty, first], [json, second]] as const) {
      captured.signals.emit('SIGTERM');
      expect(await result.running).toBe(0);
    }
    expect(pretty.stdout()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}stopping: draining/m);
    expect(json.stdout()).toMatch(/^\{"level":30,.*"msg":"stopping: draining/m);
  });

  it('says how to start node for less garbage collection, unless its young generation was sized', async () => {
    const bare = captureIo();
    const first = await runCli(['serve', '--port', '0', '--data', ':memory:'], bare.io);
    const sized = captureIo({ NODE_OPTIONS: '--max-semi-space-size=32' });
    const second = await runCli(['serve', '--port', '0', '--data', ':memory:'], sized.io);
    for (const [captured, result] of [[bare, first], [sized, second]] as const) {
      captured.signals.emit('SIGTERM');
      expect(await result.running).toBe(0);
    }
    expect(bare.stdout()).toMatch(/"flag":"--max-semi-space-size=128".*start it with node --max-semi-space-size=128 \(as npm start does\)/);
    expect(sized.stdout()).not.toContain('young generation');
  });

  it('exits 1 naming the port and how to pick another when it is taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as AddressInfo).port;
    const { code, stderr } = await cli(['serve', '--port', String(port), '--data', ':memory:', '--log-level', 'silent']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `hookline serve: port ${port} on 127.0.0.1 is already in use; pick another with --port <n> (or HOOKLINE_PORT), or --port 0 for any free port\n`,
    );
  });

  it('exits 1 with the setting at fault for a bad value', async () => {
    const { code, stderr } = await cli(['serve', '--data', ':memory:'], { HOOKLINE_TIME_SCALE: '0' });
    expect(code).toBe(1);
    expect(stderr).toBe('hookline serve: --time-scale / HOOKLINE_TIME_SCALE: expected a number > 0, got "0" (from HOOKLINE_TIME_SCALE)\n');
  });
});

describe('the built CLI (needs npm run build)', () => {
  const cliPath = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

  it('is built', () => {
    expect(existsSync(cliPath), 'run `npm run build` first').toBe(true);
  });

  it('serves until SIGTERM, then exits 0', async () => {
    const server = await spawnServe(['--data', ':memory:', '--log-level', 'silent']);
    cleanups.push(() => {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    });
    expect(server.output()).toContain(`${server.url}/hookline/v1/openapi.json`);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});

describe('event stream parsing', () => {
  function parse(chunks: string[]): SseMessage[] {
    const messages: SseMessage[] = [];
    const parser = new SseParser((message) => messages.push(message));
    for (const chunk of chunks) parser.push(chunk);
    return messages;
  }

  it('joins an event split across chunks, a CRLF included', () => {
    expect(parse(['event: attempt\r', '\ndata: {"a":', '1}\r\n\r\n'])).toEqual([{ event: 'attempt', data: '{"a":1}', id: null }]);
  });

  it('skips comments and heartbeats and keeps multi-line data', () => {
    expect(parse([': heartbeat\n\n', 'id: 7\ndata: one\ndata: two\n\n'])).toEqual([{ event: 'message', data: 'one\ntwo', id: '7' }]);
  });
});
