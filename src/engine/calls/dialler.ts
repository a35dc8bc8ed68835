import { randomUUID } from 'node:crypto';
import { BRIDGE_TALK_MS, CARRIER_NO_ANSWER_MS, DEFAULT_AUDIO_MS, speechDurationMs, type FarEndScript } from '../../domain/call-far-end.js';
import { hangupCauseInfo, type Hangup } from '../../domain/hangup-causes.js';
import type { DialInstruction, DialTarget, Instruction, UrlTarget } from '../../domain/instructions.js';
import { OUTBOUND_RATE, type PlivoCall } from '../../domain/plivo-call.js';
import { startBackgroundRecording, type StopRecording } from './background-recording.js';
import { runAnswered } from './call-lifecycle.js';
import type { CallEngine } from './call-engine.js';
import type { CallSession } from './call-session.js';
import { INVALID_URL_CODE, urlProblem } from './unusable-url.js';
import type { CallServices, DialEvent, DialResult } from './verb.js';

interface Leg {
  readonly session: CallSession;
  readonly target: DialTarget;
  readonly script: FarEndScript;
  /** Clock time the far end decides (answers, is busy…); null: never by itself. */
  readonly decidesAt: number | null;
}

/**
 * A Dial from a live call: every target rings at once as a B leg of its own (live control reaches it
 * by its uuid); the first to answer is bridged and the others lose the race (9000). The bridge lasts
 * until either side hangs up, the Dial's time limit, or the caller presses * with hangupOnStar. The
 * B leg's events go to the Dial's callbackUrl; the outcome is returned for the action.
 */
export async function dialTargets(engine: CallEngine, services: CallServices, aLeg: CallSession, dial: DialInstruction): Promise<DialResult> {
  const start = aLeg.now();
  const ringingRecording = dial.recording?.fromRinging ? await startBackgroundRecording(aLeg, services, dial.recording) : null;
  const legs: Leg[] = [];
  for (const target of dial.targets) legs.push(await startLeg(engine, aLeg, dial, target, start));
  // What the caller hears while the targets ring: requested like a document; its audio only passes time.
  if (dial.dialMusic) await services.fetchDocument(aLeg, 'action', { url: dial.dialMusic, method: 'POST' }, services.params.document(aLeg));
  const ringLimit = start + (dial.ringTimeoutMs ?? CARRIER_NO_ANSWER_MS);
  let winner: Leg | null = null;
  let aLegHungUp = false;

  while (!winner) {
    const ringing = legs.filter((leg) => leg.session.call.endedAt === null);
    if (ringing.length === 0) break;
    const next = Math.min(ringLimit, ...ringing.map((leg) => leg.decidesAt ?? Number.POSITIVE_INFINITY));
    const waited = await aLeg.wait(next - aLeg.now(), true);
    aLeg.clearInput();
    if (waited === 'hangup') {
      aLegHungUp = true;
      break;
    }
    for (const leg of ringing) {
      const outcome = legOutcome(leg, aLeg.now());
      if (outcome === 'answer') winner ??= leg;
      else if (outcome) await engine.endDriven(leg.session, outcome);
    }
    if (!winner && aLeg.now() >= ringLimit) {
      for (const leg of legs.filter((l) => l.session.call.endedAt === null)) await engine.endDriven(leg.session, { code: 6010, source: 'Plivo' });
    }
  }

  for (const leg of legs) {
    if (leg !== winner && leg.session.call.endedAt === null) await engine.endDriven(leg.session, aLegHungUp ? { code: 1000, source: 'Caller' } : { code: 9000, source: 'Plivo' });
  }
  if (!winner) return Object.assign(unanswered(legs, aLegHungUp, start + (dial.ringTimeoutMs ?? CARRIER_NO_ANSWER_MS) <= aLeg.now()), await stopped(ringingRecording));
  return bridge(engine, services, aLeg, dial, winner, ringingRecording);
}

/** The noun's own status callback, unless its URL cannot be asked (11100, noted on the A leg). */
function usableProgress(aLeg: CallSession, target: DialTarget): DialTarget['progress'] {
  const problem = target.progress && urlProblem(target.progress.target.url);
  if (!problem) return target.progress;
  aLeg.note('error', `statusCallback of ${target.address}: ${problem}; none is sent (error ${INVALID_URL_CODE})`, { url: target.progress?.target.url, errorCode: INVALID_URL_CODE });
  return null;
}

