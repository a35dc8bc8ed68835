import { Command, CommanderError, Option } from 'commander';
import { defaultText, hiddenChoices, type ConfigField } from '../config/fields.js';
import type { RawSetting } from '../config/load.js';
import { CONFIG_FILE_ENV } from '../config/load.js';
import { configFields } from '../config/schema.js';
import { VERSION } from '../version.js';
import { colors } from './colors.js';
import { DEFAULT_SERVER_URL } from './control-client.js';
import type { CliIo } from './io.js';
import { collect } from './pairs.js';
import { replay } from './replay.js';
import { CliError, type CommandResult } from './result.js';
import { serve } from './serve.js';
import { signCallback } from './sign.js';
import { tail } from './tail.js';
import { formatVerifyResult, verifyCommand } from './verify.js';

/**
 * Runs one hookline command line (without `node` and the script) and reports how it ended. Parsing and
 * printing live here; what the commands do lives in their own modules.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<CommandResult> {
  let result: CommandResult = { exitCode: 0 };
  const program = buildProgram(io, (outcome) => (result = outcome));
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return { exitCode: error.exitCode };
    throw error;
  }
  return result;
}

/** The commander program; `report` receives each command's result. Exported for tests of `--help`. */
export function buildProgram(io: CliIo, report: (result: CommandResult) => void): Command {
  const program = new Command('hookline')
    .description('A self-hostable callback engine for voice and SMS: Plivo and LaML front doors, a carrier simulator, signed and retried callbacks.')
    .version(VERSION, '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(add --help for usage)');

  const run = (name: string, action: () => Promise<CommandResult> | CommandResult) => async (): Promise<void> => {
    try {
      report(await action());
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      io.err(`hookline ${name}: ${error.message}\n`);
      report({ exitCode: 1 });
    }
  };

  addAppCommand(program, io, run, 'serve', 'Run hookline: the carrier APIs, the control API, the sink, the inspector and the dispatcher, on one port.');
  addAppCommand(
    program,
    io,
    run,
    'worker',
    'Run a dispatcher only (no API), sending the callbacks stored in a shared --store; serves /health and Prometheus /metrics on --port.',
  );
  addTail(program, io, run);
  addReplay(program, io, run);
  addSign(program, io, run);
  addVerify(program, io, run);
  return program;
}

type Runner = (name: string, action: () => Promise<CommandResult> | CommandResult) => () => Promise<void>;

/** `serve` and `worker`: the same settings, one running the whole of hookline, the other its dispatcher. */
function addAppCommand(program: Command, io: CliIo, run: Runner, role: 'serve' | 'worker', description: string): void {
  const command = program.command(role).description(description);
  for (const field of configFields) command.addOption(settingOption(field));
  command.addOption(new Option('--config <FILE>', `JSON file of settings (keys as in docs/configuration.md); flags and environment variables override it (env: ${CONFIG_FILE_ENV})`));
  command.addHelpText('after', '\nPrecedence: flag > environment variable > config file > default. Every setting: docs/configuration.md.');
  command.action(
    run(role, () => {
      const options = command.opts<Record<string, unknown>>();
      const flags: Record<string, RawSetting | undefined> = {};
      for (const field of configFields) {
        if (command.getOptionValueSource(field.key) === 'cli') flags[field.key] = options[field.key] as RawSetting;
      }
      return serve({ flags, configFile: options.config as string | undefined, role }, io);
    }),
  );
}

/** One flag per setting, its help text made of the setting's own description, default and variable. */
export function settingOption(field: ConfigField): Option {
  const extras = [`default: ${defaultText(field)}`, `env: ${field.env}`];
  if (field.list) extras.unshift('repeatable');
  const choices = hiddenChoices(field);
  if (choices) extras.unshift(choices);
  const flags = field.kind === 'boolean' ? field.flag : `${field.flag} <${field.placeholder}>`;
  const option = new Option(flags, `${field.description} (${extras.join('; ')})`);
  if (field.list) option.argParser(collect);
  return option;
}

function serverOptions(command: Command, io: CliIo): Command {
  return command
    .addOption(new Option('--url <URL>', "hookline's address (env: HOOKLINE_URL)").default(io.env.HOOKLINE_URL ?? DEFAULT_SERVER_URL))
    .addOption(new Option('--token <TOKEN>', 'control token, when the server requires one (env: HOOKLINE_CONTROL_TOKEN)'));
}

