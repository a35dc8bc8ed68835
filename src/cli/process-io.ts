import pc from 'picocolors';
import type { CliIo } from './io.js';

/** The real process's streams, environment and signals. */
export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    color: pc.isColorSupported,
    signals: process,
    exit: (code) => process.exit(code),
  };
}
