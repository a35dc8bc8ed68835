import { describe, expect, it } from 'vitest';
import { audioDurationMs, farEndScript, speechDurationMs } from '../../src/domain/call-far-end.js';
import { documentFailureCause, hangupCauseInfo } from '../../src/domain/hangup-causes.js';
import { billedSeconds, callRecord, endCall, hangupCallbackParams, sessionTime, type PlivoCall } from '../../src/domain/plivo-call.js';
import { wavDurationMs, wavRecording } from '../../src/domain/wav.js';
import { readPlivoDocument } from '../../src/xml/plivo-instructions.js';

const T0 = Date.UTC(2026, 11, 3, 9, 4, 17, 250);

function call(overrides: Partial<PlivoCall> = {}): PlivoCall {
  return {
    uuid: 'c1',
    requestUuid: 'c1',
    accountId: 'SAXXXXXXXXXXXXXXXXXX',
    parentAuthId: 'MAXXXXXXXXXXXXXXXXXX',
    direction: 'outbound',
    from: '14155550100',
    to: '14155550199',
    callerName: '',
    answerUrl: { url: 'http://app/answer', method: 'POST' },
    fallbackUrl: null,
    ringUrl: null,
    hangupUrl: null,
    machineDetection: null,
    timeLimitMs: 14_400_000,
    ringTimeoutMs: 120_000,
    hangupOnRingMs: null,
    parentCallUuid: null,
    status: 'in-progress',
    initiatedAt: T0,
    answeredAt: T0 + 4_000,
    endedAt: null,
    hangup: null,
    billRate: '0.01000',
    ...overrides,
  };
}

describe('a Plivo call’s hangup callback', () => {
  it('carries the times, the minute-rounded bill and the cause by code, name and legacy name', () => {
    const ended = endCall(call(), { code: 4010, source: 'Plivo' }, T0 + 4_000 + 61_400);
    expect(hangupCallbackParams(ended)).toMatchObject({
      Event: 'Hangup',
      CallStatus: 'completed',
      StartTime: '2026-12-03 09:04:17',
      AnswerTime: '2026-12-03 09:04:21',
      EndTime: '2026-12-03 09:05:22',
      Duration: '61',
      BillDuration: '120',
      TotalCost: '0.02000',
      HangupCauseCode: '4010',
      HangupCauseName: 'End Of XML Instructions',
      HangupCause: 'NORMAL_CLEARING',
      HangupSource: 'Plivo',
      ParentAuthID: 'MAXXXXXXXXXXXXXXXXXX',
      ALegUUID: 'c1',
      SessionStart: '2026-12-03 09:04:17.250000',
    });
  });

  it('reports why an unanswered call ended as its CallStatus, with nothing billed', () => {
    const ringing = call({ status: 'ringing', answeredAt: null });
    expect(endCall(ringing, { code: 3010, source: 'Callee' }, T0).status).toBe('busy');
    expect(endCall(ringing, { code: 6010, source: 'Plivo' }, T0).status).toBe('timeout');
    expect(endCall(ringing, { code: 3000, source: 'Carrier' }, T0).status).toBe('no-answer');
    expect(endCall(ringing, { code: 1000, source: 'API Request' }, T0).status).toBe('cancel');
    expect(endCall(ringing, { code: 2000, source: 'Carrier' }, T0).status).toBe('failed');
    const missed = endCall(ringing, { code: 3010, source: 'Callee' }, T0 + 5_000);
    expect(billedSeconds(missed)).toBe(0);
    expect(hangupCallbackParams(missed)).toMatchObject({ AnswerTime: '', Duration: '0', TotalCost: '0.00000' });
  });

  it('shows a call detail record in the REST API’s shape', () => {
    const record = callRecord(endCall(call(), { code: 4000, source: 'Callee' }, T0 + 34_000));
    expect(record).toMatchObject({ call_uuid: 'c1', call_direction: 'outbound', from_number: '14155550100', answer_time: '2026-12-03 09:04:21+00:00', call_duration: 30, bill_duration: 60, total_amount: '0.01000', hangup_cause_code: 4000, hangup_source: 'Callee', resource_uri: '/v1/Account/SAXXXXXXXXXXXXXXXXXX/Call/c1/' });
  });

  it('names the document failures by role', () => {
    expect(documentFailureCause('answer', 'unreachable')).toBe(7011);
    expect(documentFailureCause('action', 'invalid')).toBe(8012);
    expect(documentFailureCause('redirect', 'unreachable')).toBe(7014);
    expect(hangupCauseInfo(9000)).toEqual({ name: 'Lost Race', legacy: 'LOSE_RACE' });
    expect(sessionTime(T0)).toBe('2026-12-03 09:04:17.250000');
  });
});

