import type { Account } from '../store/ports.js';

export interface SigningCredentials {
  readonly authToken: string;
  /** The main account's token: signs Plivo's `-Ma-` headers. The account's own for a main account. */
  readonly mainAuthToken: string;
}

/**
 * Accounts held in memory: every attempt needs its account's signing keys, and a database read per
 * attempt would cost more than the signing itself. Whoever creates or changes an account updates this.
 */
export class AccountDirectory {
  private readonly byId = new Map<string, Account>();

  constructor(accounts: readonly Account[] = []) {
    for (const account of accounts) this.byId.set(account.id, account);
  }

  put(account: Account): void {
    this.byId.set(account.id, account);
  }

  remove(id: string): void {
    this.byId.delete(id);
  }

  get(id: string): Account | undefined {
    return this.byId.get(id);
  }

  list(): Account[] {
    return [...this.byId.values()];
  }

  credentials(id: string): SigningCredentials | undefined {
    const account = this.byId.get(id);
    if (!account) return undefined;
    const main = account.parentId ? this.byId.get(account.parentId) : account;
    return { authToken: account.authToken, mainAuthToken: (main ?? account).authToken };
  }
}
