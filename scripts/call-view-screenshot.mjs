// Writes docs/images/call-view.png, the README's picture of the inspector, from a real run: a hookline on
// a temp SQLite directory and the virtual clock, a loopback app answering Plivo XML, a call placed through
// the Plivo API, a key pressed on the page's keypad, and Debian's chromium taking the picture.
// `npm run docs:screenshot` (builds first). Needs /usr/bin/chromium.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { fetch } from 'undici';

const CHROMIUM = '/usr/bin/chromium';
const AUTH_ID = 'MADOCSSCREENSHOT0001';
const AUTH_TOKEN = 'docsscreenshottokendocsscreenshottoken01';
const target = fileURLToPath(new URL('../docs/images/call-view.png', import.meta.url));

if (!existsSync(CHROMIUM)) {
  console.error(`call-view-screenshot: ${CHROMIUM} is missing (apt-get install -y chromium)`);
  process.exit(1);
}
const appModule = new URL('../dist/app.js', import.meta.url);
if (!existsSync(fileURLToPath(appModule))) {
  console.error('call-view-screenshot: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
const { createApp } = await import(appModule.href);
const { configSchema } = await import(new URL('../dist/config/schema.js', import.meta.url).href);
const { pino } = await import('pino');

const documents = {
  '/answer': (base) =>
    `<Response>\n  <Speak>Welcome to Acme.</Speak>\n  <GetDigits action="${base}/menu" numDigits="1" timeout="30">\n    <Speak>Press one for sales, two for support.</Speak>\n  </GetDigits>\n</Response>`,
  '/menu': () => '<Response>\n  <Speak>Connecting you to sales.</Speak>\n  <Wait length="600"/>\n</Response>',
};
const appServer = createServer((request, response) => {
  request.resume();
  const document = documents[(request.url ?? '').split('?')[0]];
  response.writeHead(200, { 'content-type': 'application/xml' });
  response.end(document ? document(`http://127.0.0.1:${appServer.address().port}`) : '<Response/>');
});
await new Promise((resolve) => appServer.listen(0, '127.0.0.1', resolve));
const appBase = `http://127.0.0.1:${appServer.address().port}`;

const dataDir = mkdtempSync(join(tmpdir(), 'hookline-screenshot-'));
const app = await createApp(configSchema.parse({ port: 0, data: dataDir, clock: 'virtual', logLevel: 'silent', account: [`${AUTH_ID}:${AUTH_TOKEN}`] }), {
  logger: pino({ level: 'silent' }),
});
const { url } = await app.listen();
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });

async function advance(ms) {
  const response = await fetch(`${url}/hookline/v1/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms }) });
  if (!response.ok) throw new Error(`clock advance: HTTP ${response.status}`);
}

try {
  const made = await fetch(`${url}/v1/Account/${AUTH_ID}/Call/`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from: '14155550100', to: '14155550199', answer_url: `${appBase}/answer`, hangup_url: `${appBase}/hangup` }),
  });
  const { request_uuid: uuid } = await made.json();
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' })).newPage();
  await page.goto(`${url}/#/calls/${uuid}`);
  await advance(3_000); // ringing, then answered
  await advance(2_000); // the welcome is spoken
  const timeline = page.getByRole('list', { name: 'Call timeline' });
  await timeline.getByText('<GetDigits>', { exact: false }).waitFor();
  await page.getByRole('button', { name: 'Press 1' }).click();
  await page.getByText('Pressed: 1').waitFor();
  await advance(0); // the menu document is fetched
  await advance(4_000); // and its words spoken
  await timeline.getByText('<Wait>', { exact: false }).waitFor();
  await page.mouse.move(0, 0);
  mkdirSync(join(target, '..'), { recursive: true });
  await page.screenshot({ path: target });
  console.log(`call-view-screenshot: wrote ${target}`);
} finally {
  await browser.close();
  await app.close();
  appServer.close();
  rmSync(dataDir, { recursive: true, force: true });
}
