import { describe, expect, it } from 'vitest';
import { parseMessageReply } from '../../src/xml/plivo-message-reply.js';

describe('an application’s reply to an inbound SMS', () => {
  it('reads every <Message> with its destinations, text and callback', () => {
    const reply = parseMessageReply(
      '<Response>\n <Message src="14155550123" dst="14155559999&lt;14155558888" callbackUrl="https://app/s" callbackMethod="get"> Hi! </Message>\n <Message src="1" dst="2">Two</Message>\n</Response>',
    );
    expect(reply).toEqual({
      ok: true,
      messages: [
        { src: '14155550123', dst: '14155559999<14155558888', text: 'Hi!', callbackUrl: 'https://app/s', callbackMethod: 'GET' },
        { src: '1', dst: '2', text: 'Two', callbackUrl: null, callbackMethod: 'POST' },
      ],
    });
  });

  it('sends nothing for an empty body or an empty <Response/>', () => {
    expect(parseMessageReply('')).toEqual({ ok: true, messages: [] });
    expect(parseMessageReply('<Response/>')).toEqual({ ok: true, messages: [] });
  });

  it.each([
    ['<Response><Speak>hi</Speak></Response>', 'line 1, column 11: <Speak> is not allowed'],
    ['<Reply><Message src="1" dst="2">x</Message></Reply>', 'root element must be <Response>'],
    ['<Response><Message dst="2">x</Message></Response>', 'needs both src and dst'],
    ['<Response><Message src="1" dst="2" colour="red">x</Message></Response>', 'no attribute "colour"'],
    ['<Response><Message src="1" dst="2"> </Message></Response>', 'has no text'],
    ['<Response><Message src="1" dst="2">x</Message>', 'not well-formed'],
  ])('refuses %s, saying where and why', (body, reason) => {
    const reply = parseMessageReply(body);
    expect(reply.ok).toBe(false);
    expect(reply.ok ? '' : reply.reason).toContain(reason);
  });
});
