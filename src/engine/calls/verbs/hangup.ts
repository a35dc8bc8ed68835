import type { Hangup } from '../../../domain/hangup-causes.js';
import type { HangupInstruction } from '../../../domain/instructions.js';
import type { CallSession } from '../call-session.js';
import { CONTINUE, type VerbRunner } from '../verb.js';

/** `reason` gives the cause (busy 3010, rejected 3020, otherwise a normal hangup from the document). */
const REASON_CODES = { busy: 3010, rejected: 3020 } as const;

/** Ends the call now, or after `schedule` while the next instructions run. */
export const hangup: VerbRunner<HangupInstruction> = async (instruction, { session }) => {
  if (instruction.scheduleMs === null) return { next: 'end', hangup: causeOf(instruction, session) };
  session.note('instruction', `hangup scheduled in ${instruction.scheduleMs / 1000} s`);
  session.schedule(instruction.scheduleMs, () => session.requestHangup(causeOf(instruction, session)));
  return CONTINUE;
};

/** Without a reason: rejected (3020) when first in its document on a call not answered yet, else normal (4000). */
function causeOf(instruction: HangupInstruction, session: CallSession): Hangup {
  const reason = instruction.reason ?? (instruction.rejectsUnanswered && session.call.answeredAt === null ? 'rejected' : null);
  return { code: reason ? REASON_CODES[reason] : 4000, source: 'Answer XML' };
}
