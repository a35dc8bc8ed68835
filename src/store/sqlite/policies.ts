import type Database from 'better-sqlite3';
import type { DeliveryPolicy } from '../../domain/policy.js';
import { PolicyMemo } from '../policy-memo.js';

/**
 * The `policies` table: each distinct delivery policy stored once, deliveries pointing at it by id.
 * Nearly every delivery of a profile has the same policy, so this saves a 320-byte JSON column on a row
 * that is written three times per callback (inserted, claimed, finished), and the claim hands out a
 * policy parsed once instead of parsing it per row.
 *
 * `idsFor` writes missing policies in a transaction of their own, before the deliveries that use them:
 * a later rollback of those deliveries (a failing change set in a group commit) then leaves at worst an
 * unused policy row, never a delivery pointing at nothing.
 */
export class PolicyTable {
  private readonly memo = new PolicyMemo();
  private readonly selectId: Database.Statement<[string], number>;
  private readonly insert: Database.Statement<[string], number>;
  private readonly selectJson: Database.Statement<[number], string>;
  private readonly insertMissing: Database.Transaction<(json: readonly string[]) => Array<[string, number]>>;

  constructor(private readonly db: Database.Database) {
    this.selectId = db.prepare<[string], number>('SELECT id FROM policies WHERE json = ?').pluck();
    this.insert = db.prepare<[string], number>('INSERT INTO policies (json) VALUES (?) RETURNING id').pluck();
    this.selectJson = db.prepare<[number], string>('SELECT json FROM policies WHERE id = ?').pluck();
    this.insertMissing = db.transaction((missing: readonly string[]) =>
      missing.map((json): [string, number] => [json, this.selectId.get(json) ?? (this.insert.get(json) as number)]),
    );
  }

  /**
   * The id of each policy, in order, storing the ones not stored yet. Must be called outside any
   * transaction of the caller's (see the class comment).
   */
  idsFor(policies: readonly DeliveryPolicy[]): number[] {
    return this.memo.idsFor(policies, (missing) => {
      // Inside another transaction this would become a savepoint that a rollback could take back.
      if (this.db.inTransaction) throw new Error('PolicyTable.idsFor was called inside a transaction; store policies before opening one');
      return this.insertMissing.immediate(missing);
    });
  }

  /** The policy with this id (one frozen object per id). */
  policy(id: number): DeliveryPolicy {
    const known = this.memo.policy(id);
    if (known) return known;
    const json = this.selectJson.get(id);
    if (json === undefined) throw new Error(`delivery policy ${id} is missing from the policies table; the database is damaged`);
    return this.memo.remember(json, id);
  }
}
