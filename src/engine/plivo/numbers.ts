import type { Clock } from '../../domain/clock.js';
import { randomUUID } from 'node:crypto';
import { InputError } from '../../domain/errors.js';
import { defaultFriendlyName, type LamlNumberChange, type LamlNumberSettings } from '../../domain/laml-number.js';
import { digitsOf } from '../../domain/phone-numbers.js';
import type { Store } from '../../store/ports.js';
import type { Applications } from './applications.js';

export const NUMBER_RESOURCE = 'number';

/**
 * A phone number rented by an account. It is Plivo-routed (to one of its applications, or the default
 * one) or, once the LaML API configures it, LaML-routed (to its own URLs): never both, so one number's
 * traffic has one answer (docs/laml.md).
 */
export interface PlivoNumber {
  readonly number: string;
  readonly accountId: string;
  /** `laml` when LaML-routed; absent when Plivo-routed. */
  readonly dialect?: 'laml';
  /** The IncomingPhoneNumber sid of a LaML-routed number, at the top level so a lookup can filter on it. */
  readonly lamlSid?: string;
  readonly laml?: LamlNumberSettings;
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
      numberType: numberTypeOf(digits),
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

  /** Pointing a number at an application (even none, the default one) makes it Plivo-routed again. */
  async update(accountId: string, number: string, change: { readonly appId?: string | null; readonly alias?: string | null }): Promise<PlivoNumber | null> {
    const found = await this.get(accountId, number);
    if (!found) return null;
    await this.checkApplication(accountId, change.appId ?? null);
    const current = change.appId !== undefined ? plivoRouted(found) : found;
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

  /**
   * Route a number by LaML (IncomingPhoneNumbers create): rent it, or take over one the account
   * already has, with `settings`. Throws NumberTakenError if another account has it.
   */
  async routeByLaml(accountId: string, number: string, settings: LamlNumberChange): Promise<PlivoNumber> {
    const digits = digitsOf(number);
    const existing = await this.find(digits);
    if (existing && existing.accountId !== accountId) throw new NumberTakenError(digits);
    const now = this.deps.clock.now();
    const sid = existing?.laml?.sid ?? randomUUID();
    const laml: LamlNumberSettings = {
      sid,
      friendlyName: defaultFriendlyName(digits),
      voiceUrl: null,
      voiceFallbackUrl: null,
      statusCallback: null,
      smsUrl: null,
      smsFallbackUrl: null,
      ...existing?.laml,
      ...settings,
      createdAt: existing?.laml?.createdAt ?? now,
      updatedAt: now,
    };
    const routed: PlivoNumber = {
      number: digits,
      accountId,
      dialect: 'laml',
      lamlSid: sid,
      laml,
      appId: null,
      alias: existing?.alias ?? null,
      numberType: existing?.numberType ?? numberTypeOf(digits),
      addedOn: existing?.addedOn ?? now,
    };
    await this.save(routed);
    return routed;
  }

  /** The account's LaML-routed number with this IncomingPhoneNumber sid. */
  async getByLamlSid(accountId: string, sid: string): Promise<PlivoNumber | null> {
    const { items } = await this.deps.store.listResources({ type: NUMBER_RESOURCE, accountId, where: { lamlSid: sid } }, { limit: 1, offset: 0 });
    return (items[0]?.state as PlivoNumber | undefined) ?? null;
  }

  async listLaml(accountId: string, page: { limit: number; offset: number }): Promise<{ items: PlivoNumber[]; total: number }> {
    const { items, total } = await this.deps.store.listResources({ type: NUMBER_RESOURCE, accountId, where: { dialect: 'laml' } }, page);
    return { items: items.map((item) => item.state as PlivoNumber), total };
  }

  private async checkApplication(accountId: string, appId: string | null): Promise<void> {
    if (appId !== null && !(await this.deps.applications.get(accountId, appId))) throw new UnknownApplicationError(appId, accountId);
  }

  private async save(number: PlivoNumber): Promise<void> {
    await this.deps.store.commit({ resources: [{ type: NUMBER_RESOURCE, id: number.number, accountId: number.accountId, state: number, updatedAt: this.deps.clock.now() }] });
  }
}

function numberTypeOf(digits: string): PlivoNumber['numberType'] {
  return digits.startsWith('1800') || digits.startsWith('1888') || digits.startsWith('1877') ? 'tollfree' : 'local';
}

/** The number without its LaML routing. */
function plivoRouted(number: PlivoNumber): PlivoNumber {
  const { dialect: _dialect, lamlSid: _lamlSid, laml: _laml, ...rest } = number;
  return rest;
}
