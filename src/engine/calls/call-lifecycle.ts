import { CARRIER_NO_ANSWER_MS, SETUP_MS, type FarEndScript } from '../../domain/call-far-end.js';
import type { Hangup } from '../../domain/hangup-causes.js';
import type { Instruction, UrlTarget } from '../../domain/instructions.js';
import type { PlivoCall } from '../../domain/plivo-call.js';
import type { CallSession } from './call-session.js';
import { CONTINUE, HUNG_UP, type CallServices, type LoadedDocument, type VerbContext, type VerbOutcome } from './verb.js';
import { runnerFor } from './verbs/index.js';

/** The writes a call's life makes, each with the callbacks it causes (ring_url, hangup_url…). */
export interface CallRecorder {
  ringing(session: CallSession): Promise<void>;
  answered(session: CallSession): Promise<void>;
  ended(session: CallSession, hangup: Hangup): Promise<void>;
  /** Background work that starts with the answer (time limit, machine detection, a whole-call recording). */
  onAnswer(session: CallSession, script: FarEndScript): void;
  /** Machine detection the first document waits for (LaML `AsyncAmd=false`); at once without it. */
  awaitVerdict(session: CallSession, script: FarEndScript): Promise<void>;
}

/**
 * Elements that run before an inbound call is answered (Plivo answers when media is needed). A LaML
 * `<Pause>` keeps the call ringing too; a Plivo `<Hangup>` or LaML `<Reject>` ends it unanswered, where
 * a LaML `<Hangup>` answers it first.
 */
const BEFORE_ANSWER: ReadonlySet<Instruction['kind']> = new Set(['pre-answer', 'redirect', 'send-message']);

function runsBeforeAnswer(instruction: Instruction): boolean {
  if (instruction.kind === 'pause') return instruction.whileRinging;
  if (instruction.kind === 'hangup') return !instruction.answersFirst;
  return BEFORE_ANSWER.has(instruction.kind);
}

/**
 * A call from request to hangup, on the clock: set-up, ringing with the far end's script (or live
 * control), the answer, the answer document and each document after it, then the end with its cause.
 * One of these runs per call; it is the call's only writer.
 */
export async function liveCall(session: CallSession, services: CallServices, recorder: CallRecorder, script: FarEndScript): Promise<void> {
  const unanswered = session.call.direction === 'outbound' ? await ring(session, script, recorder) : await ringInbound(session, recorder);
  if (unanswered) {
    await recorder.ended(session, unanswered);
    return;
  }
  if (session.call.direction === 'outbound') {
    await answer(session, script, recorder);
    await recorder.awaitVerdict(session, script);
  }
  const end = await runApplication(session, services, recorder, script);
  await recorder.ended(session, end);
}

async function ring(session: CallSession, script: FarEndScript, recorder: CallRecorder): Promise<Hangup | null> {
  if ((await session.wait(SETUP_MS)) === 'hangup') return cancelled(session);
  if (script.outcome === 'failed') {
    session.note('far-end', 'the carrier refused the number');
    return { code: 2000, source: 'Carrier' };
  }
  await recorder.ringing(session);
  const call = session.call;
  const ringStart = session.now();
  const limits: Array<[number, Hangup]> = [
    [call.ringTimeoutMs, { code: 6010, source: 'Plivo' }],
    [CARRIER_NO_ANSWER_MS, { code: 3000, source: 'Carrier' }],
  ];
  if (call.hangupOnRingMs !== null) limits.push([call.hangupOnRingMs, { code: 6010, source: 'Plivo' }]);
  const [limitMs, limitCause] = limits.reduce((a, b) => (b[0] < a[0] ? b : a));
  const decisiveMs = script.outcome === 'no-answer' ? Number.POSITIVE_INFINITY : script.ringMs;

  for (;;) {
    const elapsed = session.now() - ringStart;
    const waited = await session.wait(Math.min(decisiveMs, limitMs) - elapsed, true);
    if (waited === 'hangup') return cancelled(session);
    if (waited === 'input') {
      session.clearInput();
      const control = session.takeRingControl();
      if (control?.kind === 'answer') return null;
      if (control?.kind === 'reject') return control.hangup;
      continue;
    }
    if (session.now() - ringStart >= limitMs && limitMs <= decisiveMs) return limitCause;
    if (script.outcome === 'busy') return { code: 3010, source: 'Callee' };
    if (script.outcome === 'rejected') return { code: 3020, source: 'Callee' };
    return null;
  }
}

