import type { Hangup } from '../../../domain/hangup-causes.js';
import type { HangupInstruction } from '../../../domain/instructions.js';
import { CONTINUE, type VerbRunner } from '../verb.js';

/** `reason` gives the cause (busy 3010, rejected 3020, otherwise a normal hangup from the document). */
const REASON_CODES = { busy: 3010, rejected: 3020 } as const;

/** Ends the call now, or after `schedule` while the next instructions run. */
export const hangup: VerbRunner<HangupInstruction> = async (instruction, { session }) => {
  const cause: Hangup = { code: instruction.reason ? REASON_CODES[instruction.reason] : 4000, source: 'Answer XML' };
  if (instruction.scheduleMs === null) return { next: 'end', hangup: cause };
  session.note('instruction', `hangup scheduled in ${instruction.scheduleMs / 1000} s`);
  session.schedule(instruction.scheduleMs, () => session.requestHangup(cause));
  return CONTINUE;
};
