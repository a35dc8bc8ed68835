import type { PauseInstruction } from '../../../domain/instructions.js';
import type { VerbRunner } from '../verb.js';
import { playFor } from './play-for.js';

/** Silence on the line for `length`. */
export const pause: VerbRunner<PauseInstruction> = (instruction, context) => playFor(context, instruction.lengthMs, 1);
