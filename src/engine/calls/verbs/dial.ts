import type { DialInstruction } from '../../../domain/instructions.js';
import { HUNG_UP, type VerbRunner } from '../verb.js';
import { requestAction } from './action.js';

/**
 * Rings the targets at once and bridges the first to answer; when the bridge ends, the action gets the
 * outcome (DialStatus…). The B legs are calls of their own with their own far ends.
 */
export const dial: VerbRunner<DialInstruction> = async (instruction, context) => {
  const { session, services } = context;
  const result = await services.dial(session, instruction);
  if (session.interrupted) return HUNG_UP;
  return requestAction(context, instruction.action, instruction.redirect, services.params.dialAction(session, result));
};
