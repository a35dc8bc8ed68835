import { readFileSync } from 'node:fs';

/**
 * CPU time of this process, split into its main thread (HTTP, signing, the dispatcher, the call
 * engine) and everything else (the SQLite thread and its checkpointer, V8's garbage-collection
 * helpers, libuv's pool). Which one a figure is short of says where its next gain is: the main thread
 * is one core at most, the rest share the machine with it.
 */
export interface CpuSplit {
  readonly processMs: number;
  /** Null where the kernel does not say (not Linux). */
  readonly mainThreadMs: number | null;
}

export interface CpuMark {
  readonly process: NodeJS.CpuUsage;
  readonly mainThreadNs: number | null;
}

export function cpuMark(): CpuMark {
  return { process: process.cpuUsage(), mainThreadNs: mainThreadNs() };
}

/** CPU spent since `mark`. The process figure counts threads that have ended since (a stopped engine's). */
export function cpuSince(mark: CpuMark): CpuSplit {
  const used = process.cpuUsage(mark.process);
  const main = mainThreadNs();
  return {
    processMs: (used.user + used.system) / 1000,
    mainThreadMs: main === null || mark.mainThreadNs === null ? null : (main - mark.mainThreadNs) / 1e6,
  };
}

/** The main thread's time on a CPU in nanoseconds (`schedstat`'s first field; its thread id is the pid). */
function mainThreadNs(): number | null {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return null;
  }
}

/** "3.50 ms of engine CPU per call, 1.60 of them on its main thread". */
export function cpuPerCall(result: { readonly cpuMsPerCall: number; readonly mainThreadCpuMsPerCall: number | null }): string {
  const main = result.mainThreadCpuMsPerCall === null ? '' : `, ${result.mainThreadCpuMsPerCall.toFixed(2)} of them on its main thread`;
  return `${result.cpuMsPerCall.toFixed(2)} ms of engine CPU per call${main}`;
}
