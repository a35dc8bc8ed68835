import { describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import { signalwireClient, signedForBoth, twilioClient } from '../support/laml-sdk.js';
import { advance, FROM, LAML_ACCOUNTS, OTHER, OTHER_TOKEN, postForm, PROJECT, refusal, TO, TOKEN, SIGNING_KEY } from '../support/laml-project.js';
import type { ReceivedRequest } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

/** The far end's magic numbers (docs/plivo-messaging.md): undelivered 80, failed 900. */
const UNDELIVERED_80 = '+15550010080';
const FAILED_900 = '+15550020900';

const rig = useRig();

async function setUp() {
  const app = await rig.app({ clock: 'virtual', account: LAML_ACCOUNTS });
  const appServer = await rig.receiver(() => ({ status: 200 }));
  return { app, appServer, signalwire: signalwireClient(app.url, PROJECT, TOKEN), twilio: twilioClient(app.url, PROJECT, TOKEN) };
}

const statusesOf = (requests: readonly ReceivedRequest[]): string[] => requests.map((received) => received.params.MessageStatus as string);

const createRaw = (app: RunningApp, fields: Array<[string, string]>) => postForm(app, `/api/laml/2010-04-01/Accounts/${PROJECT}/Messages`, fields);

describe('LaML messages', () => {
  it('sends an SMS for the twilio SDK: queued with no callback for the status it starts in, then sending, sent and delivered on the clock, each status callback signed', async () => {
    const { app, appServer, twilio, signalwire } = await setUp();
    const made = await twilio.messages.create({ to: TO, from: FROM, body: 'Hello from hookline', statusCallback: appServer.url('/sms-status') });
    expect(made).toMatchObject({ status: 'queued', direction: 'outbound-api', to: TO, from: FROM, body: 'Hello from hookline', accountSid: PROJECT, apiVersion: '2010-04-01', numSegments: 1, numMedia: 0, dateSent: null, price: null, priceUnit: 'USD' });
    expect(made.sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.dateCreated).toBeInstanceOf(Date);
    expect(made.uri).toBe(`/api/laml/2010-04-01/Accounts/${PROJECT}/Messages/${made.sid}.json`);
    expect(made.subresourceUris.media).toBe(`/api/laml/2010-04-01/Accounts/${PROJECT}/Messages/${made.sid}/Media.json`);

    await advance(app, 3_000);
    expect([...statusesOf(appServer.requests)].sort()).toEqual(['delivered', 'sending', 'sent']);
    const delivered = appServer.requests.find((received) => received.params.MessageStatus === 'delivered')!;
    expect(delivered.params).toEqual({
      MessageSid: made.sid,
      SmsSid: made.sid,
      SmsMessageSid: made.sid,
      MessageStatus: 'delivered',
      SmsStatus: 'delivered',
      AccountSid: PROJECT,
      From: FROM,
      To: TO,
      Body: 'Hello from hookline',
      NumMedia: '0',
      NumSegments: '1',
      ApiVersion: '2010-04-01',
    });
    for (const received of appServer.requests) expect(signedForBoth(SIGNING_KEY, received), `${received.params.MessageStatus} is signed`).toEqual({ signalwire: true, twilio: true });

    const fetched = await signalwire.messages(made.sid).fetch();
    expect(fetched).toMatchObject({ sid: made.sid, status: 'delivered', errorCode: null, price: 0.005 });
    expect(fetched.dateSent).toBeInstanceOf(Date);
  });

  it('counts the segments of a long message', async () => {
    const { signalwire } = await setUp();
    const made = await signalwire.messages.create({ to: TO, from: FROM, body: 'x'.repeat(161) });
    expect(made.numSegments).toBe(2);
  });

  it('ends a message to an undeliverable number undelivered with the LaML ErrorCode, and a failing one failed without sent', async () => {
    const { app, appServer, signalwire } = await setUp();
    const undelivered = await signalwire.messages.create({ to: UNDELIVERED_80, from: FROM, body: 'hi', statusCallback: appServer.url('/undelivered') });
    const failed = await signalwire.messages.create({ to: FAILED_900, from: FROM, body: 'hi', statusCallback: appServer.url('/failed') });
    await advance(app, 3_000);
    const to = (path: string) => appServer.requests.filter((received) => received.url === path);
    expect(statusesOf(to('/failed'))).toEqual(['failed']);
    expect(to('/failed')[0]!.params.ErrorCode).toBe('30002');
    expect([...statusesOf(to('/undelivered'))].sort()).toEqual(['sending', 'sent', 'undelivered']);
    const report = to('/undelivered').find((received) => received.params.MessageStatus === 'undelivered')!;
    expect(report.params.ErrorCode).toBe('30003');
    expect(to('/undelivered').find((received) => received.params.MessageStatus === 'sent')!.params.ErrorCode).toBeUndefined();
    expect(await signalwire.messages(undelivered.sid).fetch()).toMatchObject({ status: 'undelivered', errorCode: 30003, errorMessage: 'Unreachable destination handset' });
    expect(await signalwire.messages(failed.sid).fetch()).toMatchObject({ status: 'failed', dateSent: null });
  });

  it('stops an MMS at sent: there is no delivery receipt', async () => {
    const { app, appServer, twilio } = await setUp();
    const made = await twilio.messages.create({ to: TO, from: FROM, body: 'look', mediaUrl: ['https://media.example/cat.jpg', 'https://media.example/dog.png'], statusCallback: appServer.url('/mms') });
    expect(made.numMedia).toBe(2);
    await advance(app, 60_000);
    expect([...statusesOf(appServer.requests)].sort()).toEqual(['sending', 'sent']);
    expect(appServer.requests[0]!.params).toMatchObject({ NumMedia: '2', MediaUrl0: 'https://media.example/cat.jpg', MediaContentType0: 'image/jpeg', MediaUrl1: 'https://media.example/dog.png', MediaContentType1: 'image/png' });
    expect((await twilio.messages(made.sid).fetch()).status).toBe('sent');
  });

  it('moves a LaML message by live control, through sent, with the LaML error code given', async () => {
    const { app, appServer, signalwire } = await setUp();
    const made = await signalwire.messages.create({ to: TO, from: FROM, body: 'hi', statusCallback: appServer.url('/status') });
    const moved = await app.control('POST', `/messages/${made.sid}/status`, { status: 'undelivered', errorCode: 30005 });
    expect(moved.status).toBe(200);
    await advance(app, 10_000);
    expect([...statusesOf(appServer.requests)].sort()).toEqual(['sending', 'sent', 'undelivered']);
    expect(appServer.requests.find((received) => received.params.MessageStatus === 'undelivered')!.params.ErrorCode).toBe('30005');
    expect(await signalwire.messages(made.sid).fetch()).toMatchObject({ status: 'undelivered', errorCode: 30005, errorMessage: 'Unknown destination handset' });
  });

  it('lists messages newest first, paged, filtered by To', async () => {
    const { signalwire } = await setUp();
    for (const body of ['one', 'two', 'three']) await signalwire.messages.create({ to: TO, from: FROM, body });
    await signalwire.messages.create({ to: '+14155550123', from: FROM, body: 'elsewhere' });
    const first = await signalwire.messages.page({ pageSize: 2 });
    expect(first.instances).toHaveLength(2);
    expect(first.nextPageUrl).toContain('Page=1');
    expect(await signalwire.messages.list({ pageSize: 2 })).toHaveLength(4);
    expect((await signalwire.messages.list({ to: TO })).map((message) => message.body).sort()).toEqual(['one', 'three', 'two']);
  });

  it('refuses bad requests with the documented codes and stores nothing', async () => {
    const { app, signalwire, twilio } = await setUp();
    expect(await createRaw(app, [['From', FROM], ['Body', 'hi']])).toMatchObject({ status: 400, body: { code: 21604, status: 400 } });
    expect(await createRaw(app, [['To', TO], ['Body', 'hi']])).toMatchObject({ status: 400, body: { code: 21603 } });
    expect(await createRaw(app, [['To', TO], ['MessagingServiceSid', 'a5b6c7d8-0000-4000-8000-000000000000'], ['Body', 'hi']])).toMatchObject({ status: 400, body: { code: 21705 } });
    expect(await refusal(signalwire.messages.create({ to: 'nobody', from: FROM, body: 'hi' }))).toMatchObject({ status: 400, code: 21211 });
    expect(await refusal(signalwire.messages.create({ to: TO, from: 'me', body: 'hi' }))).toMatchObject({ status: 400, code: 21212 });
    expect(await refusal(signalwire.messages.create({ to: TO, from: FROM }))).toMatchObject({ status: 400, code: 21602 });
    expect(await refusal(signalwire.messages.create({ to: TO, from: FROM, body: 'x'.repeat(1601) }))).toMatchObject({ status: 400, code: 21617 });
    expect(await refusal(signalwire.messages.create({ to: TO, from: FROM, mediaUrl: ['ftp://media.example/a.jpg'] }))).toMatchObject({ status: 400, code: 21620 });
    expect(await refusal(signalwire.messages.create({ to: TO, from: FROM, mediaUrl: Array.from({ length: 11 }, (_, n) => `https://media.example/${n}.jpg`) }))).toMatchObject({ status: 400, code: 21623 });
    expect(await refusal(twilio.messages.create({ to: TO, from: FROM, body: 'hi', statusCallback: 'not a url' }))).toMatchObject({ status: 400, code: 21402 });
    expect(await refusal(twilio.messages('9d0d7f5c-0000-4000-8000-000000000000').fetch())).toMatchObject({ status: 404, code: 20404 });
    expect(await signalwire.messages.list()).toEqual([]);

    const theirs = await signalwireClient(app.url, OTHER, OTHER_TOKEN).messages.create({ to: TO, from: FROM, body: 'theirs' });
    expect(await refusal(signalwire.messages(theirs.sid).fetch())).toMatchObject({ status: 404, code: 20404 });
    expect(await signalwire.messages.list()).toEqual([]);
  });
});
