/** What the bench asks of the scale child, and what it reports back over IPC. */

export interface ScaleOptions {
  /** Callbacks scheduled an hour ahead. */
  readonly scheduled: number;
  /** Callbacks due now, claimed in one `claimDue` call per round. */
  readonly due: number;
  /** Rows per `store.commit` while filling. */
  readonly batchSize: number;
  /** Claim rounds per store; the first warms up, the median of the rest is reported. */
  readonly rounds: number;
}

/** MB. The `rss*` split is Linux-only and absent elsewhere. */
export interface MemoryBreakdown {
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly rssAnon?: number;
  readonly rssFile?: number;
  readonly rssShmem?: number;
}

export interface ClaimTiming {
  /** Median of the timed rounds, ms. */
  readonly medianMs: number;
  readonly roundsMs: readonly number[];
  /** Deliveries each round claimed; each should equal `due`. */
  readonly claimed: readonly number[];
}

export interface ScaleResult {
  readonly gcExposed: boolean;
  /** RSS of the engine with an empty store, MB. */
  readonly rssEmptyMb: number;
  /** The same once idle until V8 has given back its young generation (at most 45 s), MB. */
  readonly rssEmptyIdleMb: number;
  /** RSS holding the deliveries once idle the same way, MB: the figure judged against the target. */
  readonly rssLoadedIdleMb: number;
  /** The longer of the two idle waits, ms (45,000 means V8 never shrank it). */
  readonly idleWaitMs: number;
  /** RSS holding `scheduled` + `due` deliveries, after the claims, collected and settled for 1 s, MB. */
  readonly rssLoadedMb: number;
  /** RSS once that engine is closed and its store gone, MB: what filling left behind in the process. */
  readonly rssClosedMb: number;
  /** Where the loaded RSS lives: V8 heap, native allocations, mapped files (Linux /proc/self/status). */
  readonly memoryLoaded: MemoryBreakdown;
  /** Highest RSS the process reached, filling included, MB. */
  readonly rssPeakMb: number;
  readonly fillMs: number;
  /** Database, WAL and shared-memory files, MB, by file name. */
  readonly databaseFilesMb: Readonly<Record<string, number>>;
  /** `nextDueAt` on the full store, median ms. */
  readonly nextDueAtMs: number;
  readonly claimLoaded: ClaimTiming;
  readonly claimAlone: ClaimTiming;
}

