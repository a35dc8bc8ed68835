import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import type { CliIo } from '../../src/cli/io.js';
import { renderConfigurationDoc } from '../../src/config/docs.js';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { configFields, configSchema } from '../../src/config/schema.js';
import { parseAccountSpec } from '../../src/config/accounts.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function configFile(contents: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-config-'));
  dirs.push(dir);
  const path = join(dir, 'hookline.json');
  writeFileSync(path, typeof contents === 'string' ? contents : JSON.stringify(contents));
  return path;
}

function loadError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config schema', () => {
  it('fills every default when parsing a partial config', () => {
    const config = configSchema.parse({ port: 0, data: '/tmp/x', logLevel: 'silent', clock: 'virtual' });
    expect(config).toEqual({
      port: 0,
      host: '127.0.0.1',
      data: '/tmp/x',
      storePoolSize: 10,
      storeStatementTimeout: 30000,
      clock: 'virtual',
      timeScale: 1,
      account: [],
      ssrf: 'dev',
      ssrfAllow: [],
      twilioSignature: true,
      dispatch: true,
      deliveryLease: 120000,
      nodeLease: 15000,
      concurrency: 256,
      connectionsPerOrigin: 64,
      statusTimeout: 8000,
      statusRetryDelays: [60, 120, 240],
      attemptBodyLimit: 65536,
      bodyLimit: 1048576,
      retentionHours: 168,
      logLevel: 'silent',
      logFormat: 'auto',
    });
  });

  it('derives each flag and environment variable from the setting name', () => {
    const names = Object.fromEntries(configFields.map((field) => [field.key, [field.flag, field.env]]));
    expect(names.timeScale).toEqual(['--time-scale', 'HOOKLINE_TIME_SCALE']);
    expect(names.statusRetryDelays).toEqual(['--status-retry-delays', 'HOOKLINE_STATUS_RETRY_DELAYS']);
    expect(names.connectionsPerOrigin).toEqual(['--connections-per-origin', 'HOOKLINE_CONNECTIONS_PER_ORIGIN']);
    expect(names.dispatch).toEqual(['--no-dispatch', 'HOOKLINE_DISPATCH']);
    expect(names.twilioSignature).toEqual(['--no-twilio-signature', 'HOOKLINE_TWILIO_SIGNATURE']);
    expect(configFields.map((field) => field.key)).toEqual(Object.keys(configSchema.shape));
  });

  it('describes what each kind of setting accepts', () => {
    const expected = Object.fromEntries(configFields.map((field) => [field.key, field.expected]));
    expect(expected.port).toBe('an integer 0–65535');
    expect(expected.timeScale).toBe('a number > 0');
    expect(expected.clock).toBe('one of real, virtual');
    expect(expected.dispatch).toBe('true or false');
    expect(expected.statusRetryDelays).toBe('a comma-separated list of numbers ≥ 0');
    expect(expected.account).toBe('a comma-separated list of AUTH_ID:AUTH_TOKEN[:PROJECT_ID[:SIGNING_KEY]] with PROJECT_ID a UUID');
  });
});

describe('loadConfig precedence', () => {
  it('uses the config file over the defaults', () => {
    const file = configFile({ port: 1111, clock: 'virtual' });
    const config = loadConfig({ file, env: {}, flags: {} });
    expect(config.port).toBe(1111);
    expect(config.clock).toBe('virtual');
    expect(config.host).toBe('127.0.0.1');
  });

  it('uses an environment variable over the config file', () => {
    const file = configFile({ port: 1111, clock: 'virtual' });
    const config = loadConfig({ file, env: { HOOKLINE_PORT: '2222' }, flags: {} });
    expect(config.port).toBe(2222);
    expect(config.clock).toBe('virtual');
  });

  it('uses a flag over the environment and the config file', () => {
    const file = configFile({ port: 1111 });
    const config = loadConfig({ file, env: { HOOKLINE_PORT: '2222' }, flags: { port: '3333' } });
    expect(config.port).toBe(3333);
  });

  it('reads the config file named by HOOKLINE_CONFIG when no file is given', () => {
    const file = configFile({ retentionHours: 2 });
    expect(loadConfig({ env: { HOOKLINE_CONFIG: file } }).retentionHours).toBe(2);
  });

  it('treats an empty environment variable as unset', () => {
    const config = loadConfig({ env: { HOOKLINE_CONTROL_TOKEN: '', HOOKLINE_PORT: '' } });
    expect(config.controlToken).toBeUndefined();
    expect(config.port).toBe(4080);
  });
});

