import type { ConferenceInstruction } from '../../../domain/instructions.js';
import { CONTINUE, HUNG_UP, type VerbRunner } from '../verb.js';
import { requestAction } from './action.js';

/** Joins the room (the engine keeps each room's members across calls); the action hears when it left. */
export const conference: VerbRunner<ConferenceInstruction> = async (instruction, context) => {
  const { session, services } = context;
  const result = await services.conference(session, instruction);
  if (!result) return CONTINUE;
  if (result.hungUp) return HUNG_UP;
  return requestAction(context, instruction.action, instruction.redirect, services.params.conferenceAction(session, instruction.room, result));
};
