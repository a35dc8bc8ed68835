import { describe, expect, it } from 'vitest';
import { advance, AUTH_ID, inboundSmsParams, laml, lamlSetUp, requestsTo, OTHER, OTHER_TOKEN, postForm, PROJECT, refusal, SIGNING_KEY } from '../support/laml-project.js';
import { signalwireClient, signedForBoth } from '../support/laml-sdk.js';
import type { ReceivedRequest, Reply } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

/** The project's number, and a phone that calls and texts it. */
const NUMBER = '+14155550142';
const PHONE = '+14155550177';

const rig = useRig();

const setUp = (routes: Record<string, (request: ReceivedRequest) => Reply> = {}) => lamlSetUp(rig, routes);


describe('LaML IncomingPhoneNumbers', () => {
  it('creates, fetches, lists, updates and deletes a number through the SDKs', async () => {
    const { appServer, signalwire, twilio } = await setUp();
    const created = await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: appServer.url('/voice'), smsUrl: appServer.url('/sms'), smsMethod: 'GET', friendlyName: 'Front desk' });
    expect(created).toMatchObject({
      accountSid: PROJECT,
      phoneNumber: NUMBER,
      friendlyName: 'Front desk',
      voiceUrl: appServer.url('/voice'),
      voiceMethod: 'POST',
      voiceFallbackUrl: null,
      smsUrl: appServer.url('/sms'),
      smsMethod: 'GET',
      capabilities: { voice: true, sms: true, mms: true, fax: false },
    });
    expect(created.sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.dateCreated).toBeInstanceOf(Date);
    expect(created.uri).toBe(`/api/laml/2010-04-01/Accounts/${PROJECT}/IncomingPhoneNumbers/${created.sid}.json`);

    expect((await twilio.incomingPhoneNumbers(created.sid).fetch()).phoneNumber).toBe(NUMBER);
    expect((await twilio.incomingPhoneNumbers.list()).map((number) => number.sid)).toEqual([created.sid]);

    const updated = await twilio.incomingPhoneNumbers(created.sid).update({ smsMethod: 'POST', voiceFallbackUrl: appServer.url('/fallback'), statusCallback: appServer.url('/status'), voiceUrl: '' });
    expect(updated).toMatchObject({ smsUrl: appServer.url('/sms'), smsMethod: 'POST', voiceFallbackUrl: appServer.url('/fallback'), statusCallback: appServer.url('/status'), voiceUrl: null, friendlyName: 'Front desk' });

    expect(await signalwire.incomingPhoneNumbers(created.sid).remove()).toBe(true);
    expect(await refusal(signalwire.incomingPhoneNumbers(created.sid).fetch())).toMatchObject({ status: 404, code: 20404 });
    expect(await signalwire.incomingPhoneNumbers.list()).toEqual([]);
  });

  it('refuses bad numbers and URLs, another project’s number and another project’s sid, storing nothing', async () => {
    const { app, signalwire } = await setUp();
    const path = `/2010-04-01/Accounts/${PROJECT}/IncomingPhoneNumbers.json`;
    expect(await postForm(app, path, { VoiceUrl: 'https://app.example/voice' })).toMatchObject({ status: 400, body: { code: 21421 } });
    expect(await postForm(app, path, { PhoneNumber: '555', VoiceUrl: 'https://app.example/voice' })).toMatchObject({ status: 400, body: { code: 21421 } });
    expect(await refusal(signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: 'not a url' }))).toMatchObject({ status: 400, code: 21402 });
    expect(await refusal(signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, smsUrl: 'https://app.example/sms', smsMethod: 'PUT' }))).toMatchObject({ status: 400, code: 21209 });
    expect(await signalwire.incomingPhoneNumbers.list()).toEqual([]);

    const theirs = await signalwireClient(app.url, OTHER, OTHER_TOKEN).incomingPhoneNumbers.create({ phoneNumber: NUMBER, smsUrl: 'https://app.example/sms' });
    expect(await refusal(signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER }))).toMatchObject({ status: 400, code: 21422 });
    expect(await refusal(signalwire.incomingPhoneNumbers(theirs.sid).fetch())).toMatchObject({ status: 404, code: 20404 });
    expect(await refusal(signalwire.incomingPhoneNumbers(theirs.sid).remove())).toMatchObject({ status: 404, code: 20404 });
    expect(await signalwire.incomingPhoneNumbers.list()).toEqual([]);
  });

  it('routes an inbound SMS to the SmsUrl with the documented params and sends the <Message> reply', async () => {
    const { app, appServer, signalwire } = await setUp({
      '/sms': () => laml('<Message statusCallback="/reply-status">Thanks, we got it</Message>'),
    });
    await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, smsUrl: appServer.url('/sms') });
    const inbound = await app.control<{ messageUuid: string; dialect: string; appId: string | null; messageUrl: string }>('POST', '/inbound/messages', { from: PHONE, to: NUMBER, text: 'Hello there' });
    expect(inbound).toMatchObject({ status: 202, body: { dialect: 'laml', appId: null, messageUrl: appServer.url('/sms') } });
    await advance(app, 3_000);

    const [asked] = requestsTo(appServer.requests, '/sms');
    const sid = inbound.body.messageUuid;
    expect(asked!.params).toEqual(inboundSmsParams(sid, { from: PHONE, to: NUMBER, body: 'Hello there' }));
    await advance(app, 3_000); // the reply leaves and is delivered on its own clock
    const reply = (await signalwire.messages.list()).find((message) => message.direction === 'outbound-reply');
    expect(reply).toMatchObject({ from: NUMBER, to: PHONE, body: 'Thanks, we got it' });
    expect(await signalwire.messages(sid).fetch()).toMatchObject({ direction: 'inbound', status: 'received', from: PHONE, to: NUMBER });
    const replyStatuses = requestsTo(appServer.requests, '/reply-status');
    expect(replyStatuses.map((received) => received.params.MessageStatus).sort()).toEqual(['delivered', 'sending', 'sent']);
    expect(replyStatuses[0]!.params.MessageSid).toBe(reply!.sid);
    for (const received of appServer.requests) expect(signedForBoth(SIGNING_KEY, received), `${received.url} is signed`).toEqual({ signalwire: true, twilio: true });
  });

  it('routes an inbound MMS with its media as MediaUrl0…', async () => {
    const { app, appServer, signalwire } = await setUp();
    await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, smsUrl: appServer.url('/sms') });
    await app.control('POST', '/inbound/messages', { from: PHONE, to: NUMBER, text: 'see', type: 'mms', mediaUrls: ['https://media.example/a.gif'] });
    await advance(app, 1_000);
    expect(requestsTo(appServer.requests, '/sms')[0]!.params).toMatchObject({ NumMedia: '1', MediaUrl0: 'https://media.example/a.gif', MediaContentType0: 'image/gif', Body: 'see' });
  });

  it('routes an inbound call to the VoiceUrl as an inbound LaML call, with the number’s StatusCallback at the end', async () => {
    const { app, appServer, signalwire } = await setUp({ '/voice': () => laml('<Say>Hello</Say><Hangup/>') });
    await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: appServer.url('/voice'), statusCallback: appServer.url('/status') });
    const inbound = await app.control<{ uuid: string; dialect: string; answerUrl: string }>('POST', '/inbound/calls', { from: PHONE, to: NUMBER, forwardedFrom: '+15550107777' });
    expect(inbound).toMatchObject({ status: 202, body: { dialect: 'laml', answerUrl: appServer.url('/voice') } });
    await advance(app, 30_000);
    const [voice] = requestsTo(appServer.requests, '/voice');
    expect(voice!.params).toMatchObject({ AccountSid: PROJECT, ApiVersion: '2010-04-01', CallSid: inbound.body.uuid, Direction: 'inbound', From: PHONE, To: NUMBER, ForwardedFrom: '+15550107777' });
    const statuses = requestsTo(appServer.requests, '/status');
    expect(statuses.map((received) => received.params.CallStatus)).toEqual(['completed']);
    expect(statuses[0]!.params).toMatchObject({ CallSid: inbound.body.uuid, Direction: 'inbound', SequenceNumber: '0' });
    expect((await signalwire.calls(inbound.body.uuid).fetch()).direction).toBe('inbound');
    for (const received of appServer.requests) expect(signedForBoth(SIGNING_KEY, received), `${received.url} is signed`).toEqual({ signalwire: true, twilio: true });
  });

  it('rings an inbound call into the VoiceFallbackUrl with ErrorCode and ErrorUrl when the VoiceUrl fails', async () => {
    const { app, appServer, signalwire } = await setUp({ '/voice': () => ({ status: 503 }), '/voice-fallback': () => laml('<Hangup/>') });
    await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: appServer.url('/voice'), voiceFallbackUrl: appServer.url('/voice-fallback'), voiceFallbackMethod: 'GET' });
    const inbound = await app.control<{ uuid: string }>('POST', '/inbound/calls', { from: PHONE, to: NUMBER });
    await advance(app, 30_000);
    const [fallback] = requestsTo(appServer.requests, '/voice-fallback');
    expect(fallback!.method).toBe('GET');
    expect(fallback!.params).toEqual({
      ...requestsTo(appServer.requests, '/voice')[0]!.params,
      CallSid: inbound.body.uuid,
      Direction: 'inbound',
      ErrorCode: '11217',
      ErrorUrl: appServer.url('/voice'),
    });
    for (const received of appServer.requests) expect(signedForBoth(SIGNING_KEY, received), `${received.url} is signed`).toEqual({ signalwire: true, twilio: true });
  });

  it('answers 409 for traffic to a LaML number without the URL it needs, and hands a number back to Plivo routing when Plivo points it at an application', async () => {
    const { app, signalwire } = await setUp();
    await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: 'https://app.example/voice' });
    expect(await app.control('POST', '/inbound/messages', { from: PHONE, to: NUMBER, text: 'hi' })).toMatchObject({ status: 409 });
    expect((await app.control('POST', '/numbers', { accountId: AUTH_ID, number: NUMBER })).status).toBe(201);
    expect(await signalwire.incomingPhoneNumbers.list()).toEqual([]);
  });
});