describe('loadConfig coercion', () => {
  it('turns numeric text into numbers', () => {
    const config = loadConfig({ env: { HOOKLINE_TIME_SCALE: '60', HOOKLINE_STATUS_TIMEOUT: '2500' } });
    expect(config.timeScale).toBe(60);
    expect(config.statusTimeout).toBe(2500);
  });

  it('reads a comma-separated retry schedule from the environment', () => {
    expect(loadConfig({ env: { HOOKLINE_STATUS_RETRY_DELAYS: '1, 2,4' } }).statusRetryDelays).toEqual([1, 2, 4]);
  });

  it('collects a repeated --account flag and comma-separated accounts', () => {
    const config = loadConfig({ flags: { account: ['MAONE:tok1', 'MATWO:tok2,MATHREE:tok3'] } });
    expect(config.account).toEqual(['MAONE:tok1', 'MATWO:tok2', 'MATHREE:tok3']);
  });

  it('reads an account with its LaML project id and signing key into its four parts', () => {
    const [spec] = loadConfig({ env: { HOOKLINE_ACCOUNT: 'MAONE:tok1:b3877c40-da60-4998-90ad-b792e98472af:PSK_V3bF8oyeRNpJWGoRWHNYQMUU' } }).account;
    expect(parseAccountSpec(spec as string)).toEqual({
      authId: 'MAONE',
      authToken: 'tok1',
      lamlProjectId: 'b3877c40-da60-4998-90ad-b792e98472af',
      signingKey: 'PSK_V3bF8oyeRNpJWGoRWHNYQMUU',
    });
    expect(parseAccountSpec('MATWO:tok2:6bfbbe86-a901-4197-8759-2a0de1fa319d')).toMatchObject({ lamlProjectId: '6bfbbe86-a901-4197-8759-2a0de1fa319d', signingKey: null });
    expect(parseAccountSpec('b3877c40-da60-4998-90ad-b792e98472af:tok3')).toMatchObject({ authId: 'b3877c40-da60-4998-90ad-b792e98472af', lamlProjectId: null });
  });

  it('reads booleans from the environment in their usual spellings', () => {
    expect(loadConfig({ env: { HOOKLINE_DISPATCH: 'false' } }).dispatch).toBe(false);
    expect(loadConfig({ env: { HOOKLINE_DISPATCH: 'off' } }).dispatch).toBe(false);
    expect(loadConfig({ env: { HOOKLINE_DISPATCH: 'YES' } }).dispatch).toBe(true);
  });

  it('takes --no-dispatch (false from the command line) over the environment', () => {
    expect(loadConfig({ env: { HOOKLINE_DISPATCH: 'true' }, flags: { dispatch: false } }).dispatch).toBe(false);
  });

  it('accepts typed values in the config file, and numeric text there too', () => {
    const file = configFile({ statusRetryDelays: [5, 10], port: '5050', dispatch: false });
    const config = loadConfig({ file });
    expect(config.statusRetryDelays).toEqual([5, 10]);
    expect(config.port).toBe(5050);
    expect(config.dispatch).toBe(false);
  });
});

