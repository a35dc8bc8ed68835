import type { DeliveryPolicy } from '../domain/policy.js';

/** Beyond this many distinct policies the memo starts again; the table keeps them all. */
const MAX_REMEMBERED = 10_000;

/** Stores policies not stored yet (JSON texts, distinct) and answers each one's id. */
export type StorePolicies<Result> = (missing: readonly string[]) => Result;

/**
 * What both stores remember of their `policies` table: each distinct delivery policy is stored once
 * and deliveries point at it by id. Rows are never deleted, so an id, once seen, means the same policy
 * for as long as the database exists and the memo can never be stale; a cleared memo only costs reads.
 */
export class PolicyMemo {
  private readonly idsByJson = new Map<string, number>();
  private readonly policiesById = new Map<number, DeliveryPolicy>();

  /** The id of each policy, in order; `store` is called once with the ones not known yet. */
  idsFor(policies: readonly DeliveryPolicy[], store: StorePolicies<ReadonlyArray<readonly [string, number]>>): number[] {
    const { keys, ids, missing } = this.split(policies);
    if (missing.length > 0) this.learn(store(missing), ids);
    return keys.map((key) => ids.get(key) as number);
  }

  /** `idsFor` for a store that writes asynchronously. */
  async idsForAsync(policies: readonly DeliveryPolicy[], store: StorePolicies<Promise<ReadonlyArray<readonly [string, number]>>>): Promise<number[]> {
    const { keys, ids, missing } = this.split(policies);
    if (missing.length > 0) this.learn(await store(missing), ids);
    return keys.map((key) => ids.get(key) as number);
  }

  /**
   * The policy with this id, if remembered. One object per id is shared by every delivery read with
   * it: it is frozen, as `DeliveryPolicy` is read-only anyway.
   */
  policy(id: number): DeliveryPolicy | undefined {
    return this.policiesById.get(id);
  }

  /** Remember a policy read from the table by id; returns it. */
  remember(json: string, id: number): DeliveryPolicy {
    if (this.idsByJson.size >= MAX_REMEMBERED) {
      this.idsByJson.clear();
      this.policiesById.clear();
    }
    const policy = deepFreeze(JSON.parse(json) as DeliveryPolicy);
    this.idsByJson.set(json, id);
    this.policiesById.set(id, policy);
    return policy;
  }

  private split(policies: readonly DeliveryPolicy[]): { keys: string[]; ids: Map<string, number>; missing: string[] } {
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
    return { keys, ids, missing: [...missing] };
  }

  private learn(stored: ReadonlyArray<readonly [string, number]>, ids: Map<string, number>): void {
    for (const [json, id] of stored) {
      this.remember(json, id);
      ids.set(json, id);
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
