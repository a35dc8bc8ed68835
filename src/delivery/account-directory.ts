import type { CallbackParams, Dialect } from '../domain/callback.js';
import type { Account } from '../store/ports.js';

/** The keys one account's callbacks of one dialect are signed with. */
export interface SigningKeys {
  /** The auth token (Plivo, Standard Webhooks), or the project's signing key (LaML, laml.md §7.1). */
  readonly key: string;
  /** The main account's token: signs Plivo's `-Ma-` headers. The account's own for a main account. */
  readonly mainKey: string;
}

/**
 * Accounts held in memory: every attempt needs its account's signing keys, and a database read per
 * attempt would cost more than the signing itself. Whoever creates or changes an account updates this.
 */
export class AccountDirectory {
  private readonly byId = new Map<string, Account>();
  /** Auth id by LaML project id: every LaML request names its project so. */
  private readonly idByProject = new Map<string, string>();

  constructor(accounts: readonly Account[] = []) {
    for (const account of accounts) this.put(account);
  }

  put(account: Account): void {
    this.remove(account.id);
    this.byId.set(account.id, account);
    this.idByProject.set(account.lamlProjectId, account.id);
  }

  remove(id: string): void {
    const account = this.byId.get(id);
    if (account && this.idByProject.get(account.lamlProjectId) === id) this.idByProject.delete(account.lamlProjectId);
    this.byId.delete(id);
  }

  get(id: string): Account | undefined {
    return this.byId.get(id);
  }

  /**
   * The account a LaML request names, by its project id (its `AccountSid`) or, as setups made before
   * accounts had one still do, by its auth id.
   */
  byLamlSid(sid: string): Account | undefined {
    const id = this.idByProject.get(sid);
    return (id === undefined ? undefined : this.byId.get(id)) ?? this.byId.get(sid);
  }

  /**
   * A LaML callback's params as SignalWire sends them: the engines name the account by its auth id,
   * the one they know it by, and `AccountSid` is the project id (laml.md §1.1). Resolved here, where
   * every callback's account is looked up anyway, rather than in each engine that builds LaML params.
   * Other dialects' params, and an account deleted since, pass unchanged.
   */
  dialectParams(dialect: Dialect, accountId: string, params: CallbackParams): CallbackParams {
    if (dialect !== 'laml' || params.AccountSid !== accountId) return params;
    const project = this.lamlProjectIdOf(accountId);
    return project === accountId ? params : Object.assign({}, params, { AccountSid: project });
  }

  /** An account's LaML project id; an account deleted since keeps the id it was named by. */
  lamlProjectIdOf(id: string): string {
    return this.byId.get(id)?.lamlProjectId ?? id;
  }

  list(): Account[] {
    return [...this.byId.values()];
  }

  signingKeys(id: string, dialect: Dialect): SigningKeys | undefined {
    const account = this.byId.get(id);
    if (!account) return undefined;
    if (dialect === 'laml') return { key: account.signingKey, mainKey: account.signingKey };
    const main = account.parentId ? this.byId.get(account.parentId) : account;
    return { key: account.authToken, mainKey: (main ?? account).authToken };
  }
}