async function startLeg(engine: CallEngine, aLeg: CallSession, dial: DialInstruction, target: DialTarget, now: number): Promise<Leg> {
  const uuid = randomUUID();
  const a = aLeg.call;
  const progress = usableProgress(aLeg, target);
  const fields = {
    uuid,
    requestUuid: uuid,
    accountId: a.accountId,
    parentAuthId: a.parentAuthId,
    direction: 'outbound',
    // Plivo shows the caller's number to the B leg unless callerId says otherwise.
    from: dial.callerId ?? a.from,
    to: target.address,
    callerName: dial.callerName ?? '',
    answerUrl: a.answerUrl,
    fallbackUrl: null,
    ringUrl: null,
    hangupUrl: null,
    machineDetection: null,
    timeLimitMs: dial.timeLimitMs,
    ringTimeoutMs: dial.ringTimeoutMs ?? CARRIER_NO_ANSWER_MS,
    hangupOnRingMs: null,
    parentCallUuid: a.uuid,
    status: 'ringing',
    initiatedAt: now,
    answeredAt: null,
    endedAt: null,
    hangup: null,
    billRate: OUTBOUND_RATE,
  } as const;
  // A B leg speaks its A leg's dialect; its notifications are the Dial's, unless its noun asked for
  // its own progress (a LaML `<Number statusCallback>`: the leg's own StatusCallback settings). Added
  // with Object.assign: spreads ahead of the fields cost V8 its slow path (plivo-voice-params.ts).
  const call: PlivoCall = Object.assign(
    fields,
    a.dialect ? { dialect: a.dialect } : null,
    progress && a.laml ? { laml: { ...a.laml, statusCallback: progress.target, statusCallbackEvents: progress.events, nextSequenceNumber: 0 } } : null,
  );
  const session = await engine.startDriven(call, aLeg);
  aLeg.note('dial', `dialling ${target.address} (B leg ${uuid})`, { bLegUuid: uuid, to: target.address });
  const script = engine.farEndFor(target.address);
  await engine.legChanged(session, 'initiated');
  if (script.outcome !== 'failed') await engine.legChanged(session, 'ringing');
  const decidesAt = script.outcome === 'failed' ? now : script.outcome === 'no-answer' ? null : now + script.ringMs;
  return { session, target, script, decidesAt };
}

/** What a ringing leg does now: answers, ends with a cause, or keeps ringing (null). Live control first. */
function legOutcome(leg: Leg, now: number): 'answer' | Hangup | null {
  const control = leg.session.takeRingControl();
  if (control) return control.kind === 'answer' ? 'answer' : control.hangup;
  if (leg.session.hangupRequested) return leg.session.hangupRequested;
  if (leg.decidesAt === null || leg.decidesAt > now) return null;
  switch (leg.script.outcome) {
    case 'answer':
      return 'answer';
    case 'busy':
      return { code: 3010, source: 'Callee' };
    case 'rejected':
      return { code: 3020, source: 'Callee' };
    default:
      return { code: 2000, source: 'Carrier' };
  }
}

function unanswered(legs: readonly Leg[], cancelled: boolean, timedOut: boolean): DialResult {
  const codes = legs.map((leg) => leg.session.call.hangup?.code ?? 0);
  let status: DialResult['status'] = 'failed';
  // Nothing rang (every noun left out with a warning): the Dial fails, whatever the clock did.
  if (legs.length === 0) return { status, rang: false, hangupCause: 'NORMAL_CLEARING', bLegUuid: null };
  if (cancelled) status = 'cancel';
  else if (timedOut || codes.every((code) => code === 6010 || code === 3000)) status = 'no-answer';
  else if (codes.every((code) => code === 3010 || code === 3020)) status = 'busy';
  const first = legs[0]?.session.call.hangup;
  return { status, rang: legs.some((leg) => leg.script.outcome !== 'failed'), hangupCause: first ? hangupCauseInfo(first.code).legacy : 'NORMAL_CLEARING', bLegUuid: null };
}

/** The Dial's recording (`record`), stopped: for the action's `RecordingUrl`… */
async function stopped(stop: StopRecording | null): Promise<Pick<DialResult, 'recording'>> {
  return stop ? { recording: await stop() } : {};
}

/** How a screened callee who is not bridged ends, and what the Dial reports (LaML whisper: laml.md §6.1). */
const NOT_BRIDGED = {
  'caller-left': { hangup: { code: 1000, source: 'Caller' }, status: 'cancel' },
  refused: { hangup: { code: 9110, source: 'Plivo' }, status: 'failed' },
  // Undocumented: a whisper that hangs up declines the call, as if nobody had answered.
  declined: { hangup: { code: 4000, source: 'Callee' }, status: 'no-answer' },
} as const satisfies Record<string, { hangup: Hangup; status: DialResult['status'] }>;

