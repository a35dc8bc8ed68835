import { describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_BYTES, parsePlivoXml } from '../../src/xml/plivo-xml.js';

function error(body: string) {
  const result = parsePlivoXml(body);
  if (result.ok) throw new Error('expected the document to be refused');
  return result.error;
}

describe('Plivo XML validation', () => {
  it('accepts a typical IVR document, with its SSML and nested prompts', () => {
    const result = parsePlivoXml(`<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Speak voice="Polly.Joanna" language="en-US">Hello <break time="1s"/> there</Speak>
  <GetDigits action="https://app.example/menu" method="POST" numDigits="1" timeout="7" retries="2" finishOnKey="#" validDigits="123">
    <Speak>Press 1 for sales</Speak>
    <Play>https://app.example/beep.mp3</Play>
  </GetDigits>
  <Dial callerId="14155550000" timeout="20" action="https://app.example/dialed">
    <Number sendDigits="wwww2410">14155551111</Number>
    <User>sip:alice@phone.plivo.com</User>
  </Dial>
  <Record action="https://app.example/recorded" maxLength="30" fileFormat="wav"/>
  <Wait length="2"/>
  <Hangup reason="busy"/>
</Response>`);
    expect(result.ok).toBe(true);
    expect(result.ok && result.document.children.map((c) => c.name)).toEqual(['Speak', 'GetDigits', 'Dial', 'Record', 'Wait', 'Hangup']);
  });

  it('accepts an empty <Response/>: the call simply ends', () => {
    expect(parsePlivoXml('<Response/>')).toMatchObject({ ok: true, warnings: [] });
  });

  it('names line, column and rule for an unknown element such as Twilio’s <Say>', () => {
    expect(error('<Response>\n  <Say>hi</Say>\n</Response>')).toEqual({ rule: 'unknown-element', line: 2, column: 3, message: 'line 2, column 3: <Say> is not a Plivo XML element' });
  });

  it('refuses wrong nesting, saying what the parent may hold', () => {
    const refused = error('<Response><GetDigits action="https://a.example/x"><Dial><Number>1415</Number></Dial></GetDigits></Response>');
    expect(refused.rule).toBe('nesting');
    expect(refused.message).toContain('<Dial> cannot be inside <GetDigits>; it may hold <Speak>, <Play>, <Wait>');
    expect(error('<Response><Hangup><Speak>x</Speak></Hangup></Response>').message).toContain('it holds no elements');
  });

  it.each([
    ['<Response><GetDigits numDigits="0"/></Response>', 'numDigits must be a whole number from 1 to 99'],
    ['<Response><GetDigits method="PUT"/></Response>', 'method must be one of GET, POST'],
    ['<Response><Record action="ftp://a.example/r"/></Response>', 'action must be an http or https URL'],
    ['<Response><Hangup reason="tired"/></Response>', 'reason must be one of rejected, busy'],
    ['<Response><Speak voice="ROBOT">x</Speak></Response>', 'voice must be WOMAN, MAN or Polly.<Name>'],
    ['<Response><Conference enterSound="beep:3">room</Conference></Response>', 'enterSound must be "", beep:1, beep:2 or an absolute URL'],
    ['<Response><Dial digitsMatch="12,ab"><Number>14155550100</Number></Dial></Response>', 'digitsMatch must be key sequences (0-9, *, #) joined by commas'],
  ])('refuses a bad attribute value in %s', (body, problem) => {
    const refused = error(body);
    expect(refused.rule).toBe('attribute-value');
    expect(refused.message).toContain(problem);
  });

  it('refuses a missing required attribute and an empty or bad element text', () => {
    expect(error('<Response><GetInput/></Response>')).toMatchObject({ rule: 'required', message: expect.stringContaining('<GetInput> needs the action attribute') });
    expect(error('<Response><Dial><Number/></Dial></Response>')).toMatchObject({ rule: 'body', message: expect.stringContaining('the text of <Number> must not be empty') });
    expect(error('<Response><Play>not a url</Play></Response>').rule).toBe('body');
    expect(error('<Response><DTMF>12a</DTMF></Response>').rule).toBe('body');
  });

  it('keeps an undocumented attribute as a warning rather than failing the call', () => {
    const result = parsePlivoXml('<Response><Wait length="1" colour="blue"/></Response>');
    expect(result).toMatchObject({ ok: true, warnings: ['line 1, column 11: <Wait> has no documented attribute "colour"; it is ignored'] });
  });

  it('refuses what is not Plivo XML at all: another root, broken XML, plain text, and a document over 100 KB', () => {
    expect(error('<Reply/>').rule).toBe('root');
    expect(error('<Response><Speak>fish & chips</Speak></Response>').rule).toBe('not-xml');
    expect(error('hello').rule).toBe('not-xml');
    expect(error('').rule).toBe('not-xml');
    expect(error(`<Response><Speak>${'a'.repeat(MAX_DOCUMENT_BYTES)}</Speak></Response>`)).toMatchObject({ rule: 'too-large', line: 1, column: 1 });
  });
});
