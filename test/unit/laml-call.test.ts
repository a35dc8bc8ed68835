import { describe, expect, it } from 'vitest';
import { lamlCallParams, lamlCallStatus, lamlStatusCallback, parseStatusEvents, rfc2822, type LamlStatusEvent } from '../../src/domain/laml-call.js';
import { endCall, type PlivoCall } from '../../src/domain/plivo-call.js';

const T0 = Date.UTC(2023, 10, 9, 17, 5, 4);

function lamlCall(events: readonly LamlStatusEvent[]): PlivoCall {
  return {
    dialect: 'laml',
    laml: { statusCallback: { url: 'https://app.example/status', method: 'POST' }, statusCallbackEvents: events, nextSequenceNumber: 0, apiVersion: '2010-04-01' },
    uuid: 'c0ffee00-0000-4000-8000-000000000001',
    requestUuid: 'c0ffee00-0000-4000-8000-000000000001',
    accountId: 'b3877c40-da60-4998-90ad-b792e98472af',
    parentAuthId: 'b3877c40-da60-4998-90ad-b792e98472af',
    direction: 'outbound',
    from: '+15551234567',
    to: '+15557654321',
    callerName: '',
    answerUrl: { url: 'https://app.example/voice', method: 'POST' },
    fallbackUrl: null,
    ringUrl: null,
    hangupUrl: null,
    machineDetection: null,
    timeLimitMs: 14_400_000,
    ringTimeoutMs: 60_000,
    hangupOnRingMs: null,
    parentCallUuid: null,
    status: 'queued',
    initiatedAt: T0,
    answeredAt: null,
    endedAt: null,
    hangup: null,
    billRate: '0.01000',
  };
}

describe('LaML call parameters', () => {
  it('writes dates as RFC 2822 in UTC, as SignalWire’s captures show', () => {
    expect(rfc2822(T0)).toBe('Thu, 09 Nov 2023 17:05:04 +0000');
  });

  it('sends the standard set on every request: AccountSid, ApiVersion, CallSid, CallStatus, Direction, From, To', () => {
    const call = { ...lamlCall(['completed']), status: 'in-progress' as const };
    expect(lamlCallParams(call)).toEqual({
      AccountSid: call.accountId,
      ApiVersion: '2010-04-01',
      CallSid: call.uuid,
      CallStatus: 'in-progress',
      Direction: 'outbound-api',
      From: '+15551234567',
      To: '+15557654321',
    });
    expect(lamlCallParams({ ...call, parentCallUuid: 'parent' })).toMatchObject({ Direction: 'outbound-dial', ParentCallSid: 'parent' });
  });

  it('names the engine’s endings in LaML words: canceled, no-answer for a ring timeout and for <Reject>', () => {
    const call = lamlCall(['completed']);
    expect(lamlCallStatus(endCall(call, { code: 1000, source: 'API Request' }, T0))).toBe('canceled');
    expect(lamlCallStatus(endCall(call, { code: 6010, source: 'Plivo' }, T0))).toBe('no-answer');
    expect(lamlCallStatus(endCall(call, { code: 3020, source: 'Answer XML' }, T0))).toBe('no-answer');
    expect(lamlCallStatus(endCall(call, { code: 3010, source: 'Callee' }, T0))).toBe('busy');
  });

  it('numbers the status callbacks the call asked for from 0, and sends none for the others', () => {
    let call = lamlCall(['initiated', 'completed']);
    const initiated = lamlStatusCallback(call, 'initiated', T0);
    expect(initiated.callback?.params).toMatchObject({ CallStatus: 'initiated', SequenceNumber: '0', CallbackSource: 'call-progress-events', Timestamp: 'Thu, 09 Nov 2023 17:05:04 +0000' });
    call = initiated.call;
    expect(lamlStatusCallback(call, 'ringing', T0)).toEqual({ call, callback: null });
    call = endCall({ ...call, status: 'in-progress', answeredAt: T0 }, { code: 4000, source: 'Callee' }, T0 + 12_000);
    const completed = lamlStatusCallback(call, 'ended', T0 + 12_000);
    expect(completed.callback?.params).toMatchObject({ CallStatus: 'completed', CallDuration: '12', SequenceNumber: '1' });
    expect(completed.call.laml?.nextSequenceNumber).toBe(2);
  });

  it('reads StatusCallbackEvent from repeated keys or one space-separated value, and names unknown events', () => {
    expect(parseStatusEvents(['initiated', 'answered'])).toEqual({ events: ['initiated', 'answered'], unknown: [] });
    expect(parseStatusEvents(['completed ringing ringing_queued'])).toEqual({ events: ['ringing', 'completed'], unknown: [] });
    expect(parseStatusEvents(['hangup'])).toEqual({ events: [], unknown: ['hangup'] });
  });
});
