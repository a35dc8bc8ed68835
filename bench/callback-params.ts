import { randomUUID } from 'node:crypto';

/**
 * A Plivo SMS status callback with the fields Plivo documents for it (message-status-callbacks; see
 * /work/shared/protocol/plivo.md §3.3): every figure sends this same shape, so the engine, raw undici
 * and BullMQ put the same bytes on the wire apart from the engine's own headers.
 */
export function messageStatusParams(sequence: number): Record<string, string> {
  const messageUuid = randomUUID();
  return {
    MessageUUID: messageUuid,
    ParentMessageUUID: messageUuid,
    To: '14155551111',
    From: '14155550000',
    Type: 'sms',
    Status: 'delivered',
    Units: '1',
    TotalRate: '0.00250',
    TotalAmount: '0.00250',
    MCC: '310',
    MNC: '410',
    ErrorCode: '',
    PowerpackUUID: '',
    Sequence: String(sequence),
    MessageTime: '2025-07-18 08:46:14.851205',
  };
}

/** The receiver path every figure posts to. */
export const STATUS_PATH = '/status';

/** The header the receiver counts distinct values of: the engine sends it; baselines send their own id in it. */
export const DELIVERY_ID_HEADER = 'x-hookline-delivery-id';

/** `count` distinct status callbacks, built before timing starts so no figure pays for making them. */
export function callbackParamsList(count: number): Record<string, string>[] {
  return Array.from({ length: count }, (_, i) => messageStatusParams(i + 1));
}
