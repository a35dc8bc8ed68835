import type { SendMessageInstruction } from '../../../domain/instructions.js';
import type { VerbRunner } from '../verb.js';
import { requestAction } from './action.js';

/**
 * Sends an SMS through the messaging engine, with its own status callbacks. Without an action the
 * call carries on; with one (LaML `<Sms action>`) its answer runs instead (laml.md §6.1).
 */
export const sendMessage: VerbRunner<SendMessageInstruction> = async (instruction, context) => {
  const { session, services } = context;
  const uuids = await services.sendMessage(session, instruction);
  if (uuids.length > 0) session.note('message', `message sent to ${instruction.to || 'the far end'}`, { messageUuids: uuids });
  return requestAction(context, instruction.action, true, services.params.messageAction(session, uuids[0] ?? null));
};
