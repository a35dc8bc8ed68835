import type { PreAnswerInstruction } from '../../../domain/instructions.js';
import type { VerbRunner } from '../verb.js';

/** Early media: its children play before the call is answered (not billed). */
export const preAnswer: VerbRunner<PreAnswerInstruction> = (instruction, context) => context.runAll(instruction.children, { earlyMedia: true });
