import type { SendMessageInstruction } from '../../../domain/instructions.js';
import { CONTINUE, type VerbRunner } from '../verb.js';

/** Sends an SMS through the messaging engine, with its own status callbacks, and carries on. */
export const sendMessage: VerbRunner<SendMessageInstruction> = async (instruction, { session, services }) => {
  const uuids = await services.sendMessage(session, instruction);
  session.note('message', `message sent to ${instruction.to}`, { messageUuids: uuids });
  return CONTINUE;
};
