import { describe, expect, it } from 'vitest';
import type { CollectInstruction, DialInstruction, RecordInstruction } from '../../src/domain/instructions.js';
import { readLamlDocument } from '../../src/xml/laml-instructions.js';
import { MAX_LAML_BYTES, parseLaml } from '../../src/xml/laml-xml.js';

const DOC_URL = 'https://app.example/voice/start?step=1';

function error(body: string) {
  const result = parseLaml(body);
  if (result.ok) throw new Error('expected the document to be refused');
  return result.error;
}

function instructions(body: string) {
  const read = readLamlDocument(body, DOC_URL);
  if (!read.ok) throw new Error(read.error.message);
  return read.instructions;
}

describe('LaML validation', () => {
  it('accepts a typical IVR document with SSML, nested prompts, Dial nouns and Record', () => {
    const result = parseLaml(`<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Say voice="Polly.Joanna" language="en-US">Hello <break time="1s"/> there</Say>
  <Gather input="dtmf speech" action="/menu" numDigits="1" timeout="7" finishOnKey="" actionOnEmptyResult="true">
    <Say>Press 1 for sales</Say>
    <Play>https://app.example/beep.mp3</Play>
    <Pause length="2"/>
  </Gather>
  <Dial callerId="+14155550000" timeout="20" action="https://app.example/dialed" record="record-from-answer">
    <Number sendDigits="ww2410" statusCallbackEvent="initiated ringing answered completed">+14155551111</Number>
    <Sip>sip:alice@example.sip.signalwire.com</Sip>
  </Dial>
  <Record action="/recorded" maxLength="30" recordingStatusCallbackEvent="in-progress completed"/>
  <Reject reason="busy"/>
</Response>`);
    expect(result).toMatchObject({ ok: true, warnings: [] });
    expect(result.ok && result.document.children.map((c) => c.name)).toEqual(['Say', 'Gather', 'Dial', 'Record', 'Reject']);
  });

  it('names line, column and rule for a Plivo element inside a LaML verb', () => {
    expect(error('<Response>\n  <Gather>\n    <Speak>hi</Speak>\n  </Gather>\n</Response>')).toEqual({
      rule: 'unknown-element',
      line: 3,
      column: 5,
      message: 'line 3, column 5: <Speak> is not a LaML element',
    });
  });

  it('skips an unknown top-level verb with a warning, as SignalWire warns 13750 and carries on', () => {
    const result = parseLaml('<Response><Speak>hi</Speak><Hangup/></Response>');
    expect(result.ok && result.warnings).toEqual(['line 1, column 11: <Speak> is not a LaML verb hookline knows; warning 13750, it is skipped']);
  });

  it('refuses wrong nesting, saying what the parent may hold', () => {
    expect(error('<Response><Gather><Dial>+14155550000</Dial></Gather></Response>')).toMatchObject({
      rule: 'nesting',
      message: 'line 1, column 19: <Dial> cannot be inside <Gather>; it may hold <Say>, <Play>, <Pause>',
    });
  });

  it('refuses attribute values outside the reference', () => {
    expect(error('<Response><Gather input="touch"/></Response>')).toMatchObject({ rule: 'attribute-value', message: expect.stringContaining('input may list only dtmf, speech') });
    expect(error('<Response><Reject reason="later"/></Response>')).toMatchObject({ rule: 'attribute-value' });
    expect(error('<Response><Record recordingStatusCallbackEvent="done"/></Response>')).toMatchObject({ rule: 'attribute-value' });
    expect(error('<Response><Play digits="12x"/></Response>')).toMatchObject({ rule: 'attribute-value' });
  });

  it('names the line and column of a bad recording mode, noun status event or recording event on Dial', () => {
    expect(error('<Response>\n  <Dial record="sometimes"><Number>+14155551111</Number></Dial>\n</Response>')).toMatchObject({
      rule: 'attribute-value',
      line: 2,
      column: 3,
      message: expect.stringContaining('record must be one of do-not-record, record-from-answer'),
    });
    expect(error('<Response><Dial>\n<Number statusCallbackEvent="initiated hangup">+14155551111</Number></Dial></Response>')).toMatchObject({
      line: 2,
      column: 1,
      message: expect.stringContaining('statusCallbackEvent may list only initiated, ringing, answered, completed (not hangup)'),
    });
    expect(error('<Response><Dial recordingStatusCallbackEvent="started">+14155551111</Dial></Response>')).toMatchObject({ rule: 'attribute-value', line: 1, column: 11 });
  });

  it('refuses what is not LaML at all: another root, broken XML, a DOCTYPE, and a document over 64 kB', () => {
    expect(error('<Document/>')).toMatchObject({ rule: 'root' });
    expect(error('<Response><Say>hi</Response>')).toMatchObject({ rule: 'not-xml', line: 1 });
    expect(error('<!DOCTYPE x [<!ENTITY a "aaaa">]><Response/>')).toMatchObject({ rule: 'not-xml' });
    expect(error(`<Response><Say>${'a'.repeat(MAX_LAML_BYTES)}</Say></Response>`)).toMatchObject({ rule: 'too-large' });
  });

  it('keeps undocumented attributes as warnings', () => {
    const result = parseLaml('<Response><Say colour="blue">hi</Say></Response>');
    expect(result.ok && result.warnings).toEqual(['line 1, column 11: <Say> has no documented attribute "colour"; it is ignored']);
  });

  it('refuses a method other than GET or POST with 13221, naming the line and column, as SignalWire files it under Errors', () => {
    expect(error('<Response><Gather method="PUT"/></Response>')).toMatchObject({ rule: 'attribute-value', code: 13221, line: 1, column: 11 });
    expect(error('<Response>\n  <Redirect method="get">/next</Redirect></Response>')).toMatchObject({ code: 13221, line: 2, column: 3 });
    expect(instructions('<Response><Gather method="GET" action="/next"/></Response>')).toMatchObject([{ kind: 'collect', action: { url: 'https://app.example/next', method: 'GET' } }]);
  });
});

