import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Scenario } from './domain/scenario.js';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { buildServer } from './api/server.js';
import { buildWorkerServer } from './api/worker-server.js';
import { RealClock } from './clock/real-clock.js';
import { VirtualClock } from './clock/virtual-clock.js';
import type { HooklineConfig } from './config/schema.js';
import { givenProjectId, parseAccountSpec, refuseSharedProjects } from './config/accounts.js';
import type { Clock } from './domain/clock.js';
import type { PolicySettings } from './domain/fragment-policy.js';
import { AccountDirectory } from './delivery/account-directory.js';
import type { CallbackService } from './delivery/callback-service.js';
import { Dispatcher } from './delivery/dispatcher.js';
import { DeliveryMetrics } from './delivery/metrics.js';
import { DocumentFetcher } from './delivery/document-fetcher.js';
import { DeliveryEvents } from './delivery/events.js';
import { HttpSender } from './delivery/http-sender.js';
import { Outbox } from './delivery/outbox.js';
import { SsrfGuard } from './delivery/ssrf-guard.js';
import { MessageService } from './engine/plivo/message-service.js';
import { Subaccounts } from './engine/plivo/subaccounts.js';
import { Applications } from './engine/plivo/applications.js';
import { Numbers } from './engine/plivo/numbers.js';
import { VerifySessions } from './engine/plivo/verify.js';
import { InboundCalls, InboundSms } from './engine/plivo/inbound.js';
import { CallEngine } from './engine/calls/call-engine.js';
import { callServices } from './engine/calls/call-services.js';
import { lamlDialect } from './engine/calls/laml-dialect.js';
import { plivoDialect } from './engine/calls/plivo-dialect.js';
import { RecordingRecords } from './engine/calls/recording-records.js';
import { Recordings } from './engine/calls/recordings.js';
import { NodeOwnership } from './engine/node-ownership.js';
import { Scenarios } from './engine/calls/scenarios.js';
import { parseScenarioFile } from './api/control/scenarios.js';
import { openPostgresStore } from './store/postgres/index.js';
import { openSqliteStore } from './store/sqlite/index.js';
import type { Account, Store } from './store/ports.js';
import { VERSION } from './version.js';
import { newAuthToken, newSigningKey, newUuid, randomAlphanumeric } from './domain/ids.js';

/**
 * `serve`: the carrier APIs, the control API, the sink and the inspector, and (unless --no-dispatch)
 * the dispatcher. `worker`: the dispatcher alone, with only health and metrics over HTTP.
 */
export type AppRole = 'serve' | 'worker';

export interface HooklineApp {
  readonly config: HooklineConfig;
  readonly role: AppRole;
  readonly store: Store;
  readonly clock: Clock;
  /** Set when running with `--clock virtual`. */
  readonly virtualClock: VirtualClock | null;
  readonly events: DeliveryEvents;
  /** The durable notification path. */
  readonly callbacks: CallbackService;
  /** The in-process document path (answer_url, action…). */
  readonly documents: DocumentFetcher;
  readonly dispatcher: Dispatcher | null;
  /** The account used when a request names none: the first configured one, or the stored dev account. */
  readonly devAccount: Account;
  readonly accounts: AccountDirectory;
  /** Plivo SMS: the carrier side of `POST Message/`. */
  readonly messages: MessageService;
  /** Plivo voice: the live calls of this process. */
  readonly calls: CallEngine;
  /** Required on the control API; generated when bound beyond loopback without one. */
  readonly controlToken: string | null;
  readonly logger: Logger;
  /** Start the HTTP server and the dispatcher. */
  listen(): Promise<{ url: string }>;
  /** Stop taking requests, drain in-flight deliveries, close the store. */
  close(): Promise<void>;
}

