import { speechDurationMs } from '../../../domain/call-far-end.js';
import type { SpeakInstruction } from '../../../domain/instructions.js';
import { playFor } from './play-for.js';
import type { VerbRunner } from '../verb.js';

/** Says the text: it takes as long as the words do, times `loop` (0: until the call ends). */
export const speak: VerbRunner<SpeakInstruction> = (instruction, context) =>
  playFor(context, speechDurationMs(instruction.text), instruction.loop);
