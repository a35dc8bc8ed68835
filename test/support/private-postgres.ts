import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A PostgreSQL server of a test's own, in a temporary directory on a free port, for tests that stop and
 * start the server: restarting the shared one on 5432 would break the test files running beside them.
 * The binaries come from HOOKLINE_TEST_PG_BIN or the newest /usr/lib/postgresql/N/bin; as root the
 * server runs as the `postgres` user, which initdb requires.
 */
export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
    private readonly asUser: string | null,
  ) {}

  /** Where the binaries are, or null (with the reason) when this machine has none. */
  static binaries(): { bin: string } | { missing: string } {
    const configured = process.env.HOOKLINE_TEST_PG_BIN;
    if (configured) return existsSync(join(configured, 'initdb')) ? { bin: configured } : { missing: `no initdb in HOOKLINE_TEST_PG_BIN=${configured}` };
    const root = '/usr/lib/postgresql';
    const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
    const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
    return newest ? { bin: join(root, newest, 'bin') } : { missing: `no initdb under ${root} (set HOOKLINE_TEST_PG_BIN)` };
  }

  /** initdb a fresh cluster (trust auth, user `postgres`) and start it. */
  static async start(bin: string): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-pg-'));
    const asUser = process.getuid?.() === 0 ? 'postgres' : null;
    if (asUser) chownSync(dir, Number(execFileSync('id', ['-u', asUser]).toString()), Number(execFileSync('id', ['-g', asUser]).toString()));
    const server = new PrivatePostgres(bin, dir, await freePort(), asUser);
    try {
      await server.exec('initdb', ['-D', server.data, '-U', 'postgres', '-A', 'trust', '-N', '-E', 'UTF8']);
      await server.startServer();
    } catch (error) {
      await server.destroy();
      throw error;
    }
    return server;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  /** Fast shutdown: every session is ended, as when the service restarts. */
  async stop(): Promise<void> {
    await this.exec('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', 'stop']);
  }

  async startServer(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dir} -c fsync=off -c full_page_writes=off`;
    await this.exec('pg_ctl', ['-D', this.data, '-o', options, '-l', join(this.dir, 'server.log'), '-w', 'start']);
  }

  /** Stops the server if it runs and removes its directory. */
  async destroy(): Promise<void> {
    if (existsSync(join(this.data, 'postmaster.pid'))) await this.exec('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The server's log, for a failing test's message. */
  log(): string {
    const path = join(this.dir, 'server.log');
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }

  private async exec(program: string, args: string[]): Promise<void> {
    const path = join(this.bin, program);
    const [command, argv] = this.asUser ? ['runuser', ['-u', this.asUser, '--', path, ...args]] : [path, args];
    try {
      await run(command, argv, { cwd: this.dir });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`${program} ${args.join(' ')} failed: ${stderr || stdout || (error as Error).message}`, { cause: error });
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
