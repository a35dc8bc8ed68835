import type { DequeueInstruction, EnqueueInstruction, LeaveInstruction } from '../../../domain/instructions.js';
import { CONTINUE, HUNG_UP, type VerbRunner } from '../verb.js';
import { requestAction } from './action.js';

/**
 * Waits in the queue (the engine keeps each queue's callers across calls); when the call leaves it the
 * action hears how (`QueueResult`), and its document runs; without one the next verb does. A caller who
 * hung up still has the action requested, its answer unused.
 */
export const enqueue: VerbRunner<EnqueueInstruction> = async (instruction, context) => {
  const { session, services } = context;
  const exit = await services.enqueue(session, instruction);
  if (exit.byDocument) return { next: 'end', hangup: { code: 4000, source: 'Answer XML' } };
  const params = services.params.queue(session, { kind: 'left', queueUuid: exit.queueUuid, result: exit.result, waitedMs: exit.waitedMs });
  if (!session.interrupted) return requestAction(context, instruction.action, true, params);
  if (exit.result === 'hangup' && instruction.action) await services.fetchDocument(session, 'action', instruction.action, params);
  return HUNG_UP;
};

/** `<Dial><Queue>`: bridges the caller waiting longest; the Dial's action hears the outcome. */
export const dequeue: VerbRunner<DequeueInstruction> = async (instruction, context) => {
  const { session, services } = context;
  const result = await services.dequeue(session, instruction);
  if (session.interrupted) return HUNG_UP;
  return requestAction(context, instruction.action, instruction.redirect, services.params.dialAction(session, result));
};

/** `<Leave>` means something only in a queue's wait document, where the queue reads it. */
export const leave: VerbRunner<LeaveInstruction> = async (_instruction, { session }) => {
  session.note('warning', '<Leave> outside a queue’s wait document does nothing');
  return CONTINUE;
};
