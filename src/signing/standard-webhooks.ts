import { hmacBase64 } from './hmac.js';

/**
 * `webhook-signature` of the Standard Webhooks spec: `v1,` + base64(HMAC-SHA256(secret,
 * `${id}.${timestampSeconds}.${body}`)).
 *
 * The secret is the account's auth token taken as raw UTF-8 bytes (UNCONFIRMED choice, see
 * docs/protocol/signatures.md), i.e. `new Webhook(token, { format: 'raw' })` of the `standardwebhooks`
 * package; for the ASCII tokens hookline issues, its byte-per-char reading is the same bytes.
 */
export function signStandardWebhook(input: { id: string; timestampSeconds: number; body: string; secret: string }): string {
  return `v1,${hmacBase64('sha256', Buffer.from(input.secret, 'utf8'), standardWebhookSignedString(input))}`;
}

export function standardWebhookSignedString(input: { id: string; timestampSeconds: number; body: string }): string {
  return `${input.id}.${input.timestampSeconds}.${input.body}`;
}
