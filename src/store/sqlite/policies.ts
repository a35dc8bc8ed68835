import type Database from 'better-sqlite3';
import type { DeliveryPolicy } from '../../domain/policy.js';

/** Beyond this many distinct policies the memo starts again; the table keeps them all. */
const MAX_REMEMBERED = 10_000;

/**
 * The `policies` table: each distinct delivery policy stored once, deliveries pointing at it by id.
 * Nearly every delivery of a profile has the same policy, so this saves a 320-byte JSON column on a row
 * that is written three times per callback (inserted, claimed, finished), and the claim hands out a
 * policy parsed once instead of parsing it per row.
 *
 * Rows are never deleted, so an id, once seen, means the same policy for as long as the file exists
 * and the memo can never be stale. `idsFor` writes missing policies in a transaction of their own,
 * before the deliveries that use them: a later rollback of those deliveries (a failing change set in a
 * group commit) then leaves at worst an unused policy row, never a delivery pointing at nothing.
 */
export class PolicyTable {
  private readonly idsByJson = new Map<string, number>();
  private readonly policiesById = new Map<number, DeliveryPolicy>();
  private readonly selectId: Database.Statement<[string], number>;
  private readonly insert: Database.Statement<[string], number>;
  private readonly selectJson: Database.Statement<[number], string>;
  private readonly insertMissing: Database.Transaction<(json: readonly string[]) => Array<[string, number]>>;

  constructor(private readonly db: Database.Database) {
    this.selectId = db.prepare<[string], number>('SELECT id FROM policies WHERE json = ?').pluck();
    this.insert = db.prepare<[string], number>('INSERT INTO policies (json) VALUES (?) RETURNING id').pluck();
    this.selectJson = db.prepare<[number], string>('SELECT json FROM policies WHERE id = ?').pluck();
    this.insertMissing = db.transaction((missing: readonly string[]) =>
      missing.map((json): [string, number] => {
        const id = this.selectId.get(json) ?? (this.insert.get(json) as number);
        this.remember(json, id);
        return [json, id];
      }),
    );
  }

  /**
   * The id of each policy, in order, storing the ones not stored yet. Must be called outside any
   * transaction of the caller's (see the class comment).
   */
  idsFor(policies: readonly DeliveryPolicy[]): number[] {
    // Deliveries of one batch often share one policy object: serialise each object once.
    const keyOf = new Map<DeliveryPolicy, string>();
    const keys = policies.map((policy) => {
      let key = keyOf.get(policy);
      if (key === undefined) keyOf.set(policy, (key = JSON.stringify(policy)));
      return key;
    });
    const ids = new Map<string, number>();
    const missing = new Set<string>();
    for (const key of keys) {
      const id = this.idsByJson.get(key);
      if (id === undefined) missing.add(key);
      else ids.set(key, id);
    }
    if (missing.size > 0) {
      // Inside another transaction this would become a savepoint that a rollback could take back.
      if (this.db.inTransaction) throw new Error('PolicyTable.idsFor was called inside a transaction; store policies before opening one');
      for (const [key, id] of this.insertMissing.immediate([...missing])) ids.set(key, id);
    }
    return keys.map((key) => ids.get(key) as number);
  }

  /**
   * The policy with this id. One object per id is shared by every delivery read with it: it is frozen,
   * as `DeliveryPolicy` is read-only anyway.
   */
  policy(id: number): DeliveryPolicy {
    const known = this.policiesById.get(id);
    if (known) return known;
    const json = this.selectJson.get(id);
    if (json === undefined) throw new Error(`delivery policy ${id} is missing from the policies table; the database is damaged`);
    this.remember(json, id);
    return this.policiesById.get(id) as DeliveryPolicy;
  }

  private remember(json: string, id: number): void {
    if (this.idsByJson.size >= MAX_REMEMBERED) {
      this.idsByJson.clear();
      this.policiesById.clear();
    }
    this.idsByJson.set(json, id);
    this.policiesById.set(id, deepFreeze(JSON.parse(json) as DeliveryPolicy));
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
