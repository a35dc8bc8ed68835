import type { PlayInstruction } from '../../../domain/instructions.js';
import { CONTINUE, type VerbRunner } from '../verb.js';
import { playFor } from './play-for.js';

/** Fetches the audio (under the fixed audio policy) to learn its length, then plays it, unless the dialect skips it. */
export const play: VerbRunner<PlayInstruction> = async (instruction, context) => {
  const onceMs = await context.services.audioDurationMs(context.session, instruction.url, instruction.source);
  return onceMs === null ? CONTINUE : playFor(context, onceMs, instruction.loop);
};