async function bridge(engine: CallEngine, services: CallServices, aLeg: CallSession, dial: DialInstruction, winner: Leg, ringingRecording: StopRecording | null): Promise<DialResult> {
  const b = winner.session;
  await engine.answerDriven(b, aLeg.now());
  const confirmed = await confirm(services, aLeg, dial, winner);
  const screened = confirmed === 'confirmed' ? await whisper(services, winner) : confirmed;
  if (screened !== 'confirmed') {
    const { hangup, status } = NOT_BRIDGED[screened];
    await engine.endDriven(b, hangup);
    await event(services, aLeg, dial, b, { action: 'hangup', durationS: 0, hangup });
    return { status, rang: true, hangupCause: hangupCauseInfo(hangup.code).legacy, bLegUuid: null, ...(await stopped(ringingRecording)) };
  }
  const recording = ringingRecording ?? (dial.recording ? await startBackgroundRecording(aLeg, services, dial.recording) : null);
  const answeredAt = aLeg.now();
  aLeg.note('dial', `${b.call.to} answered; bridged`, { bLegUuid: b.uuid });
  if (winner.target.sendDigits) aLeg.note('far-end', `tones ${winner.target.sendDigits} sent to ${b.call.to} (sendDigits)`, { bLegUuid: b.uuid, digits: winner.target.sendDigits });
  // One commit for both: every call's answer would otherwise wait on the store twice in a row.
  await event(services, aLeg, dial, b, { action: 'answer' }, { action: 'connected' });

  aLeg.bridgedLeg = b;
  const over = await holdBridge(aLeg, b, dial, answeredAt, (digits, pressedBy) => event(services, aLeg, dial, b, { action: 'digits', digits, pressedBy }));
  aLeg.bridgedLeg = null;
  const durationS = Math.round((aLeg.now() - answeredAt) / 1000);
  if ('transfer' in over) {
    // The B leg leaves the bridge alive: no hangup event for it; for the A leg the Dial is over.
    aLeg.note('dial', `the B leg ${b.uuid} was transferred; the bridge ends`, { bLegUuid: b.uuid });
    engine.runTransferredLeg(b, winner.script, over.transfer);
    return { status: 'completed', rang: true, hangupCause: hangupCauseInfo(4000).legacy, bLegUuid: b.uuid, durationS, ...(await stopped(recording)) };
  }
  const { hangup } = over;
  await engine.endDriven(b, hangup);
  await event(services, aLeg, dial, b, { action: 'hangup', durationS, hangup });
  return { status: 'completed', rang: true, hangupCause: hangupCauseInfo(hangup.code).legacy, bLegUuid: b.uuid, durationS, ...(await stopped(recording)) };
}

/**
 * A noun's `url` (laml.md §6.1): the callee's document runs after the answer and before the bridge,
 * while the caller still hears ringing; it may screen the call, and one that hangs up declines it. It
 * may not Dial (Twilio's `<Number url>`): such a document declines the call too.
 */
async function whisper(services: CallServices, leg: Leg): Promise<'confirmed' | 'declined'> {
  const target = leg.target.whisper;
  if (!target) return 'confirmed';
  const b = leg.session;
  const fetched = await services.fetchDocument(b, 'action', target, services.params.document(b));
  if (!fetched.ok) return 'declined';
  const dialling = fetched.document.instructions.find((instruction) => instruction.kind === 'dial' || instruction.kind === 'conference');
  if (dialling) {
    b.note('error', `the whisper document may not <${dialling.source.element}> (line ${dialling.source.line}, column ${dialling.source.column}); the call is declined`);
    return 'declined';
  }
  const outcome = await runAnswered(b, services, fetched.document);
  return outcome.next === 'end' || b.interrupted ? 'declined' : 'confirmed';
}

/**
 * The bridge until either side hangs up, the Dial's time limit, `*` with hangupOnStar, or a transfer
 * moves the B leg elsewhere (checked first: with `legs=both` the A leg is interrupted too). Keys that
 * complete a leg's `digitsMatch` pattern on the way are `matched`.
 */
