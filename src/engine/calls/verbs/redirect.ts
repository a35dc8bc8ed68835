import type { RedirectInstruction } from '../../../domain/instructions.js';
import type { VerbRunner } from '../verb.js';

/** Fetches the URL; its document replaces this one (7014/8014 when it fails). */
export const redirect: VerbRunner<RedirectInstruction> = async (instruction, { session, services }) => {
  const fetched = await services.fetchDocument(session, 'redirect', instruction.target, services.params.document(session));
  return fetched.ok ? { next: 'document', document: fetched.document } : { next: 'end', hangup: fetched.hangup };
};
