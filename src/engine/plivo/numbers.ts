import type { Clock } from '../../domain/clock.js';
import { InputError } from '../../domain/errors.js';
import { digitsOf } from '../../domain/phone-numbers.js';
import type { Store } from '../../store/ports.js';
import type { Applications } from './applications.js';

export const NUMBER_RESOURCE = 'number';

/** A phone number rented by an account, pointing at one of its applications or at the default one. */
export interface PlivoNumber {
  readonly number: string;
  readonly accountId: string;
  readonly appId: string | null;
  readonly alias: string | null;
  readonly numberType: 'local' | 'tollfree' | 'mobile';
  readonly addedOn: number;
}

/** Bad input for every front door: each answers it in its own error shape. */
export class NumberTakenError extends InputError {
  constructor(readonly number: string) {
    super(`number ${number} is not available: another account rents it`, 'number', 'pick another number, or unrent it from the other account', 400, 'number_taken');
    this.name = 'NumberTakenError';
  }
}

export class UnknownApplicationError extends InputError {
  constructor(appId: string, accountId: string) {
    super(`application ${appId} not found in account ${accountId}`, null, 'create it with POST /v1/Account/{auth_id}/Application/', 404, 'not_found');
    this.name = 'UnknownApplicationError';
  }
}

/**
 * Numbers rented by accounts, stored as resources under their digits, so an inbound message or call
 * finds its account and application by the number dialled. A number belongs to one account at a time.
 */
export class Numbers {
  constructor(private readonly deps: { readonly store: Store; readonly clock: Clock; readonly applications: Applications }) {}

  /**
   * Rent a number (or re-point one the account already has). Throws NumberTakenError if another
   * account has it, UnknownApplicationError if `appId` is not one of the account's applications.
   */
  async rent(accountId: string, number: string, appId: string | null, alias: string | null = null): Promise<PlivoNumber> {
    await this.checkApplication(accountId, appId);
    const digits = digitsOf(number);
    const existing = await this.find(digits);
    if (existing && existing.accountId !== accountId) throw new NumberTakenError(digits);
    const rented: PlivoNumber = {
      number: digits,
      accountId,
      appId: appId ?? existing?.appId ?? null,
      alias: alias ?? existing?.alias ?? null,
      numberType: digits.startsWith('1800') || digits.startsWith('1888') || digits.startsWith('1877') ? 'tollfree' : 'local',
      addedOn: existing?.addedOn ?? this.deps.clock.now(),
    };
    await this.save(rented);
    return rented;
  }

  /** The number, whoever rents it (inbound traffic routing). */
  async find(number: string): Promise<PlivoNumber | null> {
    const resource = await this.deps.store.getResource(NUMBER_RESOURCE, digitsOf(number));
    return resource ? (resource.state as PlivoNumber) : null;
  }

  async get(accountId: string, number: string): Promise<PlivoNumber | null> {
    const found = await this.find(number);
    return found && found.accountId === accountId ? found : null;
  }

  async list(accountId: string, page: { limit: number; offset: number }): Promise<{ items: PlivoNumber[]; total: number }> {
    const { items, total } = await this.deps.store.listResources({ type: NUMBER_RESOURCE, accountId }, page);
    return { items: items.map((item) => item.state as PlivoNumber), total };
  }

  async update(accountId: string, number: string, change: { readonly appId?: string | null; readonly alias?: string | null }): Promise<PlivoNumber | null> {
    const current = await this.get(accountId, number);
    if (!current) return null;
    await this.checkApplication(accountId, change.appId ?? null);
    const updated: PlivoNumber = {
      ...current,
      ...(change.appId !== undefined ? { appId: change.appId } : {}),
      ...(change.alias !== undefined ? { alias: change.alias } : {}),
    };
    await this.save(updated);
    return updated;
  }

  async unrent(accountId: string, number: string): Promise<boolean> {
    if (!(await this.get(accountId, number))) return false;
    return this.deps.store.deleteResource(NUMBER_RESOURCE, digitsOf(number));
  }

  private async checkApplication(accountId: string, appId: string | null): Promise<void> {
    if (appId !== null && !(await this.deps.applications.get(accountId, appId))) throw new UnknownApplicationError(appId, accountId);
  }

  private async save(number: PlivoNumber): Promise<void> {
    await this.deps.store.commit({ resources: [{ type: NUMBER_RESOURCE, id: number.number, accountId: number.accountId, state: number, updatedAt: this.deps.clock.now() }] });
  }
}
