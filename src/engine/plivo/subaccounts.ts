import type { AccountDirectory } from '../../delivery/account-directory.js';
import type { Clock } from '../../domain/clock.js';
import { newAuthToken, newSigningKey, newUuid, randomAlphanumeric } from '../../domain/ids.js';
import type { Account, Store } from '../../store/ports.js';

/**
 * Plivo sub-accounts: accounts of their own (`SA…` auth id and token) under a main account, which
 * manages them. Their callbacks are signed with their own token and, in the `-Ma-` headers, with the
 * main account's (AccountDirectory.signingKeys). Each is a LaML project of its own too, with its own
 * project id and signing key.
 */
export class Subaccounts {
  constructor(private readonly deps: { readonly store: Store; readonly accounts: AccountDirectory; readonly clock: Clock }) {}

  async create(parent: Account, name: string, enabled: boolean): Promise<Account> {
    const account: Account = {
      id: `SA${randomAlphanumeric(18)}`,
      authToken: newAuthToken(),
      lamlProjectId: newUuid(),
      signingKey: newSigningKey(),
      parentId: parent.id,
      name,
      createdAt: this.deps.clock.now(),
      enabled,
    };
    await this.deps.store.accounts.put(account);
    this.deps.accounts.put(account);
    return account;
  }

  /** The sub-account if it belongs to `parent`; someone else's looks the same as none. */
  get(parent: Account, id: string): Account | null {
    const account = this.deps.accounts.get(id);
    return account && account.parentId === parent.id ? account : null;
  }

  /** Oldest first, in the order they were created (the directory keeps it, and the store gives it back so). */
  list(parent: Account, page: { limit: number; offset: number }): { items: Account[]; total: number } {
    const all = this.deps.accounts
      .list()
      .filter((account) => account.parentId === parent.id)
      .sort((a, b) => a.createdAt - b.createdAt);
    return { items: all.slice(page.offset, page.offset + page.limit), total: all.length };
  }

  async update(parent: Account, id: string, change: { readonly name?: string; readonly enabled?: boolean }): Promise<Account | null> {
    const current = this.get(parent, id);
    if (!current) return null;
    const updated: Account = { ...current, ...(change.name !== undefined ? { name: change.name } : {}), ...(change.enabled !== undefined ? { enabled: change.enabled } : {}) };
    await this.deps.store.accounts.put(updated);
    this.deps.accounts.put(updated);
    return updated;
  }

  /** Its messages and deliveries stay on record; it can no longer authenticate. */
  async delete(parent: Account, id: string): Promise<boolean> {
    if (!this.get(parent, id)) return false;
    await this.deps.store.accounts.delete(id);
    this.deps.accounts.remove(id);
    return true;
  }
}
