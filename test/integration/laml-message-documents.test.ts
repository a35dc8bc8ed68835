import { describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import { advance, inboundSmsParams, laml, lamlSetUp, PROJECT, requestsTo, SIGNING_KEY } from '../support/laml-project.js';
import { signedForBoth, type LamlClient } from '../support/laml-sdk.js';
import type { ReceivedRequest, Reply } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

/** The project's number, and a phone that texts it. */
const NUMBER = '+14155550142';
const PHONE = '+14155550177';

const rig = useRig();

const setUp = (routes: Record<string, (request: ReceivedRequest) => Reply> = {}) => lamlSetUp(rig, routes);

/** The phone texts the number; resolves the inbound message's sid once every document has been asked for. */
async function textIn(app: RunningApp, text = 'Hello there'): Promise<string> {
  const inbound = await app.control<{ messageUuid: string }>('POST', '/inbound/messages', { from: PHONE, to: NUMBER, text });
  expect(inbound.status).toBe(202);
  await advance(app, 0);
  return inbound.body.messageUuid;
}

/** What the SmsUrl receives for the phone's text (laml.md §5.1). */
const inboundParams = (sid: string, body = 'Hello there') => inboundSmsParams(sid, { from: PHONE, to: NUMBER, body });

/** The messages the app's answers sent, oldest first. */
async function replies(client: LamlClient) {
  return (await client.messages.list()).filter((message) => message.direction === 'outbound-reply').reverse();
}

const expectAllSigned = (requests: readonly ReceivedRequest[]) => {
  for (const received of requests) expect(signedForBoth(SIGNING_KEY, received), `${received.url} is signed`).toEqual({ signalwire: true, twilio: true });
};

describe('LaML messaging documents', () => {
  describe('SmsFallbackUrl', () => {
    const failures: Array<[string, Reply, string]> = [
      ['an HTTP error', { status: 500 }, '11217'],
      ['a document that is not LaML', laml('<Say>Hi</Say>'), '12100'],
      ['a JSON answer', { status: 200, headers: { 'content-type': 'application/json' }, body: '{"reply":"hi"}' }, '12300'],
      ['an image', { status: 200, headers: { 'content-type': 'image/png' }, body: 'PNG' }, '12300'],
    ];
    it.each(failures)('is asked with the same params plus ErrorCode and ErrorUrl when the SmsUrl answers %s, and its reply is sent', async (_what, failure, errorCode) => {
      const { app, appServer, signalwire } = await setUp({
        '/sms': () => failure,
        '/sms-fallback': () => laml('<Message>Sorry, try again later</Message>'),
      });
      await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, smsUrl: appServer.url('/sms'), smsFallbackUrl: appServer.url('/sms-fallback') });
      const sid = await textIn(app);

      expect(requestsTo(appServer.requests, '/sms').map((received) => received.params)).toEqual([inboundParams(sid)]);
      const fallback = requestsTo(appServer.requests, '/sms-fallback');
      expect(fallback.map((received) => [received.method, received.params])).toEqual([['POST', { ...inboundParams(sid), ErrorCode: errorCode, ErrorUrl: appServer.url('/sms') }]]);
      expect((await replies(signalwire)).map((message) => [message.from, message.to, message.body])).toEqual([[NUMBER, PHONE, 'Sorry, try again later']]);
      expectAllSigned(appServer.requests);
    });

    it('is asked with SmsFallbackMethod GET when the SmsUrl cannot be reached (11200)', async () => {
      const { app, appServer, twilio } = await setUp({ '/sms-fallback': () => laml('<Message>From the fallback</Message>') });
      await twilio.incomingPhoneNumbers.create({ phoneNumber: NUMBER, smsUrl: 'http://127.0.0.1:1/sms', smsFallbackUrl: appServer.url('/sms-fallback'), smsFallbackMethod: 'GET' });
      const sid = await textIn(app);

      const [fallback] = requestsTo(appServer.requests, '/sms-fallback');
      expect(fallback!.method).toBe('GET');
      expect(fallback!.params).toEqual({ ...inboundParams(sid), ErrorCode: '11200', ErrorUrl: 'http://127.0.0.1:1/sms' });
      expect((await replies(twilio)).map((message) => message.body)).toEqual(['From the fallback']);
      expectAllSigned(appServer.requests);
    });

    it('is not asked when the SmsUrl answers with a document, and nothing is sent when both fail', async () => {
      const { app, appServer, signalwire } = await setUp({ '/sms': () => laml('<Message>Hi</Message>'), '/broken': () => ({ status: 404 }) });
      await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, smsUrl: appServer.url('/sms'), smsFallbackUrl: appServer.url('/broken') });
      await textIn(app);
      expect(requestsTo(appServer.requests, '/broken')).toEqual([]);

      const number = (await signalwire.incomingPhoneNumbers.list())[0]!;
      await signalwire.incomingPhoneNumbers(number.sid).update({ smsUrl: appServer.url('/broken') });
      const sid = await textIn(app, 'Again');
      expect(requestsTo(appServer.requests, '/broken').map((received) => received.params)).toEqual([
        inboundParams(sid, 'Again'),
        { ...inboundParams(sid, 'Again'), ErrorCode: '11217', ErrorUrl: appServer.url('/broken') },
      ]);
      expect((await replies(signalwire)).map((message) => message.body)).toEqual(['Hi']);
    });
  });

  it('asks a <Message action> with the sent message’s params, MessageStatus and ErrorCode, runs its document, and skips the verbs after it', async () => {
    const { app, appServer, signalwire } = await setUp({
      '/sms': () => laml('<Message action="/after" method="GET">First</Message><Message>Never sent</Message>'),
      '/after': () => laml('<Message>Second</Message>'),
    });
    await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, smsUrl: appServer.url('/sms') });
    await textIn(app);

    const sent = await replies(signalwire);
    expect(sent.map((message) => message.body)).toEqual(['First', 'Second']);
    const [after] = requestsTo(appServer.requests, '/after');
    expect(after!.method).toBe('GET');
    expect(after!.params).toEqual({
      MessageSid: sent[0]!.sid,
      SmsSid: sent[0]!.sid,
      SmsMessageSid: sent[0]!.sid,
      MessageStatus: 'sending',
      SmsStatus: 'sending',
      ErrorCode: '',
      AccountSid: PROJECT,
      From: NUMBER,
      To: PHONE,
      Body: 'First',
      NumMedia: '0',
      NumSegments: '1',
      ApiVersion: '2010-04-01',
    });
    expectAllSigned(appServer.requests);
  });

  it('asks a <Message action> with MessageStatus invalid when its message cannot be sent', async () => {
    const { app, appServer, signalwire } = await setUp({ '/sms': () => laml('<Message to="not a number" action="/after">x</Message>') });
    await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, smsUrl: appServer.url('/sms') });
    const sid = await textIn(app);
    expect(requestsTo(appServer.requests, '/after')[0]!.params).toEqual({ ...inboundParams(sid), SmsStatus: 'invalid', MessageStatus: 'invalid', ErrorCode: '21211' });
    expect(await replies(signalwire)).toEqual([]);
  });

  it('follows a <Redirect> with the inbound message’s params and the Redirect’s method, relative to the document', async () => {
    const { app, appServer, signalwire } = await setUp({
      '/sms': () => laml('<Message>Before</Message><Redirect method="GET">next?step=2</Redirect><Message>Never sent</Message>'),
      '/next': () => laml('<Message>After</Message>'),
    });
    await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, smsUrl: appServer.url('/sms') });
    const sid = await textIn(app);

    const [next] = requestsTo(appServer.requests, '/next');
    expect([next!.method, next!.url.split('?')[1]?.startsWith('step=2&')]).toEqual(['GET', true]);
    expect(next!.params).toEqual({ step: '2', ...inboundParams(sid) });
    expect((await replies(signalwire)).map((message) => message.body)).toEqual(['Before', 'After']);
    expectAllSigned(appServer.requests);
  });

  it('stops following Redirects after ten documents', async () => {
    const { app, appServer, signalwire } = await setUp({ '/sms': () => laml('<Redirect>/sms</Redirect>') });
    await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, smsUrl: appServer.url('/sms') });
    await textIn(app);
    expect(requestsTo(appServer.requests, '/sms')).toHaveLength(10);
  });

  it('sends <Message to from> with <Body> and <Media> as an MMS that stops at sent', async () => {
    const { app, appServer, signalwire } = await setUp({
      '/sms': () =>
        laml('<Message to="+14155550111" from="+14155550142" statusCallback="/status"><Body>Your </Body><Body>picture</Body><Media>/pics/a.png</Media><Media>https://media.example/b.gif</Media></Message>'),
    });
    await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, smsUrl: appServer.url('/sms') });
    await textIn(app);
    await advance(app, 5_000);

    const [mms] = await replies(signalwire);
    expect(mms).toMatchObject({ from: NUMBER, to: '+14155550111', body: 'Your picture', numMedia: 2, status: 'sent' });
    const statuses = requestsTo(appServer.requests, '/status');
    expect(statuses.map((received) => received.params.MessageStatus).sort()).toEqual(['sending', 'sent']);
    expect(statuses[0]!.params).toMatchObject({
      MessageSid: mms!.sid,
      NumMedia: '2',
      MediaUrl0: appServer.url('/pics/a.png'),
      MediaContentType0: 'image/png',
      MediaUrl1: 'https://media.example/b.gif',
      MediaContentType1: 'image/gif',
    });
    expectAllSigned(appServer.requests);
  });

  it('sends a text/plain answer back to the sender as a message', async () => {
    const { app, appServer, signalwire } = await setUp({ '/sms': () => ({ status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Plain thanks' }) });
    await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, smsUrl: appServer.url('/sms') });
    await textIn(app);
    expect((await replies(signalwire)).map((message) => [message.from, message.to, message.body])).toEqual([[NUMBER, PHONE, 'Plain thanks']]);
  });
});
