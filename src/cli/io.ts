/** Where SIGINT and SIGTERM come from: the process, or an emitter in tests. */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/** Everything a command touches outside itself, so commands run in-process in tests. */
export interface CliIo {
  /** Writes text to stdout as given (callers add newlines). */
  out(text: string): void;
  err(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal: picks pretty logs for `--log-format auto`. */
  readonly stdoutIsTTY: boolean;
  /** Whether to colour output (picocolors' own detection for the real process: NO_COLOR, FORCE_COLOR, TTY). */
  readonly color: boolean;
  readonly signals: SignalSource;
  /** Leaves at once, for a second Ctrl-C while shutting down. */
  exit(code: number): void;
}