describe('loadConfig errors', () => {
  it('names the flag, the variable and the allowed range for a bad port', () => {
    expect(loadError(() => loadConfig({ flags: { port: 'abc' } }))).toBe(
      '--port / HOOKLINE_PORT: expected an integer 0–65535, got "abc" (from --port)',
    );
  });

  it('rejects a port out of range from the environment', () => {
    expect(loadError(() => loadConfig({ env: { HOOKLINE_PORT: '70000' } }))).toBe(
      '--port / HOOKLINE_PORT: expected an integer 0–65535, got "70000" (from HOOKLINE_PORT)',
    );
  });

  it('rejects a fractional concurrency', () => {
    expect(loadError(() => loadConfig({ env: { HOOKLINE_CONCURRENCY: '1.5' } }))).toContain('expected an integer ≥ 1');
  });

  it('lists the choices for a bad clock', () => {
    expect(loadError(() => loadConfig({ env: { HOOKLINE_CLOCK: 'fast' } }))).toBe(
      '--clock / HOOKLINE_CLOCK: expected one of real, virtual, got "fast" (from HOOKLINE_CLOCK)',
    );
  });

  it('names the bad item of a list', () => {
    expect(loadError(() => loadConfig({ flags: { statusRetryDelays: '60,soon,240' } }))).toBe(
      '--status-retry-delays / HOOKLINE_STATUS_RETRY_DELAYS: expected a comma-separated list of numbers ≥ 0, got "soon" (from --status-retry-delays)',
    );
  });

  it('rejects an account without a token', () => {
    expect(loadError(() => loadConfig({ flags: { account: ['MAONE'] } }))).toContain(
      '--account / HOOKLINE_ACCOUNT: expected a comma-separated list of AUTH_ID:AUTH_TOKEN[:PROJECT_ID[:SIGNING_KEY]] with PROJECT_ID a UUID, got "MAONE"',
    );
  });

  it('rejects an account whose project id is not a UUID, saying it must be one', () => {
    expect(loadError(() => loadConfig({ flags: { account: ['MAONE:tok1:my-project:PSK_x'] } }))).toBe(
      '--account / HOOKLINE_ACCOUNT: expected a comma-separated list of AUTH_ID:AUTH_TOKEN[:PROJECT_ID[:SIGNING_KEY]] with PROJECT_ID a UUID, got "MAONE:tok1:my-project:PSK_x" (from --account)',
    );
  });

  it('rejects a boolean it cannot read', () => {
    expect(loadError(() => loadConfig({ env: { HOOKLINE_DISPATCH: 'maybe' } }))).toBe(
      '--no-dispatch / HOOKLINE_DISPATCH: expected true or false, got "maybe" (from HOOKLINE_DISPATCH)',
    );
  });

  it('names an unknown key in the config file and suggests the setting it resembles', () => {
    const file = configFile({ timescale: 2 });
    const message = loadError(() => loadConfig({ file }));
    expect(message).toContain(`config file ${file}: unknown setting "timescale" (did you mean "timeScale"?)`);
  });

  it('says where a bad file value came from', () => {
    const file = configFile({ ssrf: 'open' });
    expect(loadError(() => loadConfig({ file }))).toBe(`--ssrf / HOOKLINE_SSRF: expected one of dev, strict, got "open" (from "ssrf" in ${file})`);
  });

  it('reports a config file that is not JSON', () => {
    const file = configFile('{ port: 1 ');
    expect(loadError(() => loadConfig({ file }))).toMatch(/^config file .*: not valid JSON/);
  });

  it('reports a config file that is not an object', () => {
    const file = configFile([1, 2]);
    expect(loadError(() => loadConfig({ file }))).toContain('expected a JSON object of settings');
  });

  it('reports a missing config file', () => {
    expect(loadError(() => loadConfig({ file: '/nonexistent/hookline.json' }))).toBe('config file /nonexistent/hookline.json: cannot be read (ENOENT)');
  });
});

describe('generated documentation', () => {
  it('docs/configuration.md matches the schema (regenerate: npm run build && node scripts/gen-config-docs.mjs)', () => {
    const committed = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderConfigurationDoc());
  });

  it('documents every setting with its flag, variable and default', () => {
    const doc = renderConfigurationDoc();
    for (const field of configFields) {
      expect(doc).toContain(`| \`${field.key}\` | \`${field.flag}`);
      expect(doc).toContain(`\`${field.env}\``);
    }
  });
});

describe('hookline serve --help', () => {
  it('lists every setting with its flag, default and environment variable', async () => {
    let out = '';
    const io: CliIo = {
      out: (text) => (out += text),
      err: (text) => (out += text),
      env: {},
      stdoutIsTTY: false,
      color: false,
      signals: { on: () => undefined, off: () => undefined },
      exit: () => undefined,
    };
    const program = buildProgram(io, () => undefined);
    await expect(program.parseAsync(['serve', '--help'], { from: 'user' })).rejects.toMatchObject({ exitCode: 0 });
    const help = out.replace(/\s+/g, ' ');
    for (const field of configFields) {
      expect(help).toContain(field.flag);
      expect(help).toContain(`env: ${field.env}`);
      expect(help).toContain(field.description.replace(/\s+/g, ' '));
    }
    expect(help).toContain('default: 4080');
    expect(help).toContain('default: 60,120,240');
    expect(help).toContain('--config <FILE>');
  });
});
