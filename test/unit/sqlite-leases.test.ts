import { describe, expect, it } from 'vitest';
import { Leases } from '../../src/store/sqlite/leases.js';

const lease = (seq: number, owner = 'a') => ({ seq, owner, until: 1000 });

describe('the embedded store’s in-memory claims', () => {
  it('keeps what a transaction claimed and released once it ends without error', () => {
    const leases = new Leases();
    leases.hold('d1', lease(1));
    leases.within(() => {
      leases.hold('d2', lease(2));
      leases.release('d1');
    });
    expect(leases.holds(1)).toBe(false);
    expect(leases.holder('d2')).toEqual(lease(2));
    expect(leases.claimedSeqs()).toEqual([2]);
  });

  it('undoes a failed transaction’s claims and releases, and only those', () => {
    const leases = new Leases();
    leases.hold('d1', lease(1));
    expect(() =>
      leases.within(() => {
        leases.hold('d2', lease(2));
        leases.release('d1');
        leases.hold('d1', lease(1, 'b'));
        throw new Error('commit failed');
      }),
    ).toThrow('commit failed');
    expect(leases.holder('d1')).toEqual(lease(1));
    expect(leases.holds(2)).toBe(false);
    expect(leases.size).toBe(1);
  });

  it('undoes an inner savepoint alone, and everything when the outer transaction fails after it', () => {
    const leases = new Leases();
    leases.within(() => {
      leases.hold('outer', lease(1));
      expect(() =>
        leases.within(() => {
          leases.hold('inner-failed', lease(2));
          throw new Error('savepoint rolled back');
        }),
      ).toThrow();
      leases.within(() => leases.hold('inner-kept', lease(3)));
    });
    expect(leases.claimedSeqs().sort()).toEqual([1, 3]);

    expect(() =>
      leases.within(() => {
        leases.within(() => leases.release('outer'));
        leases.within(() => leases.hold('later', lease(4)));
        throw new Error('group commit failed');
      }),
    ).toThrow();
    expect(leases.claimedSeqs().sort()).toEqual([1, 3]);
  });
});
