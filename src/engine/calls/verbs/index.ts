import type { Instruction, InstructionKind } from '../../../domain/instructions.js';
import type { VerbRunner } from '../verb.js';
import { collect } from './collect.js';
import { conference } from './conference.js';
import { dial } from './dial.js';
import { hangup } from './hangup.js';
import { pause } from './pause.js';
import { play } from './play.js';
import { preAnswer } from './pre-answer.js';
import { dequeue, enqueue, leave } from './queue.js';
import { record } from './record.js';
import { redirect } from './redirect.js';
import { sendDigits } from './send-digits.js';
import { sendMessage } from './send-message.js';
import { speak } from './speak.js';
import { unsimulated } from './unsimulated.js';

type Runners = { readonly [K in InstructionKind]: VerbRunner<Extract<Instruction, { kind: K }>> };

/** One runner per instruction kind, the same for every dialect. */
const RUNNERS: Runners = {
  speak,
  play,
  pause,
  collect,
  redirect,
  hangup,
  'send-digits': sendDigits,
  'send-message': sendMessage,
  'pre-answer': preAnswer,
  dial,
  record,
  conference,
  enqueue,
  leave,
  dequeue,
  unsimulated,
};

export function runnerFor<I extends Instruction>(instruction: I): VerbRunner<I> {
  return RUNNERS[instruction.kind] as unknown as VerbRunner<I>;
}