function target(options: { url: string; token?: string }, io: CliIo): { url: string; token?: string } {
  const token = options.token ?? io.env.HOOKLINE_CONTROL_TOKEN;
  return token ? { url: options.url, token } : { url: options.url };
}

function addTail(program: Command, io: CliIo, run: Runner): void {
  const command = serverOptions(program.command('tail').description('Follow every callback attempt live, one coloured line each; reconnects when the server restarts.'), io)
    .option('--account <ID>', "only this account's callbacks")
    .option('--json', 'print every event (deliveries and attempts) as one JSON line');
  command.action(
    run('tail', () => {
      const options = command.opts<{ url: string; token?: string; account?: string; json?: boolean }>();
      return tail({ ...target(options, io), account: options.account, json: options.json === true }, io);
    }),
  );
}

function addReplay(program: Command, io: CliIo, run: Runner): void {
  const command = serverOptions(
    program.command('replay').description('Send a delivery again under its stable id (a fresh retry round).').argument('<deliveryId>', 'the delivery to send again'),
    io,
  );
  command.action(
    run('replay', () => {
      const options = command.opts<{ url: string; token?: string }>();
      return replay(command.args[0] as string, target(options, io), io);
    }),
  );
}

function addSign(program: Command, io: CliIo, run: Runner): void {
  const command = program
    .command('sign')
    .description('Print the signature headers hookline would send on a callback, one `Name: value` per line.')
    .requiredOption('--dialect <plivo|laml|standard>', 'whose signature scheme to use')
    .requiredOption('--url <URL>', 'the callback URL (for GET the params are merged into its query, as hookline sends them)')
    .option('--method <GET|POST>', 'HTTP method', 'POST')
    .option('--param <NAME=VALUE>', 'a callback parameter (repeatable)', collect, [] as string[])
    .requiredOption('--token <TOKEN>', "the key: the account's auth token (plivo, standard) or its LaML signing key (PSK_…)")
    .option('--main-token <TOKEN>', "the main account's token, for Plivo's -Ma- headers (default: --token)")
    .option('--nonce <DIGITS>', 'Plivo nonce (default: a fresh 20-digit one)')
    .option('--id <ID>', 'Standard Webhooks webhook-id (default: a fresh UUID)')
    .option('--timestamp <SECONDS>', 'Standard Webhooks webhook-timestamp (default: now)');
  command.action(
    run('sign', () => {
      const options = command.opts<{ dialect: string; url: string; method: string; param: string[]; token: string; mainToken?: string; nonce?: string; id?: string; timestamp?: string }>();
      const signed = signCallback({ ...options, params: options.param, nowSeconds: Math.floor(Date.now() / 1000) });
      io.err(`signed ${signed.method} ${signed.url}${signed.body ? ` with body ${signed.body}` : ''}\n`);
      io.out(Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}\n`).join(''));
      return { exitCode: 0 };
    }),
  );
}

function addVerify(program: Command, io: CliIo, run: Runner): void {
  const command = program
    .command('verify')
    .description('Check a received callback\'s signature headers; exit code 0 when valid, 1 otherwise.')
    .requiredOption('--url <URL>', 'the full URL the callback was received at, query included')
    .option('--method <GET|POST>', 'HTTP method', 'POST')
    .option('--param <NAME=VALUE>', 'a form parameter of the body (repeatable)', collect, [] as string[])
    .option('--header <"Name: value">', 'a received header (repeatable)', collect, [] as string[])
    .requiredOption('--token <TOKEN>', "the key: the account's auth token (plivo, standard) or its LaML signing key (PSK_…)")
    .option('--main-token <TOKEN>', "the main account's token, for Plivo's -Ma- headers (default: --token)")
    .option('--body <BODY>', 'the raw body (Standard Webhooks, LaML bodySHA256); a form body also stands in for --param')
    .option('--now <SECONDS>', 'check the Standard Webhooks timestamp against this time instead of now');
  command.action(
    run('verify', () => {
      const options = command.opts<{ url: string; method: string; param: string[]; header: string[]; token: string; mainToken?: string; body?: string; now?: string }>();
      if (options.now !== undefined && !/^\d+$/.test(options.now)) throw new CliError(`--now: expected whole seconds since the epoch, got ${JSON.stringify(options.now)}`);
      const result = verifyCommand({
        ...options,
        params: options.param,
        headers: options.header,
        nowSeconds: options.now === undefined ? undefined : Number(options.now),
      });
      io.out(formatVerifyResult(result, colors(io.color)));
      return { exitCode: result.valid ? 0 : 1 };
    }),
  );
}
