import { randomInt } from 'node:crypto';
import type { HttpMethod } from '../../domain/callback.js';
import type { Clock } from '../../domain/clock.js';
import type { Store } from '../../store/ports.js';
import { allResources } from '../resources.js';

export const APPLICATION_RESOURCE = 'application';

/** A Plivo application: where a number's inbound calls and messages go (plivo.md §1.8, §3.5). */
export interface PlivoApplication {
  readonly appId: string;
  readonly accountId: string;
  readonly appName: string;
  readonly answerUrl: string | null;
  readonly answerMethod: HttpMethod;
  readonly hangupUrl: string | null;
  readonly hangupMethod: HttpMethod;
  readonly fallbackAnswerUrl: string | null;
  readonly fallbackMethod: HttpMethod;
  readonly messageUrl: string | null;
  readonly messageMethod: HttpMethod;
  /** Receives the inbound traffic of the account's numbers that name no application. */
  readonly defaultNumberApp: boolean;
  readonly defaultEndpointApp: boolean;
  readonly logIncomingMessages: boolean;
  readonly publicUri: boolean;
  readonly createdAt: number;
}

export type ApplicationSettings = Omit<PlivoApplication, 'appId' | 'accountId' | 'createdAt'>;

export const APPLICATION_DEFAULTS: Omit<ApplicationSettings, 'appName'> = {
  answerUrl: null,
  answerMethod: 'POST',
  hangupUrl: null,
  hangupMethod: 'POST',
  fallbackAnswerUrl: null,
  fallbackMethod: 'POST',
  messageUrl: null,
  messageMethod: 'POST',
  defaultNumberApp: false,
  defaultEndpointApp: false,
  logIncomingMessages: true,
  publicUri: false,
};

/** Applications of each account, stored as resources; one default number app per account. */
export class Applications {
  constructor(private readonly deps: { readonly store: Store; readonly clock: Clock }) {}

  async create(accountId: string, settings: ApplicationSettings): Promise<PlivoApplication> {
    // Plivo's app ids are long decimal numbers (`20372631212782780`).
    const application: PlivoApplication = { ...settings, appId: `${randomInt(1e8, 1e9)}${randomInt(1e8, 1e9)}`, accountId, createdAt: this.deps.clock.now() };
    await this.save(application);
    return application;
  }

  async get(accountId: string, appId: string): Promise<PlivoApplication | null> {
    const resource = await this.deps.store.getResource(APPLICATION_RESOURCE, appId);
    return resource && resource.accountId === accountId ? (resource.state as PlivoApplication) : null;
  }

  async list(accountId: string, page: { limit: number; offset: number }): Promise<{ items: PlivoApplication[]; total: number }> {
    const { items, total } = await this.deps.store.listResources({ type: APPLICATION_RESOURCE, accountId }, page);
    return { items: items.map((item) => item.state as PlivoApplication), total };
  }

  async update(accountId: string, appId: string, change: Partial<ApplicationSettings>): Promise<PlivoApplication | null> {
    const current = await this.get(accountId, appId);
    if (!current) return null;
    const updated: PlivoApplication = { ...current, ...change };
    await this.save(updated);
    return updated;
  }

  async delete(accountId: string, appId: string): Promise<boolean> {
    const current = await this.get(accountId, appId);
    if (!current) return false;
    await this.deps.store.deleteResource(APPLICATION_RESOURCE, appId);
    return true;
  }

  /** The account's default number application, if it has one. */
  async defaultNumberApp(accountId: string): Promise<PlivoApplication | null> {
    return (await this.defaultApps(accountId))[0] ?? null;
  }

  /** Making one application the default number app takes the role from any other of the account. */
  private async save(application: PlivoApplication): Promise<void> {
    const demoted = application.defaultNumberApp
      ? (await this.defaultApps(application.accountId)).filter((other) => other.appId !== application.appId).map((other) => ({ ...other, defaultNumberApp: false }))
      : [];
    await this.deps.store.commit({
      resources: [application, ...demoted].map((app) => ({ type: APPLICATION_RESOURCE, id: app.appId, accountId: app.accountId, state: app, updatedAt: this.deps.clock.now() })),
    });
  }

  /** At most one, unless a save is under way. */
  private async defaultApps(accountId: string): Promise<PlivoApplication[]> {
    const all = await allResources(this.deps.store, { type: APPLICATION_RESOURCE, accountId });
    return all.map((item) => item.state as PlivoApplication).filter((app) => app.defaultNumberApp);
  }
}