describe('the far end of a call', () => {
  it('answers by default and follows the magic numbers', () => {
    expect(farEndScript('+14155550199')).toEqual({ outcome: 'answer', ringMs: 2_000, machine: false });
    expect(farEndScript('15551000042').outcome).toBe('busy');
    expect(farEndScript('15551010042').outcome).toBe('no-answer');
    expect(farEndScript('15551020042').outcome).toBe('failed');
    expect(farEndScript('15551030042')).toMatchObject({ outcome: 'answer', machine: true });
    expect(farEndScript('15551040042')).toMatchObject({ outcome: 'answer', ringMs: 25_000 });
    expect(farEndScript('15551050042').outcome).toBe('rejected');
  });

  it('times speech by its words and audio by its size', () => {
    expect(speechDurationMs('Press one for sales')).toBe(1_600);
    expect(speechDurationMs('Hi')).toBe(1_000);
    expect(audioDurationMs('audio/wav', 44 + 16_000 * 3)).toBe(3_000);
    expect(audioDurationMs('audio/mpeg; charset=binary', 16_000 * 2)).toBe(2_000);
    expect(audioDurationMs(null, null)).toBe(5_000);
  });

  it('records real WAV audio whose header gives its length', () => {
    const file = wavRecording(2_500);
    expect(file.length).toBe(44 + 2.5 * 16_000);
    expect(wavDurationMs(file)).toBe(2_500);
    expect(wavDurationMs(Buffer.from('not audio at all, no header here at all........'))).toBeNull();
  });
});

describe('Plivo XML as instructions', () => {
  it('fills in the documented defaults', () => {
    const read = readPlivoDocument('<Response><GetDigits action="http://app/a"><Speak>Hi</Speak></GetDigits><Wait/><Dial><Number>14155550111</Number></Dial><Record/></Response>');
    if (!read.ok) throw new Error(read.error.message);
    const [getDigits, wait, dial, record] = read.instructions;
    expect(getDigits).toMatchObject({ kind: 'collect', inputs: ['dtmf'], firstInputTimeoutMs: 5_000, interDigitTimeoutMs: 2_000, finishOnKey: '#', maxDigits: 99, attempts: 1, redirect: true, action: { url: 'http://app/a', method: 'POST' } });
    expect(getDigits?.kind === 'collect' && getDigits.prompts[0]).toMatchObject({ kind: 'speak', text: 'Hi', voice: 'WOMAN', language: 'en-US', loop: 1 });
    expect(wait).toMatchObject({ kind: 'pause', lengthMs: 1_000 });
    expect(dial).toMatchObject({ kind: 'dial', targets: [{ kind: 'number', address: '14155550111', sendDigits: '' }], timeLimitMs: 14_400_000, ringTimeoutMs: null });
    expect(record).toMatchObject({ kind: 'record', maxLengthMs: 60_000, silenceTimeoutMs: 15_000, playBeep: true, fileFormat: 'mp3' });
  });

  it('reads Wait: silence with minSilence (2 s by default, or min_silence) first, else beep', () => {
    const read = readPlivoDocument(
      '<Response><Wait silence="true"/><Wait silence="true" minSilence="500" beep="true"/><Wait silence="true" min_silence="700"/><Wait length="9" beep="duration=300,inter_silence=50"/><Wait beep="false"/></Response>',
    );
    if (!read.ok) throw new Error(read.error.message);
    expect(read.instructions.map((i) => i.kind === 'pause' && i.until)).toEqual([
      { kind: 'silence', minSilenceMs: 2_000 },
      { kind: 'silence', minSilenceMs: 500 },
      { kind: 'silence', minSilenceMs: 700 },
      { kind: 'beep' },
      null,
    ]);
  });

  it('reads GetInput’s input types and finishOnKey="none"', () => {
    const read = readPlivoDocument('<Response><GetInput action="http://app/a" inputType="dtmf speech" finishOnKey="none" executionTimeout="20" hints="sales, billing"/></Response>');
    if (!read.ok) throw new Error(read.error.message);
    expect(read.instructions[0]).toMatchObject({ kind: 'collect', inputs: ['dtmf', 'speech'], finishOnKey: '', firstInputTimeoutMs: 20_000, maxDigits: 32, hints: ['sales', 'billing'] });
  });

  it('passes the validator’s error through, with its line and column', () => {
    const read = readPlivoDocument('<Response>\n<Gather/>\n</Response>');
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error).toMatchObject({ rule: 'unknown-element', line: 2, column: 1 });
  });
});
