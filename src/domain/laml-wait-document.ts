import type { Instruction } from './instructions.js';

/**
 * What a LaML document fetched for a caller on hold may do. SignalWire warns with 13238 of a Dial,
 * Gather, Hangup or Record in the document of a `waitUrl`, `holdUrl` or `announceUrl` (its error-code
 * list, "Warnings"): those verbs are left out and the rest (Say, Play, Pause, Leave…) runs.
 */
export const FORBIDDEN_IN_WAIT = 13238;

/** Dial in any of its forms (a room and a queue are Dial nouns), Gather, Record, and Hangup but not Reject. */
function forbidden(instruction: Instruction): boolean {
  switch (instruction.kind) {
    case 'dial':
    case 'conference':
    case 'dequeue':
    case 'collect':
    case 'record':
      return true;
    case 'hangup':
      return instruction.source.element === 'Hangup';
    default:
      return false;
  }
}

export function waitDocument(instructions: readonly Instruction[], urlName: 'waitUrl'): { readonly instructions: Instruction[]; readonly warnings: string[] } {
  const warnings = instructions
    .filter(forbidden)
    .map(({ source }) => `line ${source.line}, column ${source.column}: <${source.element}> cannot run in a ${urlName} document; warning ${FORBIDDEN_IN_WAIT}, it is skipped`);
  return { instructions: instructions.filter((instruction) => !forbidden(instruction)), warnings };
}
