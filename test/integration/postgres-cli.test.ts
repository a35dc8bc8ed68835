/**
 * `hookline serve --store postgres://…`: the built CLI as separate processes on one PostgreSQL
 * database, and the one-line failures a wrong or unreachable connection string gives at start.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawnServe, type ServeProcess } from '../support/cli-process.js';
import { Receiver } from '../support/receiver.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../store/postgres-server.js';

const available = await postgresAvailable('the PostgreSQL CLI tests');
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** The built CLI run to completion: its exit code and what it wrote to stderr. */
function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('hookline serve --store: start failures', () => {
  it('exits 1 with one line naming host and port when nothing listens there', async () => {
    const { code, stderr } = await run(['serve', '--port', '0', '--store', 'postgres://postgres@127.0.0.1:1/hookline']);
    expect(code).toBe(1);
    expect(stderr).toBe('hookline serve: could not start: cannot connect to PostgreSQL at 127.0.0.1:1 (database "hookline", user "postgres"): connect ECONNREFUSED 127.0.0.1:1\n');
  });

  it('exits 1 naming the setting for a connection string that is not a PostgreSQL URL', async () => {
    const { code, stderr } = await run(['serve', '--port', '0'], { HOOKLINE_STORE: 'mysql://127.0.0.1/hookline' });
    expect(code).toBe(1);
    expect(stderr).toBe(
      'hookline serve: --store / HOOKLINE_STORE: expected a postgres:// or postgresql:// connection string, got "mysql://127.0.0.1/hookline" (from HOOKLINE_STORE)\n',
    );
  });

  it.runIf(available)('exits 1 with the server’s own message when it refuses the database', async () => {
    const { code, stderr } = await run(['serve', '--port', '0', '--store', 'postgres://postgres@127.0.0.1:5432/hookline_no_such_database']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'hookline serve: could not start: cannot connect to PostgreSQL at 127.0.0.1:5432 (database "hookline_no_such_database", user "postgres"): database "hookline_no_such_database" does not exist\n',
    );
  });
});

describe.skipIf(!available)('hookline serve --store: processes sharing one database', () => {
  const processes: ServeProcess[] = [];
  const receivers: Receiver[] = [];
  let database: TestDatabase | null = null;
  afterEach(async () => {
    for (const server of processes.splice(0)) {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
      await server.exited;
    }
    for (const receiver of receivers.splice(0)) await receiver.stop();
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function serve(args: string[]): Promise<ServeProcess> {
    const server = await spawnServe([...args, '--log-level', 'warn']);
    processes.push(server);
    return server;
  }

  it('delivers a callback queued on an API-only node from a node that only dispatches', async () => {
    database = await createTestDatabase();
    const store = ['--store', database.url, '--account', 'MAPGSHARED:shared-token'];
    const receiver = await new Receiver().start();
    receivers.push(receiver);
    const [api] = await Promise.all([serve([...store, '--no-dispatch']), serve(store)]);
    expect(api.output()).toMatch(/Store +postgres:\/\/postgres@127\.0\.0\.1:5432\/hookline_test_\w+ \(PostgreSQL\)/);

    const response = await request(`${api.url}/hookline/v1/callbacks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url('/status'), dialect: 'standard', params: { Status: 'delivered' } }),
    });
    expect(response.statusCode).toBe(202);
    const { id } = (await response.body.json()) as { id: string };

    // Well within the fallback poll's reach as well: what this pins is that another process sends it.
    await receiver.waitFor(1);
    expect(receiver.requests[0]?.params).toEqual({ Status: 'delivered' });
    expect(receiver.requests[0]?.headers['x-hookline-delivery-id']).toBe(id);
  });
});
