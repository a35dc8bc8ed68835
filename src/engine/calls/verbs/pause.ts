import { beepHeardAt, silenceHeardAt } from '../../../domain/far-end-sound.js';
import type { PauseInstruction, PauseUntil } from '../../../domain/instructions.js';
import { CONTINUE, HUNG_UP, type VerbContext, type VerbOutcome, type VerbRunner } from '../verb.js';
import { playFor } from './play-for.js';

/**
 * Silence on the line for `length`; with Plivo's `silence` or `beep`, less: the Wait listens to the far
 * end and ends once it has been quiet for `minSilence`, or once its voicemail beep is over.
 */
export const pause: VerbRunner<PauseInstruction> = (instruction, context) =>
  instruction.until ? listen(context, instruction.lengthMs, instruction.until) : playFor(context, instruction.lengthMs, 1);

/**
 * Waits for the moment `until` names in what the far end plays, at most `lengthMs`. New sound (words
 * from live control or a scenario, a beep) wakes the wait to look again.
 */
async function listen(context: VerbContext, lengthMs: number, until: PauseUntil): Promise<VerbOutcome> {
  const { session } = context;
  const startMs = session.now();
  const endsMs = startMs + lengthMs;
  for (;;) {
    const heardMs = until.kind === 'beep' ? beepHeardAt(session.sounds, startMs) : silenceHeardAt(session.sounds, startMs, until.minSilenceMs);
    if (heardMs !== null && heardMs <= session.now() && heardMs < endsMs) {
      session.note('far-end', until.kind === 'beep' ? 'beep heard: the Wait ends' : `${until.minSilenceMs} ms of silence heard: the Wait ends`);
      return CONTINUE;
    }
    if (session.now() >= endsMs) return CONTINUE;
    const waited = await session.wait(Math.min(endsMs, heardMs ?? endsMs) - session.now(), context.bargeIn, true);
    if (waited === 'hangup') return HUNG_UP;
    if (waited === 'input' && context.bargeIn && session.hasInput()) return CONTINUE;
  }
}
