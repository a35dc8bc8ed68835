import type { UnsimulatedInstruction } from '../../../domain/instructions.js';
import { CONTINUE, type VerbRunner } from '../verb.js';

/** An element hookline knows but does not simulate: said on the timeline, then skipped. */
export const unsimulated: VerbRunner<UnsimulatedInstruction> = async (instruction, { session }) => {
  session.note('warning', `<${instruction.source.element}> is not simulated; it was skipped`);
  return CONTINUE;
};
