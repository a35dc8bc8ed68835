/**
 * The Node flag the engine is meant to run with: a 128 MB semi-space for V8's young generation
 * (Node 20's default is 16 MB on 64-bit machines).
 *
 * Every attempt allocates tens of kilobytes that die within a few milliseconds (the signed strings,
 * the form, undici's request, the attempt's columns), and with the default semi-space a busy engine
 * ran a scavenge every ~60 ms, each copying whatever was in flight at that moment. More room means
 * fewer scavenges for about the same work each. Measured on the bench machine (docs/benchmarks.md):
 * at 64 MB, scavenges per 2,000-call IVR round 85 → 21 (main-thread pauses ≈ 1.0 s → 0.5 s) and per
 * 50,000 status callbacks 107 → 26; at 128 MB, the IVR figure 390 → 444 calls/s (means of six
 * interleaved pairs) for ≈ 130 MB more RSS with 10,000 live calls (564 → 694 MB); 256 MB was slower.
 * The young generation is sized when V8 starts, so this cannot be set from inside the process
 * (`v8.setFlagsFromString` has no effect on it): `npm start` and the bench pass it on the command
 * line, and `hookline serve` says so when it is missing.
 */
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=128';

const SEMI_SPACE_OPTION = /(?:^|\s)--max-semi-space-size(?:=|\s|$)/;

/**
 * Whether the process was started with any young-generation size (ours or the operator's own), on the
 * command line or in NODE_OPTIONS. Only the absence is worth a word: a chosen size is respected.
 */
export function youngGenerationSized(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return execArgv.some((arg) => SEMI_SPACE_OPTION.test(arg)) || SEMI_SPACE_OPTION.test(nodeOptions ?? '');
}
