import type { PlayInstruction } from '../../../domain/instructions.js';
import type { VerbRunner } from '../verb.js';
import { playFor } from './play-for.js';

/** Fetches the audio (under the fixed audio policy) to learn its length, then plays it. */
export const play: VerbRunner<PlayInstruction> = async (instruction, context) => {
  const onceMs = await context.services.audioDurationMs(context.session, instruction.url);
  return playFor(context, onceMs, instruction.loop);
};