const VIRTUAL_CLOCK_KEY = 'virtual-clock.now';
const DEV_ACCOUNT_KEY = 'dev-account.id';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The composition root: config in, a running system out. */
export async function createApp(config: HooklineConfig, options: { logger?: Logger; role?: AppRole } = {}): Promise<HooklineApp> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const role = options.role ?? 'serve';
  const store = await openStore(config, logger);
  try {
    return await assemble(role === 'worker' ? { ...config, dispatch: true } : config, role, store, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** PostgreSQL when `--store` names one, else the embedded SQLite store in `--data`. */
async function openStore(config: HooklineConfig, logger: Logger): Promise<Store> {
  if (config.store !== undefined) {
    return openPostgresStore({
      connectionString: config.store,
      poolSize: config.storePoolSize,
      statementTimeoutMs: config.storeStatementTimeout,
      logger: logger.child({ component: 'store' }),
    });
  }
  const { data } = config;
  if (data === ':memory:') return openSqliteStore({ path: ':memory:' });
  mkdirSync(data, { recursive: true });
  return openSqliteStore({ path: join(data, 'hookline.db') });
}

async function assemble(config: HooklineConfig, role: AppRole, store: Store, logger: Logger): Promise<HooklineApp> {
  const { clock, virtualClock } = await makeClock(config, store);
  const accounts = new AccountDirectory(await ensureAccounts(config, store, clock));
  const devAccount = await devAccountOf(config, store, accounts);
  const events = new DeliveryEvents();
  const ssrf = new SsrfGuard(config.ssrf, { allow: config.ssrfAllow });
  const sender = new HttpSender({ ssrf, connectionsPerOrigin: config.connectionsPerOrigin });
  const userAgent = `hookline/${VERSION}`;
  const policySettings: PolicySettings = {
    statusTimeoutMs: config.statusTimeout,
    statusRetryDelaysMs: config.statusRetryDelays.map((seconds) => seconds * 1000),
  };
  // The dispatcher tells the message service of finished deliveries, and the service needs the outbox
  // the dispatcher wakes: the reference is filled in once both exist.
  const messagesRef: { current: MessageService | null } = { current: null };
  const metrics = new DeliveryMetrics({ store, clock });
  const dispatcher = config.dispatch
    ? new Dispatcher({
        store,
        clock,
        sender,
        accounts,
        events,
        logger: logger.child({ component: 'dispatcher' }),
        concurrency: config.concurrency,
        recordBodyBytes: config.attemptBodyLimit,
        userAgent,
        twilioSignature: config.twilioSignature,
        owner: `hookline-${process.pid}-${randomBytes(4).toString('hex')}`,
        leaseMs: config.deliveryLease,
        onFinished: (delivery, attempt, status) => messagesRef.current?.finished(delivery, attempt, status),
        onRecorded: (results) => metrics.recorded(results),
      })
    : null;
  if (dispatcher && virtualClock) virtualClock.addSettler(dispatcher);
  const callbacks = new Outbox({
    store,
    clock,
    accounts,
    events,
    ssrf,
    policySettings,
    defaultAccountId: devAccount.id,
    wake: () => dispatcher?.wake(),
    ...(dispatcher ? { handOff: dispatcher } : {}),
  });
  const applications = new Applications({ store, clock });
  const numbers = new Numbers({ store, clock, applications });
  // The address is known once the server listens; RecordUrls handed out before that use the config.
  let publicUrl = `http://${config.host}:${config.port}`;
  const recordings = new Recordings(config.data === ':memory:' ? null : join(config.data, 'recordings'));
  const scenarios = new Scenarios();
  // On a shared store an API node records the calls it runs and the messages whose far end it plays,
  // so the others reach them and take them over should it die. A worker runs neither; the embedded
  // store has one process, which runs them all.
  const engines: { calls: CallEngine | null; messages: MessageService | null } = { calls: null, messages: null };
  const ownership =
    store.owners && role === 'serve'
      ? new NodeOwnership({
          owners: store.owners,
          nodeId: `hookline-${process.pid}-${randomBytes(4).toString('hex')}`,
          url: () => config.advertiseUrl?.replace(/\/$/, '') ?? publicUrl,
          leaseMs: config.nodeLease,
          adopt: async (owned) => {
            if (owned.kind === 'message') return (engines.messages as MessageService).adopt(owned.uuid);
            await (engines.calls as CallEngine).endOrphan(owned.uuid);
            return false;
          },
          logger: logger.child({ component: 'ownership' }),
        })
      : null;
  const documents = new DocumentFetcher({
    store,
    clock,
    sender,
    accounts,
    events,
    logger,
    policySettings,
    recordBodyBytes: config.attemptBodyLimit,
    userAgent,
    twilioSignature: config.twilioSignature,
  });
  const messages = new MessageService({ store, clock, callbacks, documents, logger: logger.child({ component: 'plivo-messages' }), ...(ownership ? { ownership } : {}) });
  engines.messages = messages;
  messagesRef.current = messages;
  if (virtualClock) virtualClock.addSettler(messages);
  if (config.scenarios) for (const scenario of await loadScenarioFile(config.scenarios)) scenarios.put(scenario);
  const dialects = { plivo: plivoDialect, laml: lamlDialect };
  const calls = new CallEngine({
    scenarios,
    store,
    clock,
    callbacks,
    logger: logger.child({ component: 'plivo-calls' }),
    dialects,
    services: callServices({
      documents,
      callbacks,
      messages,
      recordings,
      dialects,
      publicUrl: () => publicUrl,
      lamlAccountSid: (accountId) => accounts.lamlProjectIdOf(accountId),
    }),
    publish: (accountId, callUuid, event) => events.publish({ type: 'call', accountId, callUuid, event }),
    ...(ownership ? { ownership } : {}),
  });
  engines.calls = calls;
  if (virtualClock) virtualClock.addSettler(calls);
  const verify = new VerifySessions({ store, clock, callbacks, messages, calls, logger: logger.child({ component: 'plivo-verify' }) });
  if (virtualClock) virtualClock.addSettler(verify);
  const controlToken = config.controlToken ?? (LOOPBACK_HOSTS.has(config.host) ? null : randomBytes(24).toString('base64url'));
  const server =
    role === 'worker'
      ? await buildWorkerServer({ store, metrics, logger, version: VERSION })
      : await buildServer({
    store,
    callbacks,
    clock,
    virtualClock,
    events,
    logger,
    config: { bodyLimitBytes: config.bodyLimit, controlToken, version: VERSION },
          plivo: {
            accounts,
            messages,
            subaccounts: new Subaccounts({ store, accounts, clock }),
            applications,
            numbers,
            verify,
            inbound: new InboundSms({ numbers, applications, messages }),
            calls,
            inboundCalls: new InboundCalls({ numbers, applications, calls, accounts }),
            recordings,
            devAccountId: devAccount.id,
          },
          laml: { accounts, calls, messages, numbers, recordings: { records: new RecordingRecords(store), files: recordings } },
          metrics,
          ...(ownership
            ? {
                ownerLocator: {
                  nodeId: ownership.nodeId,
                  runs: (uuid: string) => calls.runs(uuid) || messages.drives(uuid),
                  remoteOwner: (uuid: string) => ownership.remoteOwner(uuid),
                },
              }
            : {}),
        });
  const retention = startRetention(store, clock, config.retentionHours, logger);

  let closed = false;
  return {
    config,
    role,
    store,
    clock,
    virtualClock,
    events,
    callbacks,
    documents,
    dispatcher,
    devAccount,
    accounts,
    messages,
    calls,
    controlToken,
    logger,
    async listen() {
      // The embedded store belongs to this process alone: a lease left behind is a crashed run's. On a
      // shared store it may be a live worker's; a dead one's expire and every dispatcher reclaims them.
      if (!store.shared) {
        const released = await store.deliveries.releaseAllLeases(clock.now());
        if (released > 0) logger.warn({ released }, 'resumed deliveries that were in flight when hookline last stopped');
      }
      // Before the dispatcher starts: it reports finished deliveries the message service must
      // recognise (answers to inbound messages), and that service learns which from its resume.
      // A worker plays no far end: the API nodes do.
      if (role === 'serve') {
        await ownership?.join();
        const resumed = await messages.resume();
        if (resumed > 0) logger.info({ resumed }, 'resumed the far end of messages still on their way');
        const sessions = await verify.resume();
        if (sessions > 0) logger.info({ sessions }, 'resumed verify sessions still in progress');
      }
      // Calls live in the process that runs them. On the embedded store a call found live was this
      // process's before a crash; on a shared store it may be another node's, which owns it.
      if (role === 'serve' && !store.shared) {
        const orphans = await calls.resume();
        if (orphans > 0) logger.warn({ calls: orphans }, 'ended the calls that were live when hookline last stopped (5010 Internal Error)');
      }
      const address = await server.listen({ port: config.port, host: config.host });
      publicUrl = address.replace('[::1]', '127.0.0.1');
      await ownership?.start();
      dispatcher?.start();
      retention.runNow();
      return { url: publicUrl };
    },
    async close() {
      if (closed) return;
      closed = true;
      await retention.stop();
      messages.close();
      verify.close();
      await calls.close();
      // Before the lease ends: another node then takes this node's messages over from their last stored step.
      await messages.idle();
      await ownership?.stop();
      await server.close();
      await messages.idle();
      await verify.idle();
      await dispatcher?.stop();
      await sender.close();
      await store.close();
    },
  };
}

/** The `--scenarios` file: a JSON array of scenarios, or `{scenarios: [...]}`, checked by the control API's schema. */
async function loadScenarioFile(path: string): Promise<Scenario[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the scenario file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return parseScenarioFile(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) throw new Error(`the scenario file ${path} is not JSON: ${error.message}`);
    throw error;
  }
}

async function makeClock(config: HooklineConfig, store: Store): Promise<{ clock: Clock; virtualClock: VirtualClock | null }> {
  if (config.clock === 'real') return { clock: new RealClock(config.timeScale), virtualClock: null };
  // Virtual time survives a restart on the same data directory, so pending retries keep their place.
  const saved = Number(await store.meta.get(VIRTUAL_CLOCK_KEY));
  const virtualClock = new VirtualClock(Number.isFinite(saved) && saved > 0 ? saved : Date.now(), (now) =>
    store.meta.set(VIRTUAL_CLOCK_KEY, String(now)),
  );
  await store.meta.set(VIRTUAL_CLOCK_KEY, String(virtualClock.now()));
  return { clock: virtualClock, virtualClock };
}

/** Accounts from `--account`, stored so their deliveries survive a restart; then everything stored. */
async function ensureAccounts(config: HooklineConfig, store: Store, clock: Clock): Promise<Account[]> {
  const specs = config.account.map(parseAccountSpec);
  refuseSharedProjects(specs);
  for (const spec of specs) {
    const existing = await store.accounts.get(spec.authId);
    await store.accounts.put({
      id: spec.authId,
      authToken: spec.authToken,
      // What was given wins; else what was stored, so a project keeps its id and key across restarts.
      lamlProjectId: givenProjectId(spec) ?? existing?.lamlProjectId ?? newUuid(),
      signingKey: spec.signingKey ?? existing?.signingKey ?? newSigningKey(),
      parentId: existing?.parentId ?? null,
      name: existing?.name ?? spec.authId,
      createdAt: existing?.createdAt ?? clock.now(),
    });
  }
  return store.accounts.list();
}

async function devAccountOf(config: HooklineConfig, store: Store, accounts: AccountDirectory): Promise<Account> {
  const firstConfigured = config.account[0];
  if (firstConfigured) return accounts.get(parseAccountSpec(firstConfigured).authId) as Account;
  const storedId = await store.meta.get(DEV_ACCOUNT_KEY);
  const stored = storedId ? accounts.get(storedId) : undefined;
  if (stored) return stored;
  const account: Account = {
    id: `MA${randomAlphanumeric(18)}`,
    authToken: newAuthToken(),
    lamlProjectId: newUuid(),
    signingKey: newSigningKey(),
    parentId: null,
    name: 'dev',
    createdAt: Date.now(),
  };
  await store.accounts.put(account);
  await store.meta.set(DEV_ACCOUNT_KEY, account.id);
  accounts.put(account);
  return account;
}

/**
 * Prune finished deliveries and sink requests past retention: once when hookline starts listening
 * (a hookline restarted more often than hourly, as a dev server is, would otherwise never prune, and a
 * lowered --retention-hours takes effect at once), then hourly on the clock.
 */
function startRetention(store: Store, clock: Clock, retentionHours: number, logger: Logger): { runNow(): void; stop(): Promise<void> } {
  const retentionMs = retentionHours * 3_600_000;
  let timer = clock.setTimer(clock.now() + 3_600_000, run);
  let stopped = false;
  let pass: Promise<void> = Promise.resolve();
  function prune(): void {
    const cutoff = clock.now() - retentionMs;
    pass = store
      .prune({ finishedBefore: cutoff, sinkRequestsBefore: cutoff })
      .then((pruned) => logger.debug({ pruned }, 'retention pass'))
      .catch((error: unknown) => logger.error({ err: error }, 'retention pass failed'));
  }
  function run(): void {
    if (stopped) return;
    // Re-armed first so a virtual clock advancing several hours sees the next pass.
    timer = clock.setTimer(clock.now() + 3_600_000, run);
    prune();
  }
  return {
    runNow() {
      if (!stopped) prune();
    },
    async stop() {
      stopped = true;
      timer.cancel();
      // The store closes next; a pass still running would fail against it.
      await pass;
    },
  };
}
