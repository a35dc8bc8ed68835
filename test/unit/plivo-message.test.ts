import { describe, expect, it } from 'vitest';
import {
  farEndScript,
  messageRecord,
  MessageTransitionError,
  moveMessage,
  plivoTime,
  queuedSms,
  statusCallbackParams,
  type PlivoMessage,
} from '../../src/domain/plivo-message.js';

const T0 = Date.UTC(2026, 10, 28, 8, 46, 14, 851);

function sms(to = '14155551111', text = 'hello'): PlivoMessage {
  return queuedSms({ uuid: 'uuid-1', accountId: 'MAXXXXXXXXXXXXXXXXXX', from: '14155550000', to, text, url: 'http://127.0.0.1/status', method: 'POST', log: true, now: T0 });
}

describe('Plivo SMS lifecycle', () => {
  it('plans sent 1 s after queueing and delivered 2 s after that for an ordinary number', () => {
    const queued = sms();
    expect(queued).toMatchObject({ status: 'queued', units: 1, encoding: 'GSM', next: { status: 'sent', at: T0 + 1000 } });
    const sent = moveMessage(queued, 'sent', T0 + 1000);
    expect(sent).toMatchObject({ status: 'sent', sentAt: T0 + 1000, next: { status: 'delivered', at: T0 + 3000 } });
    const delivered = moveMessage(sent, 'delivered', T0 + 3000);
    expect(delivered).toMatchObject({ status: 'delivered', reportedAt: T0 + 3000, errorCode: null, next: null });
  });

  it('reads the magic destination numbers: undelivered and failed with their code, or sent for good', () => {
    expect(farEndScript('15550010030')).toEqual({ final: 'undelivered', errorCode: 30 });
    expect(farEndScript('+15550020900')).toEqual({ final: 'failed', errorCode: 900 });
    expect(farEndScript('15550030000')).toEqual({ final: 'sent', errorCode: null });
    // An undocumented code is reported as 1000 Unknown Error.
    expect(farEndScript('15550010031')).toEqual({ final: 'undelivered', errorCode: 1000 });
    expect(farEndScript('14155551111')).toEqual({ final: 'delivered', errorCode: null });
  });

  it('fails a failing number straight from queued, with its error code', () => {
    const queued = sms('15550020900');
    expect(queued.next).toEqual({ status: 'failed', at: T0 + 1000 });
    expect(moveMessage(queued, 'failed', T0 + 1000)).toMatchObject({ status: 'failed', errorCode: 900, next: null });
  });

  it('ends an undeliverable number undelivered after being sent, and leaves a no-report number sent', () => {
    const sent = moveMessage(sms('15550010030'), 'sent', T0 + 1000);
    expect(sent.next).toEqual({ status: 'undelivered', at: T0 + 3000 });
    expect(moveMessage(sent, 'undelivered', T0 + 3000)).toMatchObject({ errorCode: 30 });
    expect(moveMessage(sms('15550030000'), 'sent', T0 + 1000).next).toBeNull();
  });

  it('refuses to move a final message or to skip sent on the way to a delivery report', () => {
    const delivered = moveMessage(moveMessage(sms(), 'sent', T0), 'delivered', T0);
    expect(() => moveMessage(delivered, 'undelivered', T0)).toThrow(MessageTransitionError);
    expect(() => moveMessage(sms(), 'delivered', T0)).toThrow(/queued message cannot become delivered/);
  });

  it('counts units from the text: a 161-character GSM text is two', () => {
    expect(sms('14155551111', 'x'.repeat(161)).units).toBe(2);
  });
});

describe('Plivo SMS status callback and record', () => {
  it('carries the documented parameters, with times in Plivo’s format and an empty ErrorCode when none', () => {
    const queued = { ...sms(), sequence: 1 };
    expect(statusCallbackParams(queued)).toEqual({
      MessageUUID: 'uuid-1',
      ParentMessageUUID: 'uuid-1',
      PartInfo: '',
      From: '14155550000',
      To: '14155551111',
      Type: 'sms',
      Status: 'queued',
      ErrorCode: '',
      Units: '1',
      TotalRate: '0.00500',
      TotalAmount: '0.00500',
      MCC: '310',
      MNC: '410',
      Sequence: '1',
      MessageTime: '2026-11-28 08:46:14.851000',
      QueuedTime: '2026-11-28 08:46:14.851000',
      SentTime: '',
      DeliveryReportTime: '',
      PowerpackUUID: '',
      requester_ip: '127.0.0.1',
    });
  });

  it('reports the error code and the amount for every unit on an undelivered long message', () => {
    const long = sms('15550010080', 'y'.repeat(200));
    const undelivered = moveMessage(moveMessage(long, 'sent', T0 + 1000), 'undelivered', T0 + 3000);
    expect(statusCallbackParams(undelivered)).toMatchObject({ Status: 'undelivered', ErrorCode: '80', Units: '2', TotalAmount: '0.01000', Sequence: '2' });
  });

  it('formats the detail record as Plivo’s API does', () => {
    const failed = moveMessage(sms('15550020900'), 'failed', T0 + 1000);
    expect(messageRecord(failed)).toMatchObject({
      error_code: '900',
      error_message: 'Insufficient Credit',
      message_state: 'failed',
      message_direction: 'outbound',
      message_time: '2026-11-28 08:46:14.851000+00:00',
      resource_uri: '/v1/Account/MAXXXXXXXXXXXXXXXXXX/Message/uuid-1/',
      units: 1,
      total_rate: '0.00500',
    });
    expect(plivoTime(0)).toBe('1970-01-01 00:00:00.000000');
  });
});