describe('LaML into the instruction tree', () => {
  it('fills Gather with SignalWire’s defaults, its action defaulting to the document’s own URL', () => {
    const [gather] = instructions('<Response><Gather><Say>Press a key</Say></Gather></Response>') as [CollectInstruction];
    expect(gather).toMatchObject({
      kind: 'collect',
      inputs: ['dtmf'],
      action: { url: DOC_URL, method: 'POST' },
      redirect: true,
      firstInputTimeoutMs: 5000,
      interDigitTimeoutMs: 5000,
      finishOnKey: '#',
      attempts: 1,
      actionOnEmpty: false,
    });
    expect(gather.prompts.map((p) => p.kind)).toEqual(['speak']);
  });

  it('resolves relative action, Redirect and Play URLs against the document, and keeps a policy fragment', () => {
    const [gather, play, redirect] = instructions(
      '<Response><Gather action="../menu#ot=500" method="GET" input="speech dtmf" numDigits="3" timeout="9" finishOnKey="*" actionOnEmptyResult="true"/><Play>/audio/hi.wav</Play><Redirect method="GET">next</Redirect></Response>',
    );
    expect(gather).toMatchObject({ action: { url: 'https://app.example/menu#ot=500', method: 'GET' }, inputs: ['speech', 'dtmf'], maxDigits: 3, firstInputTimeoutMs: 9000, finishOnKey: '*', actionOnEmpty: true });
    expect(play).toMatchObject({ kind: 'play', url: 'https://app.example/audio/hi.wav', loop: 1 });
    expect(redirect).toMatchObject({ kind: 'redirect', target: { url: 'https://app.example/voice/next', method: 'GET' } });
  });

  it('turns Play digits= into tones sent, Pause into silence, Hangup and Reject into hangups', () => {
    expect(instructions('<Response><Play digits="ww12#"/><Pause length="3"/><Hangup/></Response>')).toMatchObject([
      { kind: 'send-digits', digits: 'ww12#', async: false },
      { kind: 'pause', lengthMs: 3000 },
      { kind: 'hangup', reason: null },
    ]);
    expect(instructions('<Response><Reject/></Response>')).toMatchObject([{ kind: 'hangup', reason: 'rejected' }]);
    expect(instructions('<Response><Reject reason="busy"/></Response>')).toMatchObject([{ kind: 'hangup', reason: 'busy' }]);
  });

  it('dials Number and Sip nouns, or the number written inside Dial; without an action the next verb runs', () => {
    const [withNouns, spelled] = instructions(
      '<Response><Dial action="/dialed" timeout="15" callerId="+14155550000"><Number sendDigits="w1">+14155551111</Number><Sip>sip:bob@example.com</Sip></Dial><Dial>+14155552222</Dial></Response>',
    ) as [DialInstruction, DialInstruction];
    expect(withNouns).toMatchObject({
      action: { url: 'https://app.example/dialed', method: 'POST' },
      redirect: true,
      ringTimeoutMs: 15_000,
      callerId: '+14155550000',
      targets: [
        { kind: 'number', address: '+14155551111', sendDigits: 'w1' },
        { kind: 'sip', address: 'sip:bob@example.com', sendDigits: '' },
      ],
    });
    expect(spelled).toMatchObject({ action: null, redirect: false, ringTimeoutMs: 30_000, targets: [{ kind: 'number', address: '+14155552222' }] });
  });

  it('reads Dial record modes, recording events, and each noun’s status callback (completed alone by default) and whisper url', () => {
    const [answer, ringing, none] = instructions(
      '<Response><Dial record="record-from-answer" recordingStatusCallback="/rec" recordingStatusCallbackEvent="in-progress completed"><Number statusCallback="/leg" statusCallbackEvent="ringing answered" url="/whisper" method="GET">+14155551111</Number><Sip statusCallback="/sip">sip:bob@example.com</Sip></Dial><Dial record="record-from-ringing-dual">+14155552222</Dial><Dial>+14155553333</Dial></Response>',
    ) as [DialInstruction, DialInstruction, DialInstruction];
    expect(answer.recording).toEqual({ source: 'DialVerb', channels: 1, fromRinging: false, callback: { target: { url: 'https://app.example/rec', method: 'POST' }, events: ['in-progress', 'completed'] } });
    expect(answer.targets).toMatchObject([
      { progress: { target: { url: 'https://app.example/leg', method: 'POST' }, events: ['ringing', 'answered'] }, whisper: { url: 'https://app.example/whisper', method: 'GET' } },
      { progress: { target: { url: 'https://app.example/sip' }, events: ['completed'] }, whisper: null },
    ]);
    expect(ringing.recording).toEqual({ source: 'DialVerb', channels: 2, fromRinging: true, callback: null });
    expect(none.recording).toBeNull();
  });

  it('joins a conference through Dial, with the room’s settings', () => {
    expect(instructions('<Response><Dial action="/left"><Conference endConferenceOnExit="true" maxParticipants="10">Room 1</Conference></Dial></Response>')).toMatchObject([
      { kind: 'conference', room: 'Room 1', endOnExit: true, maxMembers: 10, action: { url: 'https://app.example/left' }, source: { element: 'Conference' }, statusCallback: null, waitUrl: null },
    ]);
    expect(instructions('<Response><Dial><Conference statusCallback="/events" statusCallbackMethod="GET" statusCallbackEvent="join leave start" waitUrl="/wait" waitMethod="GET">R</Conference></Dial></Response>')).toMatchObject([
      { statusCallback: { target: { url: 'https://app.example/events', method: 'GET' }, events: ['start', 'join', 'leave'] }, waitUrl: { url: 'https://app.example/wait', method: 'GET' } },
    ]);
    expect(error('<Response><Dial>\n  <Conference statusCallbackEvent="join exit">R</Conference></Dial></Response>')).toMatchObject({
      rule: 'attribute-value',
      line: 2,
      column: 3,
      message: expect.stringContaining('statusCallbackEvent may list only start, end, join, leave, mute, hold, speaker (not exit)'),
    });
  });

  it('records up to an hour by default, any key ending it, the action defaulting to the document', () => {
    const [record] = instructions('<Response><Record recordingStatusCallback="/rec" playBeep="false"/></Response>') as [RecordInstruction];
    expect(record).toMatchObject({
      action: { url: DOC_URL },
      redirect: true,
      maxLengthMs: 3_600_000,
      silenceTimeoutMs: 5000,
      finishOnKey: '1234567890*#',
      playBeep: false,
      callback: { url: 'https://app.example/rec', method: 'POST' },
      callbackEvents: ['completed'],
    });
  });

  it('sends Sms and Message, Body nouns joined, ends left to the call', () => {
    expect(instructions('<Response><Sms to="+14155550001">Hi there</Sms><Message><Body>One </Body><Body>two</Body></Message></Response>')).toMatchObject([
      { kind: 'send-message', to: '+14155550001', from: '', text: 'Hi there', type: 'sms' },
      { kind: 'send-message', to: '', from: '', text: 'One two', type: 'sms' },
    ]);
  });

  it('reads Enqueue, Leave and Dial Queue; keeps Connect as a verb that is noted and skipped', () => {
    expect(instructions('<Response><Enqueue action="/left" waitUrl="/hold" waitUrlMethod="GET">support</Enqueue><Leave/><Dial action="/done" timeout="10"><Queue url="/hello">support</Queue></Dial><Connect><Stream url="wss://x.example/s"/></Connect></Response>')).toMatchObject([
      { kind: 'enqueue', queue: 'support', action: { url: 'https://app.example/left', method: 'POST' }, waitUrl: { url: 'https://app.example/hold', method: 'GET' } },
      { kind: 'leave' },
      { kind: 'dequeue', queue: 'support', url: { url: 'https://app.example/hello' }, action: { url: 'https://app.example/done' }, redirect: true, waitMs: 10_000, source: { element: 'Queue' } },
      { kind: 'unsimulated', source: { element: 'Connect' } },
    ]);
  });

  it('skips an Enqueue without a queue name with 14204, naming the line and column, and refuses a bad waitUrlMethod with 13221', () => {
    const nameless = readLamlDocument('<Response>\n <Enqueue waitUrl="/hold"></Enqueue><Hangup/></Response>', DOC_URL);
    expect(nameless).toMatchObject({ ok: true, instructions: [{ kind: 'hangup' }], warnings: ['line 2, column 2: <Enqueue> has no queue name; warning 14204, it is skipped'] });
    expect(error('<Response><Enqueue waitUrlMethod="PUT">q</Enqueue></Response>')).toMatchObject({ code: 13221, line: 1, column: 11, message: expect.stringContaining('waitUrlMethod') });
  });
});

