import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromScaleChild, ScaleOptions, ScaleResult } from './scale-protocol.js';

/** Run figure 4 in a fresh child (bench/scale-process.ts) with the collector exposed; bounded by `timeoutMs`. */
export function scaleFigure(options: ScaleOptions, timeoutMs: number): Promise<ScaleResult> {
  const child = fork(fileURLToPath(new URL('./scale-process.js', import.meta.url)), [JSON.stringify(options)], {
    execArgv: ['--expose-gc'],
    stdio: 'inherit',
  });
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
      settle(() => reject(new Error(`scale child did not finish within ${timeoutMs / 1000} s`)));
    }, timeoutMs);
    child.on('message', (message) => {
      const reply = message as FromScaleChild;
      if (reply.type === 'result') settle(() => resolve(reply.result));
      else settle(() => reject(new Error(`scale child failed: ${reply.message}`)));
    });
    child.once('error', (error) => settle(() => reject(error)));
    child.once('exit', (code) => settle(() => reject(new Error(`scale child exited with code ${code} before reporting`))));
  });
}
