import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The voice figures' application, in its own process so its CPU is not the engine's: a five-document
 * IVR (answer → menu → choice with a Dial → after-dial → goodbye) and the notification URLs, in the
 * dialect named by its first argument (`plivo` or `laml`). Reports over IPC once `expect` calls have
 * ended (Plivo's hangup_url; LaML's `completed` status callback).
 */

type Dialect = 'plivo' | 'laml';
const dialect: Dialect = process.argv[2] === 'laml' ? 'laml' : 'plivo';

const url = (path: string) => `http://127.0.0.1:${port()}${path}`;
const redirectTo = (path: string) => `<Redirect>${url(path)}</Redirect>`;

/** The same flow in both dialects: the `say`, `collect` and `dial` of each, and how a call's end is heard. */
const DIALECTS: Record<Dialect, { readonly documents: Record<string, () => string>; ended(path: string, body: string): boolean }> = {
  plivo: {
    documents: {
      '/answer': () => `<Speak>Welcome to the bench line</Speak>${redirectTo('/menu')}`,
      '/menu': () => `<GetDigits action="${url('/choice')}" numDigits="1" timeout="3"><Speak>Press one</Speak></GetDigits>${redirectTo('/choice')}`,
      '/choice': () => `<Dial action="${url('/after-dial')}" callbackUrl="${url('/dial-events')}"><Number>14155550111</Number></Dial>`,
      '/after-dial': () => redirectTo('/bye'),
      '/bye': () => '<Speak>Goodbye</Speak><Hangup/>',
      '/hold': () => '<Wait length="3600"/>',
    },
    ended: (path) => path === '/hangup',
  },
  laml: {
    documents: {
      '/answer': () => `<Say>Welcome to the bench line</Say>${redirectTo('/menu')}`,
      '/menu': () => `<Gather action="${url('/choice')}" numDigits="1" timeout="3"><Say>Press one</Say></Gather>${redirectTo('/choice')}`,
      // The dialled leg's progress, as Plivo's Dial callbackUrl reports it in the other flow.
      '/choice': () => `<Dial action="${url('/after-dial')}"><Number statusCallback="${url('/dial-events')}" statusCallbackEvent="ringing answered completed">+14155550111</Number></Dial>`,
      '/after-dial': () => redirectTo('/bye'),
      '/bye': () => '<Say>Goodbye</Say><Hangup/>',
      '/hold': () => '<Pause length="3600"/>',
    },
    ended: (path, body) => path === '/status' && new URLSearchParams(body).get('CallStatus') === 'completed',
  },
};
const { documents, ended } = DIALECTS[dialect];

let expected = Number.POSITIVE_INFINITY;
let hangups = 0;
let requests = 0;

const server = createServer((req, res) => {
  requests++;
  const path = (req.url ?? '/').split('?')[0] as string;
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const document = documents[path];
    if (ended(path, Buffer.concat(chunks).toString('utf8')) && ++hangups === expected) process.send?.({ type: 'reached', hangups, requests });
    const body = document ? `<Response>${document()}</Response>` : '';
    res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 30_000;

function port(): number {
  return (server.address() as AddressInfo).port;
}

process.on('message', (message: { type: string; hangups?: number }) => {
  if (message.type === 'expect') {
    expected = message.hangups ?? 0;
    hangups = 0;
    requests = 0;
  }
  if (message.type === 'stop') server.close(() => process.exit(0));
});

server.listen(0, '127.0.0.1', () => process.send?.({ type: 'ready', port: port() }));