describe('LaML warnings SignalWire documents: the part is left out, the rest runs', () => {
  function read(body: string) {
    const result = readLamlDocument(`<Response>${body}</Response>`, DOC_URL);
    if (!result.ok) throw new Error(result.error.message);
    return result;
  }
  const dialTargets = (body: string) => (read(body).instructions[0] as DialInstruction).targets.map((target) => target.address);

  it('skips a Number that is not E.164 or is empty with 13223 and dials the rest', () => {
    const result = read('<Dial><Number>call-me</Number><Number> </Number><Number>+14155551111</Number></Dial>');
    expect(result.warnings).toEqual([
      'line 1, column 17: <Number> holds "call-me", which is not an E.164 number; warning 13223, it is skipped',
      'line 1, column 41: <Number> has no number; warning 13223, it is skipped',
    ]);
    expect(dialTargets('<Dial><Number>call-me</Number><Number>+14155551111</Number></Dial>')).toEqual(['+14155551111']);
  });

  it('leaves a Dial with nothing left to ring without targets and says it fails (13223)', () => {
    const bad = read('<Dial>not a number</Dial>');
    expect(bad.warnings).toEqual([
      'line 1, column 11: the text of <Dial> "not a number" is not an E.164 number; warning 13223, it is ignored',
      'line 1, column 11: <Dial> has no number to dial; it fails (DialCallStatus=failed); warning 13223',
    ]);
    expect(bad.instructions).toMatchObject([{ kind: 'dial', targets: [] }]);
    expect(read('<Dial><Number>x</Number></Dial>').warnings).toHaveLength(2);
  });

  it('skips a Sip noun without a URI (13254) or with a malformed one (13243)', () => {
    const result = read('<Dial><Sip></Sip><Sip>alice@example.com</Sip><Sip>sip:bob@example.com</Sip></Dial>');
    expect(result.warnings).toEqual([expect.stringMatching(/^line 1, column 17: <Sip> has no SIP URI; warning 13254/), expect.stringMatching(/<Sip> holds "alice@example.com", which is not a sip: URI; warning 13243, it is skipped$/)]);
    expect((result.instructions[0] as DialInstruction).targets).toMatchObject([{ kind: 'sip', address: 'sip:bob@example.com' }]);
  });

  it('skips an element a Dial may not hold with 13215, and nouns past the tenth', () => {
    const stray = read('<Dial><Say>hi</Say><Client>bob</Client><Number>+14155551111</Number></Dial>');
    expect(stray.warnings).toEqual([
      'line 1, column 17: <Say> cannot be inside <Dial>; warning 13215, it is skipped',
      'line 1, column 30: <Client> cannot be inside <Dial>; warning 13215, it is skipped',
    ]);
    expect(dialTargets('<Dial><Say>hi</Say><Number>+14155551111</Number></Dial>')).toEqual(['+14155551111']);
    const numbers = Array.from({ length: 11 }, (_, i) => `<Number>+1415555110${String(i).padStart(2, '0')}</Number>`).join('');
    const many = read(`<Dial>${numbers}</Dial>`);
    expect(many.warnings).toEqual([expect.stringMatching(/<Number> is one noun too many: a Dial rings at most 10; warning 13215, it is skipped$/)]);
    expect((many.instructions[0] as DialInstruction).targets).toHaveLength(10);
  });

  it('keeps the first Conference of a Dial and skips what is mixed with it (13000)', () => {
    const result = read('<Dial><Number>+14155551111</Number><Conference>one</Conference><Conference>two</Conference></Dial>');
    expect(result.warnings).toEqual([
      expect.stringMatching(/<Conference> is a second Conference in one Dial; warning 13000, it is skipped$/),
      expect.stringMatching(/^line 1, column 17: <Number> cannot be mixed with <Conference>; warning 13000, it is skipped$/),
    ]);
    expect(result.instructions).toMatchObject([{ kind: 'conference', room: 'one' }]);
  });

  it('refuses a bad sendDigits, recording callback event or trim with the error code SignalWire files it under (13222, 13621, 13699)', () => {
    expect(error('<Response><Dial><Number sendDigits="12x">+14155551111</Number></Dial></Response>')).toMatchObject({ rule: 'attribute-value', code: 13222, line: 1, column: 17 });
    expect(error('<Response><Record recordingStatusCallbackEvent="done"/></Response>')).toMatchObject({ code: 13621, message: expect.stringContaining('(error 13621)') });
    expect(error('<Response><Conference trim="yes"/></Response>')).toMatchObject({ rule: 'nesting' });
    expect(error('<Response><Dial trim="yes">+14155551111</Dial></Response>')).toMatchObject({ code: 13699 });
    expect(parseLaml('<Response><Dial><Number sendDigits="wwA1#">+14155551111</Number></Dial></Response>')).toMatchObject({ ok: true, warnings: [] });
    expect(error('<Response><Gather input="touch"/></Response>').code).toBeUndefined();
  });

  it('still refuses what no warning covers with an error (12100 on a call)', () => {
    expect(error('<Response><Gather><Dial>+14155550000</Dial></Gather></Response>')).toMatchObject({ rule: 'nesting' });
    expect(error('<Response><Dial><Number>+14155551111</Number></Dial')).toMatchObject({ rule: 'not-xml' });
  });
});
