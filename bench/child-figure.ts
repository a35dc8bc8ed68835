import { fork } from 'node:child_process';

/**
 * A figure measured in a process of its own, so nothing an earlier figure left in the bench process
 * (its heap, its threads, a receiver that took hundreds of thousands of requests) shows up in it. The
 * parent passes the figure's input as JSON in argv and waits for one reply over IPC.
 */

type FromChild<T> = { readonly type: 'result'; readonly result: T } | { readonly type: 'error'; readonly message: string };

/** Run `script` (a compiled bench module that calls `answerParent`) with `input`; bounded by `timeoutMs`. */
export function runFigureChild<T>(script: URL, input: unknown, options: { readonly execArgv: readonly string[]; readonly timeoutMs: number }): Promise<T> {
  const name = script.pathname.split('/').pop() ?? 'child';
  const child = fork(script, [JSON.stringify(input)], { execArgv: [...options.execArgv], stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(() => {
      child.kill();
      settle(() => reject(new Error(`${name} did not finish within ${options.timeoutMs / 1000} s`)));
    }, options.timeoutMs);
    child.on('message', (message) => {
      const reply = message as FromChild<T>;
      if (reply.type === 'result') settle(() => resolve(reply.result));
      else settle(() => reject(new Error(`${name} failed: ${reply.message}`)));
    });
    child.once('error', (error) => settle(() => reject(error)));
    child.once('exit', (code) => settle(() => reject(new Error(`${name} exited with code ${code} before reporting`))));
  });
}

/** The child's side: measure with the input the parent passed, reply once, and let the process end. */
export function answerParent<I, T>(measure: (input: I) => Promise<T>): void {
  const reply = (message: FromChild<T>): Promise<void> => new Promise((resolve) => process.send?.(message, () => resolve()) ?? resolve());
  const input = JSON.parse(process.argv[2] ?? '{}') as I;
  void measure(input)
    .then((result) => reply({ type: 'result', result }))
    .catch((error: unknown) => reply({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }))
    .finally(() => process.disconnect?.());
}
