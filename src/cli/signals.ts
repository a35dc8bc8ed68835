import type { CliIo } from './io.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface SignalWatch {
  /** Resolves with `stop`'s exit code once a signal has stopped the command. */
  readonly stopped: Promise<number>;
  /** Stops listening, when the command ended on its own. */
  dispose(): void;
}

/**
 * Calls `stop` on the first SIGINT/SIGTERM; a second signal while stopping leaves at once (exit 1),
 * for when draining takes longer than the user wants to wait.
 */
export function onStopSignal(io: CliIo, stop: () => Promise<number>): SignalWatch {
  let stopping = false;
  let resolveStopped: (code: number) => void = () => undefined;
  const stopped = new Promise<number>((resolve) => (resolveStopped = resolve));
  const dispose = (): void => {
    for (const signal of SIGNALS) io.signals.off(signal, onSignal);
  };
  function onSignal(): void {
    if (stopping) return io.exit(1);
    stopping = true;
    stop().then(
      (code) => {
        dispose();
        resolveStopped(code);
      },
      (error: unknown) => {
        io.err(`hookline: stopping failed: ${error instanceof Error ? error.message : String(error)}\n`);
        dispose();
        resolveStopped(1);
      },
    );
  }
  for (const signal of SIGNALS) io.signals.on(signal, onSignal);
  return { stopped, dispose };
}
