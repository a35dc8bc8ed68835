import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  output(): string;
}

/** Runs the built `hookline serve` as its own process and waits for its banner. */
export function spawnServe(args: string[], timeoutMs = 20_000): Promise<ServeProcess> {
  return spawnHookline('serve', args, timeoutMs);
}

/** Runs the built `hookline serve` or `hookline worker` and waits until it prints where it listens. */
export async function spawnHookline(command: 'serve' | 'worker', args: string[], timeoutMs = 20_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, command, '--port', '0', '--log-format', 'json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hookline ${command} printed no URL in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = (): void => {
      const match = /http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => reject(new Error(`hookline ${command} exited (${code}) before listening:\n${output}`)));
  });
  return { child, url, exited, output: () => output };
}

/** SIGKILL every process still running and wait for each to exit; empties the list. */
export async function killAll(processes: ServeProcess[]): Promise<void> {
  for (const started of processes.splice(0)) {
    if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill('SIGKILL');
    await started.exited;
  }
}
