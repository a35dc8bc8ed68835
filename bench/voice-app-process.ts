import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The voice figure's application, in its own process so its CPU is not the engine's: a five-document
 * IVR (answer → menu → choice with a Dial → after-dial → goodbye) and the notification URLs. Reports
 * over IPC once `expect` hangup callbacks have arrived.
 */

const REDIRECT_TO = (path: string) => `<Redirect>http://127.0.0.1:${port()}${path}</Redirect>`;
const DOCUMENTS: Record<string, () => string> = {
  '/answer': () => `<Speak>Welcome to the bench line</Speak>${REDIRECT_TO('/menu')}`,
  '/menu': () => `<GetDigits action="http://127.0.0.1:${port()}/choice" numDigits="1" timeout="3"><Speak>Press one</Speak></GetDigits>${REDIRECT_TO('/choice')}`,
  '/choice': () => `<Dial action="http://127.0.0.1:${port()}/after-dial" callbackUrl="http://127.0.0.1:${port()}/dial-events"><Number>14155550111</Number></Dial>`,
  '/after-dial': () => REDIRECT_TO('/bye'),
  '/bye': () => '<Speak>Goodbye</Speak><Hangup/>',
  '/hold': () => '<Wait length="3600"/>',
};

let expected = Number.POSITIVE_INFINITY;
let hangups = 0;
let requests = 0;

const server = createServer((req, res) => {
  requests++;
  const path = (req.url ?? '/').split('?')[0] as string;
  req.resume();
  req.on('end', () => {
    const document = DOCUMENTS[path];
    if (path === '/hangup' && ++hangups === expected) process.send?.({ type: 'reached', hangups, requests });
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
