import { describe, expect, it } from 'vitest';
import { parseLamlMessageReply } from '../../src/xml/laml-message-reply.js';

const INBOUND = { from: '+14155550177', to: '+14155550142' };
const SMS_URL = 'https://app.example/sms/in';
const read = (body: string) => parseLamlMessageReply(body, INBOUND, SMS_URL);

describe('a LaML answer to an inbound message', () => {
  it('sends nothing for an empty body or an empty Response', () => {
    expect(read('')).toEqual({ ok: true, messages: [], warnings: [] });
    expect(read('<Response/>')).toEqual({ ok: true, messages: [], warnings: [] });
  });

  it('defaults to the sender and from the number that received it', () => {
    expect(read('<Response><Message>Thanks</Message></Response>')).toEqual({
      ok: true,
      messages: [{ to: INBOUND.from, from: INBOUND.to, text: 'Thanks', mediaUrls: [], statusCallback: null }],
      warnings: [],
    });
  });

  it('joins Body nouns, resolves Media and statusCallback against the SmsUrl', () => {
    const reply = read('<Response><Message to="+14155550100" statusCallback="status"><Body>Hello </Body><Body>there</Body><Media>/pics/a.png</Media></Message></Response>');
    expect(reply).toMatchObject({
      ok: true,
      messages: [{ to: '+14155550100', text: 'Hello there', mediaUrls: ['https://app.example/pics/a.png'], statusCallback: { url: 'https://app.example/sms/status', method: 'POST' } }],
    });
  });

  it('notes action and Redirect as not simulated', () => {
    const reply = read('<Response><Message action="/after">One</Message><Redirect>/next</Redirect><Message>Two</Message></Response>');
    expect(reply.ok && reply.messages.map((message) => message.text)).toEqual(['One']);
    expect(reply.ok && reply.warnings).toHaveLength(2);
  });

  it('refuses what is not a messaging reply, naming line and column', () => {
    expect(read('<Response>\n  <Say>Hi</Say></Response>')).toEqual({ ok: false, reason: expect.stringMatching(/^line 2, column 3: <Say> is not a messaging verb/) });
    expect(read('<Response><Message/></Response>')).toMatchObject({ ok: false, reason: expect.stringContaining('neither text nor <Media>') });
    expect(read('<Response><Message method="PUT">x</Message></Response>')).toMatchObject({ ok: false, reason: expect.stringContaining('not GET or POST') });
    expect(read('<Response><Message>x')).toMatchObject({ ok: false, reason: expect.stringContaining('not well-formed') });
    expect(read('<Document/>')).toMatchObject({ ok: false, reason: expect.stringContaining('must be <Response>') });
  });
});
