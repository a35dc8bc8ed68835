import { dtmfDurationMs } from '../../../domain/call-far-end.js';
import type { SendDigitsInstruction } from '../../../domain/instructions.js';
import { CONTINUE, HUNG_UP, type VerbRunner } from '../verb.js';

/** Plays keys to the far end; with `async` the next instruction starts while they play. */
export const sendDigits: VerbRunner<SendDigitsInstruction> = async (instruction, { session }) => {
  session.note('far-end', `tones ${instruction.digits} sent to the far end`, { digits: instruction.digits });
  if (instruction.async) return CONTINUE;
  return (await session.wait(dtmfDurationMs(instruction.digits))) === 'hangup' ? HUNG_UP : CONTINUE;
};
