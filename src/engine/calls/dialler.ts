import { randomUUID } from 'node:crypto';
import { BRIDGE_TALK_MS, CARRIER_NO_ANSWER_MS, DEFAULT_AUDIO_MS, speechDurationMs, type FarEndScript } from '../../domain/call-far-end.js';
import { hangupCauseInfo, type Hangup } from '../../domain/hangup-causes.js';
import type { DialInstruction, DialTarget, Instruction, UrlTarget } from '../../domain/instructions.js';
import { endCall, OUTBOUND_RATE, type PlivoCall } from '../../domain/plivo-call.js';
import type { CallEngine } from './call-engine.js';
import type { CallSession } from './call-session.js';
import type { CallServices, DialEvent, DialResult } from './verb.js';

interface Leg {
  readonly session: CallSession;
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
  const legs = dial.targets.map((target) => startLeg(engine, aLeg, dial, target, start));
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
      else if (outcome) await endLeg(engine, leg, outcome);
    }
    if (!winner && aLeg.now() >= ringLimit) {
      for (const leg of legs.filter((l) => l.session.call.endedAt === null)) await endLeg(engine, leg, { code: 6010, source: 'Plivo' });
    }
  }

  for (const leg of legs) {
    if (leg !== winner && leg.session.call.endedAt === null) await endLeg(engine, leg, aLegHungUp ? { code: 1000, source: 'Caller' } : { code: 9000, source: 'Plivo' });
  }
  if (!winner) return unanswered(legs, aLegHungUp, start + (dial.ringTimeoutMs ?? CARRIER_NO_ANSWER_MS) <= aLeg.now());
  return bridge(engine, services, aLeg, dial, winner);
}

