import { describe, expect, it } from 'vitest';
import { newDeliveryId, newNonce, newUuid } from '../../src/domain/ids.js';

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

describe('delivery ids', () => {
  it('are version 7 UUIDs that sort in the order they were made', () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map((ms) => newDeliveryId(ms));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
  });

  it('sort in the order they were made within one millisecond, as thousands are on the virtual clock', () => {
    const ids = Array.from({ length: 5000 }, () => newDeliveryId(1_750_000_000_000));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('carry the time they were made in their first 48 bits', () => {
    const id = newDeliveryId(Date.parse('2026-11-28T10:00:00Z'));
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(Date.parse('2026-11-28T10:00:00Z'));
  });
});
