import { createApp, type AppRole, type HooklineApp } from '../app.js';
import { ConfigError, loadConfig, type RawSetting } from '../config/load.js';
import type { HooklineConfig } from '../config/schema.js';
import { describeTarget, targetOf } from '../store/postgres/index.js';
import type { Account } from '../store/ports.js';
import { YOUNG_GENERATION_FLAG, youngGenerationSized } from '../runtime/young-generation.js';
import { VERSION } from '../version.js';
import { renderBanner, type BannerAccount } from './banner.js';
import { colors } from './colors.js';
import type { CliIo } from './io.js';
import { createLogger } from './logger.js';
import type { CommandResult } from './result.js';
import { onStopSignal } from './signals.js';

export interface ServeInput {
  /** Settings given as flags, by key. */
  readonly flags: Readonly<Record<string, RawSetting | undefined>>;
  /** `--config FILE`; HOOKLINE_CONFIG otherwise. */
  readonly configFile?: string;
  /** `hookline serve` (the default) or `hookline worker`. */
  readonly role?: AppRole;
}

/**
 * `hookline serve`: resolve the settings, start the app, print the banner, and on SIGINT/SIGTERM drain
 * and close. Every start failure is one line on stderr and exit code 1.
 */
export async function serve(input: ServeInput, io: CliIo): Promise<CommandResult> {
  const role = input.role ?? 'serve';
  const startFailed = (message: string): CommandResult => {
    io.err(`hookline ${role}: ${message}\n`);
    return { exitCode: 1 };
  };
  let config: HooklineConfig;
  try {
    config = loadConfig({ flags: input.flags, env: io.env, file: input.configFile });
  } catch (error) {
    if (error instanceof ConfigError) return startFailed(error.message);
    throw error;
  }
  const palette = colors(io.color);
  const logger = createLogger(config, io, palette);
  if (!youngGenerationSized(process.execArgv, io.env.NODE_OPTIONS)) {
    // It works without; it spends more of its time collecting garbage (src/runtime/young-generation.ts).
    logger.info({ flag: YOUNG_GENERATION_FLAG }, `node runs with its default young generation; start it with node ${YOUNG_GENERATION_FLAG} (as npm start does) for less time in garbage collection`);
  }
  let app: HooklineApp;
  try {
    app = await createApp(config, { logger, role });
  } catch (error) {
    // A PostgreSQL failure names its host and port already; a SQLite one is about the data directory.
    return startFailed(`could not start: ${messageOf(error)}${config.store === undefined ? ` (data: ${config.data})` : ''}`);
  }
  // Signals are watched from here on, before the port opens: a supervisor may send SIGTERM as soon as
  // it sees the port, and the default action would kill the process without draining.
  const listening = app.listen();
  const { stopped, dispose } = onStopSignal(io, async () => {
    await listening.catch(() => undefined);
    logger.info('stopping: draining in-flight deliveries (press Ctrl-C again to leave at once)');
    await app.close();
    return 0;
  });
  let url: string;
  try {
    ({ url } = await listening);
  } catch (error) {
    dispose();
    await app.close().catch(() => undefined);
    return startFailed(listenFailure(error, config));
  }
  const store = config.store === undefined ? `${config.data} (SQLite)` : storeText(config.store);
  if (role === 'worker') {
    io.out(`hookline ${VERSION} worker is dispatching from ${store}; health at ${url}/health, metrics at ${url}/metrics\n`);
    return { exitCode: 0, running: stopped };
  }
  io.out(
    renderBanner(
      {
        version: VERSION,
        url,
        host: config.host,
        accounts: bannerAccounts(app.devAccount, app.accounts.list()),
        data: config.data,
        store: config.store === undefined ? null : storeText(config.store),
        clock: config.clock,
        timeScale: config.timeScale,
        dispatch: config.dispatch,
        controlToken: app.controlToken,
      },
      palette,
    ),
  );
  return { exitCode: 0, running: stopped };
}

/** The dev account, then every other main account (sub-accounts are the API's business). */
function bannerAccounts(dev: Account, all: readonly Account[]): [BannerAccount, ...BannerAccount[]] {
  const shown = (account: Account): BannerAccount => ({ authId: account.id, authToken: account.authToken, lamlProjectId: account.lamlProjectId, signingKey: account.signingKey });
  return [shown(dev), ...all.filter((account) => account.id !== dev.id && account.parentId === null).map(shown)];
}

/** Where the store is, without the password. */
function storeText(connectionString: string): string {
  return `${describeTarget(targetOf(connectionString))} (PostgreSQL)`;
}

/** Says which address failed and what to do, for the errors people actually hit. */
export function listenFailure(error: unknown, config: Pick<HooklineConfig, 'host' | 'port'>): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const where = `${config.host}:${config.port}`;
  switch (code) {
    case 'EADDRINUSE':
      return `port ${config.port} on ${config.host} is already in use; pick another with --port <n> (or HOOKLINE_PORT), or --port 0 for any free port`;
    case 'EACCES':
      return `not allowed to listen on ${where}; ports below 1024 need privileges, so pick one above with --port <n>`;
    case 'EADDRNOTAVAIL':
      return `address ${config.host} is not on this machine; pick one of its addresses with --host (127.0.0.1 for local use)`;
    default:
      return `could not listen on ${where}: ${messageOf(error)}`;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
