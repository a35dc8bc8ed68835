import type { CallbackParams } from '../../../domain/callback.js';
import type { UrlTarget } from '../../../domain/instructions.js';
import { CONTINUE, type VerbContext, type VerbOutcome } from '../verb.js';

/**
 * An element's `action` (plivo.md §2.2): with redirect="true" its document replaces the running one
 * and a failure ends the call (7012/8012); with redirect="false" it is requested, its answer ignored,
 * and the next sibling runs. No action: the next sibling runs.
 */
export async function requestAction(context: VerbContext, action: UrlTarget | null, redirect: boolean, params: CallbackParams): Promise<VerbOutcome> {
  if (!action) return CONTINUE;
  const fetched = await context.services.fetchDocument(context.session, 'action', action, params);
  if (!redirect) return CONTINUE;
  return fetched.ok ? { next: 'document', document: fetched.document } : { next: 'end', hangup: fetched.hangup };
}