function startLeg(engine: CallEngine, aLeg: CallSession, dial: DialInstruction, target: DialTarget, now: number): Leg {
  const uuid = randomUUID();
  const a = aLeg.call;
  const call: PlivoCall = {
    // A B leg speaks its A leg's dialect; its notifications are the Dial's, not its own.
    ...(a.dialect ? { dialect: a.dialect } : {}),
    uuid,
    requestUuid: uuid,
    accountId: a.accountId,
    parentAuthId: a.parentAuthId,
    direction: 'outbound',
    // Plivo shows the caller's number to the B leg unless callerId says otherwise.
    from: dial.callerId ?? a.from,
    to: target.address,
    callerName: '',
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
  };
  // A B leg is stored once, when it ends: it has no callbacks of its own, and while it lives the API
  // reads it from memory.
  const session = engine.adopt(call);
  session.drivenBy(aLeg);
  aLeg.note('dial', `dialling ${target.address} (B leg ${uuid})`, { bLegUuid: uuid, to: target.address });
  const script = engine.farEndFor(target.address);
  const decidesAt = script.outcome === 'failed' ? now : script.outcome === 'no-answer' ? null : now + script.ringMs;
  return { session, script, decidesAt };
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

async function endLeg(engine: CallEngine, leg: Leg, hangup: Hangup): Promise<void> {
  const session = leg.session;
  session.call = endCall(session.call, hangup, session.now());
  session.note('hangup', `B leg ended: ${hangup.code} (${hangup.source})`, { code: hangup.code, source: hangup.source });
  engine.release(session);
  await engine.save(session.call, session.timeline);
}

function unanswered(legs: readonly Leg[], cancelled: boolean, timedOut: boolean): DialResult {
  const codes = legs.map((leg) => leg.session.call.hangup?.code ?? 0);
  let status: DialResult['status'] = 'failed';
  if (cancelled) status = 'cancel';
  else if (timedOut || codes.every((code) => code === 6010 || code === 3000)) status = 'no-answer';
  else if (codes.every((code) => code === 3010 || code === 3020)) status = 'busy';
  const first = legs[0]?.session.call.hangup;
  return { status, rang: legs.some((leg) => leg.script.outcome !== 'failed'), hangupCause: first ? hangupCauseInfo(first.code).legacy : 'NORMAL_CLEARING', bLegUuid: null };
}

async function bridge(engine: CallEngine, services: CallServices, aLeg: CallSession, dial: DialInstruction, winner: Leg): Promise<DialResult> {
  const b = winner.session;
  b.call = { ...b.call, status: 'in-progress', answeredAt: aLeg.now() };
  const confirmed = await confirm(services, aLeg, dial, winner);
  if (confirmed !== 'confirmed') {
    const hangup: Hangup = confirmed === 'caller-left' ? { code: 1000, source: 'Caller' } : { code: 9110, source: 'Plivo' };
    b.call = endCall(b.call, hangup, aLeg.now());
    b.note('hangup', `B leg ended: ${hangup.code} (${hangup.source})`);
    engine.release(b);
    await engine.save(b.call, b.timeline);
    await event(services, aLeg, dial, b, { action: 'hangup', durationS: 0, hangup });
    return { status: confirmed === 'caller-left' ? 'cancel' : 'failed', rang: true, hangupCause: hangupCauseInfo(hangup.code).legacy, bLegUuid: null };
  }
  const answeredAt = aLeg.now();
  aLeg.note('dial', `${b.call.to} answered; bridged`, { bLegUuid: b.uuid });
  await event(services, aLeg, dial, b, { action: 'answer' });
  await event(services, aLeg, dial, b, { action: 'connected' });

  aLeg.bridgedLeg = b;
  const over = await holdBridge(aLeg, b, dial, answeredAt);
  aLeg.bridgedLeg = null;
  const durationS = Math.round((aLeg.now() - answeredAt) / 1000);
  if ('transfer' in over) {
    // The B leg leaves the bridge alive: no hangup event for it; for the A leg the Dial is over.
    aLeg.note('dial', `the B leg ${b.uuid} was transferred; the bridge ends`, { bLegUuid: b.uuid });
    engine.runTransferredLeg(b, winner.script, over.transfer);
    return { status: 'completed', rang: true, hangupCause: hangupCauseInfo(4000).legacy, bLegUuid: b.uuid, durationS };
  }
  const { hangup } = over;
  b.call = endCall(b.call, hangup, aLeg.now());
  b.note('hangup', `B leg ended: ${hangup.code} (${hangup.source})`);
  engine.release(b);
  await engine.save(b.call, b.timeline);
  await event(services, aLeg, dial, b, { action: 'hangup', durationS, hangup });
  return { status: 'completed', rang: true, hangupCause: hangupCauseInfo(hangup.code).legacy, bLegUuid: b.uuid, durationS };
}

/**
 * The bridge until either side hangs up, the Dial's time limit, `*` with hangupOnStar, or a transfer
 * moves the B leg elsewhere (checked first: with `legs=both` the A leg is interrupted too).
 */
async function holdBridge(aLeg: CallSession, b: CallSession, dial: DialInstruction, answeredAt: number): Promise<{ readonly hangup: Hangup } | { readonly transfer: UrlTarget }> {
  const ends = Math.min(answeredAt + BRIDGE_TALK_MS, answeredAt + dial.timeLimitMs);
  for (;;) {
    const waited = await aLeg.wait(ends - aLeg.now(), true);
    const transfer = b.takeTransfer();
    if (transfer) return { transfer };
    if (waited === 'hangup') return { hangup: { code: 4000, source: aLeg.call.direction === 'inbound' ? 'Caller' : 'Callee' } };
    if (waited === 'time') return { hangup: ends === answeredAt + dial.timeLimitMs ? { code: 6000, source: 'Plivo' } : { code: 4000, source: 'Callee' } };
    if (b.hangupRequested) return { hangup: { ...b.hangupRequested, code: 4000 } };
    let starred = false;
    for (let key = aLeg.takeDigit(); key !== null; key = aLeg.takeDigit()) if (key === '*' && dial.hangupOnStar) starred = true;
    aLeg.clearInput();
    if (starred) return { hangup: { code: 4000, source: 'Caller' } };
  }
}

/**
 * `confirmKey`: the callee hears `confirmSound` and must press the key before `confirmTimeout`. A
 * person who answers does as told: by default the far end presses it a second after the prompt; an
 * answering machine never does. Live control (`/calls/{bLeg}/digits`) can press something else.
 */
async function confirm(services: CallServices, aLeg: CallSession, dial: DialInstruction, leg: Leg): Promise<'confirmed' | 'refused' | 'caller-left'> {
  if (!dial.confirmKey) return 'confirmed';
  const b = leg.session;
  let promptMs = 0;
  if (dial.confirmSound) {
    const sound = await services.fetchDocument(b, 'action', { url: dial.confirmSound, method: 'POST' }, services.params.document(b));
    if (sound.ok) promptMs = playingTimeMs(sound.document.instructions);
  }
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
function playingTimeMs(instructions: readonly Instruction[]): number {
  let ms = 0;
  for (const instruction of instructions) {
    if (instruction.kind === 'speak') ms += speechDurationMs(instruction.text) * Math.max(1, instruction.loop);
    else if (instruction.kind === 'pause') ms += instruction.lengthMs;
    else if (instruction.kind === 'play') ms += DEFAULT_AUDIO_MS * Math.max(1, instruction.loop);
  }
  return ms;
}

async function event(services: CallServices, aLeg: CallSession, dial: DialInstruction, b: CallSession, event: Pick<DialEvent, 'action' | 'durationS' | 'hangup'>): Promise<void> {
  if (!dial.callback) return;
  const full: DialEvent = { ...event, bLegUuid: b.uuid, bLegStatus: b.call.status === 'in-progress' ? 'answer' : b.call.status, from: b.call.from, to: b.call.to };
  await services.notify(aLeg, dial.callback, services.params.dialEvent(aLeg, full));
}