/** An inbound call rings while its answer document loads; it is answered when media is needed. */
async function ringInbound(session: CallSession, recorder: CallRecorder): Promise<Hangup | null> {
  await recorder.ringing(session);
  return null;
}

async function answer(session: CallSession, script: FarEndScript, recorder: CallRecorder): Promise<void> {
  await recorder.answered(session);
  recorder.onAnswer(session, script);
}

/** A hangup asked for before the answer: a cancel (1000) when the API asked, else as requested. */
function cancelled(session: CallSession): Hangup {
  const requested = session.hangupRequested as Hangup;
  return requested.source === 'API Request' ? { code: 1000, source: 'API Request' } : requested;
}

/**
 * A call already answered and running elsewhere (a Dial's B leg) that a transfer moves to a document of
 * its own: it runs that document and what follows from it, then ends like any call.
 */
export async function transferredCall(session: CallSession, services: CallServices, recorder: CallRecorder, script: FarEndScript, target: UrlTarget): Promise<void> {
  const end = await runApplication(session, services, recorder, script, target);
  await recorder.ended(session, end);
}

/** The answer document (or, for a transferred call, `transferTo`), and each document after it. */
async function runApplication(session: CallSession, services: CallServices, recorder: CallRecorder, script: FarEndScript, transferTo?: UrlTarget): Promise<Hangup> {
  const call: PlivoCall = session.call;
  const first = transferTo
    ? await services.fetchDocument(session, 'transfer', transferTo, services.params.document(session))
    : await services.fetchDocument(session, 'answer', call.answerUrl, services.params.answer(session));
  if (!first.ok) return session.hangupRequested ?? first.hangup;
  let document: LoadedDocument = first.document;
  const context = verbContext(session, services, () => answer(session, script, recorder));
  for (;;) {
    const outcome = await context.runAll(document.instructions);
    if (outcome.next === 'document') {
      document = outcome.document;
      continue;
    }
    if (outcome.next === 'end' && outcome.hangup) return outcome.hangup;
    if (session.hangupRequested) return session.hangupRequested;
    const transfer = session.takeTransfer();
    if (transfer) {
      const moved = await services.fetchDocument(session, 'transfer', transfer, services.params.document(session));
      if (!moved.ok) return session.hangupRequested ?? moved.hangup;
      document = moved.document;
      continue;
    }
    if (outcome.next === 'end') return { code: 4000, source: 'Unknown' };
    session.note('instruction', 'no instructions left');
    return { code: 4010, source: 'Plivo' };
  }
}

/**
 * A document on a call that is answered and has no runner of its own (a Dial's callee hearing its
 * whisper `url`): the documents its actions and Redirects return run in turn. `continue` when the
 * last one ran out, `end` when it hung up.
 */
export async function runAnswered(session: CallSession, services: CallServices, first: LoadedDocument): Promise<VerbOutcome> {
  const context = verbContext(session, services, () => Promise.resolve());
  let document = first;
  for (;;) {
    const outcome = await context.runAll(document.instructions);
    if (outcome.next !== 'document') return outcome;
    document = outcome.document;
  }
}

/**
 * What runners get; `answer` answers the call before the first instruction that needs media, except
 * in early media (PreAnswer's children), which plays to a call still ringing.
 */
function verbContext(session: CallSession, services: CallServices, answer: () => Promise<void>): VerbContext {
  const contextOf = (bargeIn: boolean, earlyMedia: boolean): VerbContext => {
    const context: VerbContext = {
      session,
      services,
      bargeIn,
      runAll: (instructions, options = {}) => {
        const early = options.earlyMedia ?? earlyMedia;
        const inner = options.bargeIn === undefined && options.earlyMedia === undefined ? context : contextOf(options.bargeIn ?? bargeIn, early);
        return runInstructions(instructions, inner, early ? stayRinging : answer);
      },
    };
    return context;
  };
  return contextOf(false, false);
}

const stayRinging = (): Promise<void> => Promise.resolve();

async function runInstructions(instructions: readonly Instruction[], context: VerbContext, answer: () => Promise<void>): Promise<VerbOutcome> {
  const { session } = context;
  for (const instruction of instructions) {
    if (session.interrupted) return HUNG_UP;
    if (session.call.answeredAt === null && !runsBeforeAnswer(instruction)) await answer();
    const { element, line, column } = instruction.source;
    session.note('instruction', `<${element}> (line ${line}, column ${column})`, { element, line, column });
    const outcome = await runnerFor(instruction)(instruction, context);
    if (outcome.next !== 'continue') return outcome;
  }
  return CONTINUE;
}
