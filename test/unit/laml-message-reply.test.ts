import { describe, expect, it } from 'vitest';
import { parseLamlMessageReply } from '../../src/xml/laml-message-reply.js';

const INBOUND = { from: '+14155550177', to: '+14155550142' };
const SMS_URL = 'https://app.example/sms/in';
const read = (body: string) => parseLamlMessageReply(body, INBOUND, SMS_URL);

describe('a LaML answer to an inbound message', () => {
  it('sends nothing for an empty body or an empty Response', () => {
    expect(read('')).toEqual({ ok: true, verbs: [], warnings: [] });
    expect(read('<Response/>')).toEqual({ ok: true, verbs: [], warnings: [] });
  });

  it('defaults to the sender and from the number that received it', () => {
    expect(read('<Response><Message>Thanks</Message></Response>')).toEqual({
      ok: true,
      verbs: [{ kind: 'message', to: INBOUND.from, from: INBOUND.to, text: 'Thanks', mediaUrls: [], statusCallback: null, action: null }],
      warnings: [],
    });
  });

  it('joins Body nouns, resolves Media and statusCallback against the SmsUrl', () => {
    const reply = read('<Response><Message to="+14155550100" statusCallback="status"><Body>Hello </Body><Body>there</Body><Media>/pics/a.png</Media></Message></Response>');
    expect(reply).toMatchObject({
      ok: true,
      verbs: [{ kind: 'message', to: '+14155550100', text: 'Hello there', mediaUrls: ['https://app.example/pics/a.png'], statusCallback: { url: 'https://app.example/sms/status', method: 'POST' } }],
    });
  });

  it('takes to, from, action and method, and drops what follows a <Message action> with a warning', () => {
    const reply = read('<Response><Message to="+14155550101" from="+14155550102" action="/after" method="GET">One</Message><Redirect>/next</Redirect><Message>Two</Message></Response>');
    expect(reply).toEqual({
      ok: true,
      verbs: [{ kind: 'message', to: '+14155550101', from: '+14155550102', text: 'One', mediaUrls: [], statusCallback: null, action: { url: 'https://app.example/after', method: 'GET' } }],
      warnings: ['line 1, column 11: control passes on at this <Message action>; the 2 verb(s) after it never run'],
    });
  });

  it('reads a <Redirect> with its method, resolved against the document, as the last verb that runs', () => {
    expect(read('<Response><Message>First</Message><Redirect method="GET">next?step=2</Redirect><Message>Never</Message></Response>')).toEqual({
      ok: true,
      verbs: [
        { kind: 'message', to: INBOUND.from, from: INBOUND.to, text: 'First', mediaUrls: [], statusCallback: null, action: null },
        { kind: 'redirect', target: { url: 'https://app.example/sms/next?step=2', method: 'GET' } },
      ],
      warnings: ['line 1, column 35: control passes on at this <Redirect>; the 1 verb(s) after it never run'],
    });
    expect(read('<Response><Redirect method="PUT">/x</Redirect></Response>')).toMatchObject({ ok: false, reason: expect.stringContaining('not GET or POST') });
    expect(read('<Response><Redirect/></Response>')).toMatchObject({ ok: false, reason: expect.stringContaining('<Redirect> has no URL') });
  });

  it('refuses what is not a messaging reply, naming line and column', () => {
    expect(read('<Response>\n  <Say>Hi</Say></Response>')).toEqual({ ok: false, reason: expect.stringMatching(/^line 2, column 3: <Say> is not a messaging verb/) });
    expect(read('<Response><Message/></Response>')).toMatchObject({ ok: false, reason: expect.stringContaining('neither text nor <Media>') });
    expect(read('<Response><Message method="PUT">x</Message></Response>')).toMatchObject({ ok: false, reason: expect.stringContaining('not GET or POST') });
    expect(read('<Response><Message>x')).toMatchObject({ ok: false, reason: expect.stringContaining('not well-formed') });
    expect(read('<Document/>')).toMatchObject({ ok: false, reason: expect.stringContaining('must be <Response>') });
  });
});
