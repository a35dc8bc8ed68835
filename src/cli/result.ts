/** How a command ended, or, for the long-running ones, how it will. */
export interface CommandResult {
  readonly exitCode: number;
  /** Set by `serve` and `tail`: resolves with the exit code once a signal has stopped them. */
  readonly running?: Promise<number>;
}

/** A failure the user can act on: printed as one line, exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
