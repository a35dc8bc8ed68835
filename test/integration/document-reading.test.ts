import { describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import { plivoClient } from '../support/plivo-sdk.js';
import type { Reply } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

const ACCOUNT = 'MAHOOKLINEDOCREAD001';
const TOKEN = 'docreadtokendocreadtokendocreadtoken0001';

const rig = useRig();

const xml = (body: string): Reply => ({ status: 200, headers: { 'content-type': 'application/xml' }, body });

interface Reading {
  ok: boolean;
  dialect: string;
  root?: { name: string; children: Array<{ name: string; attributes: Record<string, string>; text: string; line: number; column: number; children: Array<{ name: string; text: string }> }> };
  error?: { rule: string; message: string; line: number; column: number };
}

interface Detail {
  kind: string;
  attempts: Array<{ document: Reading | null }>;
}

/** The answer document's delivery of a call placed against `answer`, fetched once the call answered. */
async function answerDelivery(app: RunningApp, answer: Reply): Promise<Detail> {
  const appServer = await rig.receiver(() => answer);
  const made = await plivoClient(app.url, ACCOUNT, TOKEN).calls.create('14155550100', '14155550199', appServer.url('/answer'));
  await app.control('POST', '/clock/advance', { ms: 3_000 });
  const listed = await app.control<{ deliveries: Array<{ id: string; kind: string }> }>('GET', `/deliveries?resource=${encodeURIComponent(`call:${made.requestUuid as string}`)}`);
  const document = listed.body.deliveries.find((delivery) => delivery.kind === 'document');
  expect(document).toBeDefined();
  return (await app.control<Detail>('GET', `/deliveries/${document!.id}`)).body;
}

describe('GET /hookline/v1/deliveries/{id}: a document callback read by the engine’s parser', () => {
  it('gives the elements of a Plivo answer document with their lines and columns', async () => {
    const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`] });
    const detail = await answerDelivery(app, xml('<Response>\n  <GetDigits action="http://127.0.0.1:9/menu" numDigits="1">\n    <Speak> Press one </Speak>\n  </GetDigits>\n</Response>'));
    const reading = detail.attempts[0]!.document!;
    expect(reading).toMatchObject({ ok: true, dialect: 'Plivo XML' });
    expect(reading.root!.name).toBe('Response');
    expect(reading.root!.children[0]).toMatchObject({ name: 'GetDigits', attributes: { action: 'http://127.0.0.1:9/menu', numDigits: '1' }, line: 2, column: 3 });
    expect(reading.root!.children[0]!.children[0]).toMatchObject({ name: 'Speak', text: 'Press one' });
  });

  it('gives the rule a refused document broke, with its line and column', async () => {
    const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`] });
    const detail = await answerDelivery(app, xml('<Response>\n  <Speak>hi</Speak>\n  <Speak><Play>http://127.0.0.1:9/a.mp3</Play></Speak>\n</Response>'));
    expect(detail.attempts[0]!.document).toMatchObject({ ok: false, dialect: 'Plivo XML', error: { rule: 'nesting', line: 3, column: 10 } });
    expect(detail.attempts[0]!.document!.error!.message).toContain('<Play> cannot be inside <Speak>');
  });

  it('names where XML that is not well formed breaks', async () => {
    const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`] });
    const detail = await answerDelivery(app, xml('<Response>\n  <Speak>hi</Speek>\n</Response>'));
    expect(detail.attempts[0]!.document).toMatchObject({ ok: false, error: { rule: 'not-xml', line: 2 } });
  });

  it('reads nothing for a notification callback', async () => {
    const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`] });
    const hangups = await rig.receiver(() => xml('<Response><Nonsense/></Response>'));
    const appServer = await rig.receiver(() => xml('<Response><Hangup/></Response>'));
    await plivoClient(app.url, ACCOUNT, TOKEN).calls.create('14155550100', '14155550199', appServer.url('/answer'), { hangup_url: hangups.url('/hangup') });
    await app.control('POST', '/clock/advance', { ms: 3_000 });
    await hangups.waitFor(1);
    const listed = await app.control<{ deliveries: Array<{ id: string; kind: string }> }>('GET', '/deliveries');
    const notification = listed.body.deliveries.find((delivery) => delivery.kind === 'notification');
    const detail = (await app.control<Detail>('GET', `/deliveries/${notification!.id}`)).body;
    expect(detail.attempts[0]!.document).toBeNull();
  });

  it('is described in the OpenAPI document, the element tree by a reference to itself', async () => {
    const app = await rig.app();
    const { body } = await app.control<{ components: { schemas: Record<string, { properties: Record<string, { items?: { $ref?: string } }> }> } }>('GET', '/openapi.json');
    expect(body.components.schemas.DocumentElement!.properties.children!.items!.$ref).toBe('#/components/schemas/DocumentElement');
    expect(body.components.schemas.DocumentReading).toBeDefined();
  });
});
