import { describe, expect, it } from 'vitest';
import { newNonce, newUuid } from '../../src/domain/ids.js';

describe('ids', () => {
  it('makes 20-digit nonces like Plivo, different each time', () => {
    const nonces = new Set(Array.from({ length: 1000 }, () => newNonce()));
    expect(nonces.size).toBe(1000);
    for (const nonce of nonces) expect(nonce).toMatch(/^[1-9]\d{19}$/);
  });

  it('makes lowercase v4 UUIDs', () => {
    expect(newUuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
