import { YOUNG_GENERATION_FLAG } from '../dist/runtime/young-generation.js';
import { runFigureChild } from './child-figure.js';
import type { ScaleOptions, ScaleResult } from './scale-protocol.js';

/** Run figure 4 in a fresh child (bench/scale-process.ts) with the collector exposed; bounded by `timeoutMs`. */
export function scaleFigure(options: ScaleOptions, timeoutMs: number): Promise<ScaleResult> {
  // The engine's own flag: the memory figure is of the engine as `npm start` runs it.
  return runFigureChild<ScaleResult>(new URL('./scale-process.js', import.meta.url), options, { execArgv: ['--expose-gc', YOUNG_GENERATION_FLAG], timeoutMs });
}
