import { CONTINUE, HUNG_UP, type VerbContext, type VerbOutcome } from '../verb.js';

/**
 * Audio that lasts `onceMs`, `loop` times (0: until the call ends). Inside a collect's prompts the far
 * end's input cuts it short, as a caller who knows the menu presses before it finishes.
 */
export async function playFor(context: VerbContext, onceMs: number, loop: number): Promise<VerbOutcome> {
  const total = loop === 0 ? null : onceMs * loop;
  const result = await context.session.wait(total, context.bargeIn);
  return result === 'hangup' ? HUNG_UP : CONTINUE;
}