async function holdBridge(
  aLeg: CallSession,
  b: CallSession,
  dial: DialInstruction,
  answeredAt: number,
  matched: (digits: string, pressedBy: 'ALeg' | 'BLeg') => Promise<void>,
): Promise<{ readonly hangup: Hangup } | { readonly transfer: UrlTarget }> {
  const ends = Math.min(answeredAt + BRIDGE_TALK_MS, answeredAt + dial.timeLimitMs);
  const aLegMatch = keyMatcher(dial.digitsMatch.aLeg);
  const bLegMatch = keyMatcher(dial.digitsMatch.bLeg);
  for (;;) {
    const waited = await aLeg.wait(ends - aLeg.now(), true);
    const transfer = b.takeTransfer();
    if (transfer) return { transfer };
    if (waited === 'hangup') return { hangup: { code: 4000, source: aLeg.call.direction === 'inbound' ? 'Caller' : 'Callee' } };
    if (waited === 'time') return { hangup: ends === answeredAt + dial.timeLimitMs ? { code: 6000, source: 'Plivo' } : { code: 4000, source: 'Callee' } };
    if (b.hangupRequested) return { hangup: { ...b.hangupRequested, code: 4000 } };
    let starred = false;
    for (let key = aLeg.takeDigit(); key !== null; key = aLeg.takeDigit()) {
      if (key === '*' && dial.hangupOnStar) starred = true;
      const match = aLegMatch(key);
      if (match) await matched(match, 'ALeg');
    }
    aLeg.clearInput();
    if (dial.digitsMatch.bLeg.length > 0) {
      for (let key = b.takeDigit(); key !== null; key = b.takeDigit()) {
        const match = bLegMatch(key);
        if (match) await matched(match, 'BLeg');
      }
    }
    if (starred) return { hangup: { code: 4000, source: 'Caller' } };
  }
}

/**
 * The keys one leg has pressed, against its `digitsMatch` patterns: the pattern the latest keys
 * complete, and the count starts afresh after a match; null while none does.
 */
function keyMatcher(patterns: readonly string[]): (key: string) => string | null {
  let pressed = '';
  return (key) => {
    if (patterns.length === 0) return null;
    pressed += key;
    const match = patterns.find((pattern) => pressed.endsWith(pattern)) ?? null;
    if (match) pressed = '';
    return match;
  };
}

/**
 * `confirmSound` is played to the callee once it answers, before the bridge. With `confirmKey` the
 * callee must then press the key before `confirmTimeout`. A person who answers does as told: by
 * default the far end presses it a second after the prompt; an answering machine never does. Live
 * control (`/calls/{bLeg}/digits`) can press something else.
 */
async function confirm(services: CallServices, aLeg: CallSession, dial: DialInstruction, leg: Leg): Promise<'confirmed' | 'refused' | 'caller-left'> {
  if (!dial.confirmKey && !dial.confirmSound) return 'confirmed';
  const b = leg.session;
  let promptMs = 0;
  if (dial.confirmSound) {
    const sound = await services.fetchDocument(b, 'action', { url: dial.confirmSound, method: 'POST' }, services.params.document(b));
    if (sound.ok) promptMs = playingTimeMs(sound.document.instructions);
  }
  if (!dial.confirmKey) return (await aLeg.wait(promptMs)) === 'hangup' ? 'caller-left' : 'confirmed';
  const human = !(leg.script.outcome === 'answer' && leg.script.machine);
  const key = dial.confirmKey;
  if (human) b.schedule(promptMs + 1_000, () => b.pressDigits(key));
  b.note('dial', `waiting for the confirm key ${key}`);
  const deadline = aLeg.now() + promptMs + dial.confirmTimeoutMs;
  for (;;) {
    const waited = await aLeg.wait(deadline - aLeg.now(), true);
    if (waited === 'hangup') return 'caller-left';
    if (b.hangupRequested) return 'refused';
    for (let pressed = b.takeDigit(); pressed !== null; pressed = b.takeDigit()) if (pressed === key) return 'confirmed';
    aLeg.clearInput();
    if (waited === 'time') return 'refused';
  }
}

/** How long a prompt document plays: its speech, pauses and audio (a file counted at the default). */
export function playingTimeMs(instructions: readonly Instruction[]): number {
  let ms = 0;
  for (const instruction of instructions) {
    if (instruction.kind === 'speak') ms += speechDurationMs(instruction.text) * Math.max(1, instruction.loop);
    else if (instruction.kind === 'pause') ms += instruction.lengthMs;
    else if (instruction.kind === 'play') ms += DEFAULT_AUDIO_MS * Math.max(1, instruction.loop);
  }
  return ms;
}

async function event(services: CallServices, aLeg: CallSession, dial: DialInstruction, b: CallSession, ...events: Pick<DialEvent, 'action' | 'durationS' | 'hangup' | 'digits' | 'pressedBy'>[]): Promise<void> {
  if (!dial.callback) return;
  const leg = { bLegUuid: b.uuid, bLegStatus: b.call.status === 'in-progress' ? 'answer' : b.call.status, from: b.call.from, to: b.call.to } as const;
  await services.notify(aLeg, dial.callback, ...events.map((event) => services.params.dialEvent(aLeg, Object.assign({}, event, leg))));
}
