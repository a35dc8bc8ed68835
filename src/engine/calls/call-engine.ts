import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallbackService, EnqueueRequest } from '../../delivery/callback-service.js';
import type { CallbackParams } from '../../domain/callback.js';
import type { Clock } from '../../domain/clock.js';
import { farEndScript, machineVerdict, type AnsweredBy, type FarEndScript } from '../../domain/call-far-end.js';
import { answerSounds, beepSound } from '../../domain/far-end-sound.js';
import { scenarioScript } from '../../domain/scenario.js';
import { playScenario, Scenarios } from './scenarios.js';
import type { Hangup } from '../../domain/hangup-causes.js';
import type { BackgroundRecording, UrlTarget } from '../../domain/instructions.js';
import { startBackgroundRecording } from './background-recording.js';
import { endCall, INBOUND_RATE, isFinal, OUTBOUND_RATE, type CallStatus, type MachineDetection, type PlivoCall } from '../../domain/plivo-call.js';
import type { RecordingFormat } from '../../domain/recording.js';
import type { ResourceWrite, Store } from '../../store/ports.js';
import type { OwnershipPort } from '../node-ownership.js';
import { allResources } from '../resources.js';
import { liveCall, transferredCall, type CallRecorder } from './call-lifecycle.js';
import { CallActivity, CallSession, type CallEvent, type RingControl } from './call-session.js';
import type { LamlConferenceView } from '../../domain/laml-conference.js';
import type { LamlQueueView } from '../../domain/laml-queue.js';
import type { CallServices } from './verb.js';
import { dialectOf, type CallChange, type VoiceDialects } from './voice-dialect.js';

export const CALL_RESOURCE = 'call';

/** A call the API lists as live: ringing or answered (a queued call has not reached the far end). */
const LIVE_STATUSES: readonly CallStatus[] = ['ringing', 'in-progress'];

/** A call as stored: its record, and once it has ended, its timeline. */
export interface StoredCall extends PlivoCall {
  readonly timeline?: readonly CallEvent[];
}

/** What `POST Call/` asks for, per destination. */
export type NewOutboundCall = Pick<
  PlivoCall,
  | 'accountId'
  | 'parentAuthId'
  | 'from'
  | 'to'
  | 'callerName'
  | 'answerUrl'
  | 'fallbackUrl'
  | 'ringUrl'
  | 'hangupUrl'
  | 'machineDetection'
  | 'recordCall'
  | 'timeLimitMs'
  | 'ringTimeoutMs'
  | 'hangupOnRingMs'
  | 'dialect'
  | 'laml'
  | 'answerDocument'
  | 'sipHeaders'
  | 'sendDigits'
>;

/** What a listing of calls keeps: each field given must match (`to`, `from` exactly; the prefixes as prefixes). */
export interface CallFilter {
  readonly status?: CallStatus;
  readonly direction?: 'inbound' | 'outbound';
  readonly to?: string;
  readonly from?: string;
  readonly toPrefix?: string;
  readonly fromPrefix?: string;
  /** The B legs of one call. */
  readonly parentCallUuid?: string;
  /** Only calls that have ended (Plivo's call records). */
  readonly ended?: boolean;
}

/** A phone calling a number, routed to its application. */
export type NewInboundCall = Pick<PlivoCall, 'accountId' | 'parentAuthId' | 'from' | 'to' | 'answerUrl' | 'fallbackUrl' | 'hangupUrl' | 'dialect' | 'laml' | 'forwardedFrom' | 'callerName'>;

/** `POST Call/{uuid}/Record/`, read. */
export interface ApiRecordingRequest {
  readonly format: RecordingFormat;
  /** It stops by itself after this long (`time_limit`). */
  readonly timeLimitMs: number;
  readonly callback: UrlTarget | null;
  /** The start request's `api_id`, which the callback repeats. */
  readonly apiId: string;
}

/** Live control of a call by the far end, as the control API offers it. */
export type FarEndAction =
  | { readonly kind: 'digits'; readonly digits: string }
  | { readonly kind: 'speech'; readonly text: string }
  | { readonly kind: 'beep' }
  | { readonly kind: 'answer' }
  | { readonly kind: 'reject'; readonly hangup: Hangup }
  | { readonly kind: 'hangup' };

export class CallNotLiveError extends Error {
  constructor(readonly uuid: string, readonly reason: string) {
    super(`call ${uuid} ${reason}`);
    this.name = 'CallNotLiveError';
  }
}

export interface CallEngineDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly callbacks: CallbackService;
  readonly logger: Logger;
  /** What differs by the front door that made a call: documents, parameters, notifications. */
  readonly dialects: VoiceDialects;
  /** Builds the services a call's runners use (documents, audio, messages, recordings, dial…). */
  readonly services: (engine: CallEngine) => CallServices;
  readonly publish: (accountId: string, callUuid: string, event: CallEvent) => void;
  /** The far end's scripts by number; empty unless the control API or a scenario file adds some. */
  readonly scenarios?: Scenarios;
  /** On a shared store: records which node runs each call, so other nodes can reach it or end it. */
  readonly ownership?: OwnershipPort;
}

/**
 * The voice side of the carrier: owns the live calls of this process, each run by its own `liveCall`,
 * stores every state change with the callbacks it causes (ring_url, hangup_url) in one transaction,
 * and takes the far end's and the API's requests for a live call.
 */
export class CallEngine {
  private readonly live = new Map<string, CallSession>();
  /** Stops of the recordings started through the API, by call. */
  private readonly recordingStops = new Map<string, Array<() => Promise<void>>>();
  /** What each call's scenario does once the call is answered. */
  private readonly answerHooks = new Map<string, () => void>();
  private readonly listeners: Array<(call: PlivoCall) => void> = [];
  readonly scenarios: Scenarios;
  readonly activity = new CallActivity();
  private readonly services: CallServices;
  private readonly recorder: CallRecorder;
  private closed = false;

  constructor(private readonly deps: CallEngineDeps) {
    this.scenarios = deps.scenarios ?? new Scenarios();
    this.services = deps.services(this);
    this.recorder = {
      ringing: (session) => this.ringing(session),
      answered: (session) => this.answered(session),
      ended: (session, hangup) => this.ended(session, hangup),
      onAnswer: (session, script) => this.onAnswer(session, script),
      awaitVerdict: (session, script) => this.awaitVerdict(session, script),
    };
  }

  /** One call per destination, stored as queued, then started on the clock. */
  async dial(request: NewOutboundCall): Promise<PlivoCall> {
    const created = this.newCall(Object.assign({}, request, { direction: 'outbound', billRate: OUTBOUND_RATE } as const));
    await this.deps.ownership?.own([created.uuid], 'call');
    const call = await this.commit(created, 'initiated');
    this.start(call, `API request: call ${call.to} from ${call.from}`);
    return call;
  }

  /** A phone calls one of the accounts' numbers; its application answers. */
  async receive(request: NewInboundCall): Promise<PlivoCall> {
    const created = this.newCall(
      Object.assign({}, request, {
        direction: 'inbound',
        billRate: INBOUND_RATE,
        ringUrl: null,
        machineDetection: null,
        timeLimitMs: 14_400_000,
        ringTimeoutMs: 120_000,
        hangupOnRingMs: null,
      } as const),
    );
    await this.deps.ownership?.own([created.uuid], 'call');
    const call = await this.commit(created, 'initiated');
    this.start(call, `inbound call from ${call.from} to ${call.to}`);
    return call;
  }

  private newCall(request: NewOutboundCall & Pick<PlivoCall, 'direction' | 'billRate'>): PlivoCall {
    const uuid = randomUUID();
    // Not `{ ...request, uuid, … }`: V8's slow path for a spread followed by new fields (plivo-voice-params.ts).
    return Object.assign({}, request, { uuid, requestUuid: uuid, parentCallUuid: null, status: 'queued', initiatedAt: this.deps.clock.now(), answeredAt: null, endedAt: null, hangup: null } as const);
  }

  /**
   * A B leg (a call another call drives): owned like any call, registered for live control, and run by
   * `driver`, which reports its changes (`legChanged`).
   */
  async startDriven(call: PlivoCall, driver: CallSession): Promise<CallSession> {
    await this.deps.ownership?.own([call.uuid], 'call');
    const session = this.session(call);
    session.drivenBy(driver);
    this.live.set(call.uuid, session);
    return session;
  }

  /** A driven call is answered (bridged) at `at`, and stored so. */
  async answerDriven(session: CallSession, at: number): Promise<void> {
    session.call = { ...session.call, status: 'in-progress', answeredAt: at };
    await this.legChanged(session, 'answered');
  }

  /** A driven call ends: stored with its timeline, then no longer this node's. */
  async endDriven(session: CallSession, hangup: Hangup): Promise<void> {
    session.call = endCall(session.call, hangup, session.now());
    session.note('hangup', `B leg ended: ${hangup.code} (${hangup.source})`, { code: hangup.code, source: hangup.source });
    this.live.delete(session.uuid);
    session.release();
    await this.legChanged(session, 'ended');
    this.deps.ownership?.disown(session.uuid);
  }

  /** Whether this process runs the call (an A leg it started or a B leg one of its calls drives). */
  runs(uuid: string): boolean {
    return this.live.has(uuid);
  }

  async get(accountId: string, uuid: string): Promise<StoredCall | null> {
    const live = this.live.get(uuid);
    if (live) return live.call.accountId === accountId ? live.call : null;
    const stored = await this.load(uuid);
    return stored && stored.accountId === accountId ? stored : null;
  }

  /**
   * The account's calls that have not reached the far end yet (`queued`), on every node sharing the
   * store, newest first.
   */
  async queuedCalls(accountId: string): Promise<StoredCall[]> {
    const queued = await allResources(this.deps.store, { type: CALL_RESOURCE, accountId, where: { status: 'queued' } });
    return queued.map((resource) => resource.state as StoredCall).sort((a, b) => b.initiatedAt - a.initiatedAt);
  }

  /** One of the account's calls while it is queued, whichever node runs it. */
  async queuedCall(accountId: string, uuid: string): Promise<PlivoCall | null> {
    const call = await this.find(uuid);
    return call && call.accountId === accountId && call.status === 'queued' ? call : null;
  }

  /** The call, live or stored, whoever owns it (the control API). */
  async find(uuid: string): Promise<StoredCall | null> {
    return this.live.get(uuid)?.call ?? (await this.load(uuid));
  }

  /**
   * The account's live calls (ringing or answered) on every node sharing the store, newest first: each
   * call's state changes are stored as they happen, B legs' too, so the store knows them all. A dead
   * node's calls stay listed until another node ends them (`--node-lease`).
   */
  async liveCalls(accountId: string): Promise<StoredCall[]> {
    const live = await Promise.all(LIVE_STATUSES.map((status) => allResources(this.deps.store, { type: CALL_RESOURCE, accountId, where: { status } })));
    return live
      .flat()
      .map((resource) => resource.state as StoredCall)
      .sort((a, b) => b.initiatedAt - a.initiatedAt);
  }

  /** An account's LaML queues as they stand in this process (queues live with the calls waiting in them). */
  queues(accountId: string): LamlQueueView[] {
    return this.services.queues(accountId);
  }

  /** An account's conference rooms with members in this process (rooms live with the calls in them). */
  conferences(accountId: string): LamlConferenceView[] {
    return this.services.conferences(accountId);
  }

  liveCall(accountId: string, uuid: string): PlivoCall | null {
    const call = this.live.get(uuid)?.call;
    return call && call.accountId === accountId && call.status !== 'queued' ? call : null;
  }

  /** Newest first; every account's when `accountId` is undefined (the control API). */
  async list(
    accountId: string | undefined,
    filter: CallFilter,
    page: { limit: number; offset: number },
  ): Promise<{ calls: StoredCall[]; total: number }> {
    const where: Record<string, string> = {};
    if (filter.status) where.status = filter.status;
    if (filter.direction) where.direction = filter.direction;
    if (filter.to) where.to = filter.to;
    if (filter.from) where.from = filter.from;
    if (filter.parentCallUuid) where.parentCallUuid = filter.parentCallUuid;
    const startsWith: Record<string, string> = {};
    if (filter.toPrefix) startsWith.to = filter.toPrefix;
    if (filter.fromPrefix) startsWith.from = filter.fromPrefix;
    const present = filter.ended ? ['endedAt'] : [];
    const { items, total } = await this.deps.store.listResources({ type: CALL_RESOURCE, accountId, where, startsWith, present }, page);
    return { calls: items.map((item) => item.state as StoredCall), total };
  }

  /** The steps of a call so far: from memory while it lives, from the store once it has ended. */
  async timeline(uuid: string): Promise<{ call: StoredCall; events: readonly CallEvent[] } | null> {
    const live = this.live.get(uuid);
    if (live) return { call: live.call, events: live.timeline };
    const stored = await this.load(uuid);
    return stored ? { call: stored, events: stored.timeline ?? [] } : null;
  }

  /** `DELETE Call/{uuid}/`: hang up a live call (a cancel while it has not been answered). */
  hangup(accountId: string, uuid: string): boolean {
    const session = this.live.get(uuid);
    if (!session || session.call.accountId !== accountId || isFinal(session.call)) return false;
    session.note('request', 'API request: hang up');
    return session.requestHangup({ code: session.call.answeredAt === null ? 1000 : 4000, source: 'API Request' });
  }

  /** `DELETE Request/{uuid}/`: cancel a call that has not been answered yet. */
  cancelRequest(accountId: string, requestUuid: string): boolean {
    const session = [...this.live.values()].find((s) => s.call.requestUuid === requestUuid && s.call.accountId === accountId);
    if (!session || session.call.answeredAt !== null || isFinal(session.call)) return false;
    session.note('request', 'API request: cancel');
    return session.requestHangup({ code: 1000, source: 'API Request' });
  }

  /**
   * `POST Call/{uuid}/`: run another document on a live, answered call (`aleg`), on the B leg its Dial
   * has bridged (`bleg`: the B leg leaves the bridge and runs its own document, the Dial ends), or on
   * each (plivo.md §1.9). Nothing moves unless every leg asked for is there.
   */
  transfer(accountId: string, uuid: string, to: { readonly aleg: UrlTarget | null; readonly bleg: UrlTarget | null }): 'transferred' | 'no-call' | 'no-bridged-leg' {
    const session = this.answeredSession(accountId, uuid);
    if (!session) return 'no-call';
    const bLeg = session.bridgedLeg;
    if (to.bleg && (!bLeg || bLeg.interrupted)) return 'no-bridged-leg';
    if (to.bleg && bLeg) {
      session.note('request', `API request: transfer the B leg ${bLeg.uuid} to ${to.bleg.url.split('#')[0]}`);
      bLeg.note('request', `API request: transfer to ${to.bleg.url.split('#')[0]}`);
      bLeg.requestTransfer(to.bleg);
    }
    if (to.aleg) {
      session.note('request', `API request: transfer to ${to.aleg.url.split('#')[0]}`);
      session.requestTransfer(to.aleg);
    }
    return 'transferred';
  }

  /**
   * A B leg that a transfer took out of its bridge: from now on it runs as a call of its own, its
   * document from `target`, and is stored when it ends (it has no notifications of its own).
   */
  runTransferredLeg(session: CallSession, script: FarEndScript, target: UrlTarget): void {
    session.drivenBy(null);
    this.run(session, () => transferredCall(session, this.services, this.recorder, script, target));
  }

  /**
   * `Play/`, `Speak/`, `DTMF/` on a live call: mixed over the call as the carrier does, so the
   * document keeps running; the timeline shows them. False if there is no such answered call.
   */
  overlay(accountId: string, uuid: string, what: string): boolean {
    const session = this.answeredSession(accountId, uuid);
    if (!session) return false;
    session.note('request', `API request: ${what}`);
    return true;
  }

  /**
   * `POST Record/`: record the call until `DELETE Record/`, its time limit or the hangup; the file and
   * its length go to the callback. Null if there is no such answered call.
   */
  async startRecording(accountId: string, uuid: string, request: ApiRecordingRequest): Promise<{ id: string; url: string } | null> {
    const session = this.answeredSession(accountId, uuid);
    if (!session) return null;
    const { format, callback } = request;
    const recording = await this.services.saveRecording(session, 0, format, { status: 'in-progress', source: 'StartCallRecordingAPI' });
    const startMs = this.deps.clock.now();
    let finished = false;
    const finish = async (): Promise<void> => {
      if (finished) return;
      finished = true;
      const endMs = this.deps.clock.now();
      await this.services.saveRecording(session, endMs - startMs, format, { id: recording.id, source: 'StartCallRecordingAPI' });
      session.note('recording', `API recording ended: ${Math.round((endMs - startMs) / 1000)} s`, { recordingId: recording.id });
      if (callback) {
        const ended = { ...recording, durationMs: endMs - startMs, startMs, endMs, digits: '', status: 'completed', source: 'StartCallRecordingAPI', channels: 1 } as const;
        const params = this.services.params.apiRecording(session, ended, request.apiId);
        await this.services.notify(session, callback, params);
      }
    };
    this.recordingStops.set(uuid, [...(this.recordingStops.get(uuid) ?? []), finish]);
    session.atEnd(finish);
    session.schedule(request.timeLimitMs, () => {
      this.activity.begin();
      finish()
        .catch((error: unknown) => this.deps.logger.error({ err: error, callUuid: uuid }, 'could not end an API recording at its time limit'))
        .finally(() => this.activity.end());
    });
    session.note('request', 'API request: record the call', { recordingId: recording.id });
    return recording;
  }

  /** `DELETE Record/`: stop the call's API recordings. False if there is no such answered call. */
  async stopRecordings(accountId: string, uuid: string): Promise<boolean> {
    if (!this.answeredSession(accountId, uuid)) return false;
    const stops = this.recordingStops.get(uuid) ?? [];
    this.recordingStops.delete(uuid);
    this.activity.begin();
    try {
      for (const stop of stops) await stop();
    } finally {
      this.activity.end();
    }
    return true;
  }

  private answeredSession(accountId: string, uuid: string): CallSession | null {
    const session = this.live.get(uuid);
    if (!session || session.call.accountId !== accountId || session.call.answeredAt === null || isFinal(session.call)) return null;
    return session;
  }

  /** What the far end does now. Throws CallNotLiveError when the call is not there to take it. */
  farEnd(uuid: string, action: FarEndAction): PlivoCall {
    const session = this.live.get(uuid);
    if (!session || isFinal(session.call)) throw new CallNotLiveError(uuid, 'is not live');
    const ringing = session.call.answeredAt === null;
    switch (action.kind) {
      case 'digits':
      case 'speech':
      case 'beep':
        if (ringing) throw new CallNotLiveError(uuid, 'has not been answered; the far end can answer or reject it');
        if (action.kind === 'digits') session.pressDigits(action.digits);
        else if (action.kind === 'speech') session.say(action.text);
        else session.hear(beepSound(session.now()));
        break;
      case 'answer':
      case 'reject': {
        if (!ringing || session.call.status !== 'ringing') throw new CallNotLiveError(uuid, `is ${session.call.status}, not ringing`);
        const control: RingControl = action.kind === 'answer' ? { kind: 'answer' } : { kind: 'reject', hangup: action.hangup };
        session.controlRinging(control);
        break;
      }
      case 'hangup':
        session.note('far-end', 'far end hung up');
        session.requestHangup({ code: ringing ? 1000 : 4000, source: session.call.direction === 'outbound' ? 'Callee' : 'Caller' });
        break;
    }
    return session.call;
  }

  /**
   * After a restart: calls that were live in a process that stopped cannot go on. Each ends with an
   * internal error (5010) and its hangup callback, from the outbox like any other.
   */
  async resume(): Promise<number> {
    const statuses: CallStatus[] = ['queued', 'ringing', 'in-progress'];
    const orphans = (await Promise.all(statuses.map((status) => allResources(this.deps.store, { type: CALL_RESOURCE, where: { status } })))).flat();
    for (const { state } of orphans) {
      const call = state as StoredCall;
      if (this.live.has(call.uuid)) continue;
      await this.endOrphaned(call, 'hookline stopped while the call was live: ended with 5010 Internal Error');
    }
    return orphans.length;
  }

  /**
   * On a shared store: a call whose node died (its ownership lease ran out) and that this node has
   * taken over. Ended like a call found live after a restart; one already ended is left as it is.
   */
  async endOrphan(uuid: string): Promise<void> {
    const call = await this.load(uuid);
    if (!call || isFinal(call) || this.live.has(uuid)) return;
    await this.endOrphaned(call, 'the hookline node running the call stopped renewing its lease: ended with 5010 Internal Error');
  }

  private async endOrphaned(call: StoredCall, why: string): Promise<void> {
    const ended = endCall(call, { code: 5010, source: 'Plivo' }, this.deps.clock.now());
    const timeline = [...(call.timeline ?? []), { at: this.deps.clock.now(), type: 'hangup', message: why } satisfies CallEvent];
    const { call: stored, callbacks } = this.changes(ended, 'ended');
    await this.deps.callbacks.commitChange({ resources: [resourceOf(stored, timeline)], callbacks });
  }

  /** Whether no call is doing work (a document request, a state write) rather than waiting on the clock or the far end. */
  isIdle(): boolean {
    return this.activity.isIdle();
  }

  idle(): Promise<void> {
    return this.activity.idle();
  }

  /** Hang up every live call (the server is stopping) and wait for their hangup writes. */
  async close(): Promise<void> {
    this.closed = true;
    for (const session of this.live.values()) session.requestHangup({ code: 5010, source: 'Plivo' });
    await this.idle();
  }

  // --- a call's writes ---

  /** How the far end at `number` answers: its scenario, else the magic numbers and defaults. */
  farEndFor(number: string): FarEndScript {
    return this.scenarios.answerFor(number) ?? farEndScript(number);
  }

  private start(call: PlivoCall, reason: string): void {
    const session = this.session(call);
    this.live.set(call.uuid, session);
    session.note('request', reason);
    const scenario = this.scenarios.take(call.direction === 'outbound' ? call.to : call.from);
    if (scenario) {
      session.note('far-end', `scenario ${scenario.name} plays the far end`);
      const player = playScenario(session, scenario);
      this.answerHooks.set(call.uuid, player.onAnswer);
    }
    const script = scenario ? scenarioScript(scenario) : farEndScript(call.to);
    this.run(session, () => liveCall(session, this.services, this.recorder, script));
  }

  /** Run a call's life; a failure inside hookline ends it with 5010, and it leaves the live calls at the end. */
  private run(session: CallSession, life: () => Promise<void>): void {
    const uuid = session.uuid;
    this.activity.begin();
    life()
      .catch(async (error: unknown) => {
        this.deps.logger.error({ err: error, callUuid: uuid }, 'a call failed inside hookline; it ends with 5010 Internal Error');
        session.note('error', `hookline failed: ${error instanceof Error ? error.message : String(error)}`);
        if (session.call.endedAt === null) await this.ended(session, { code: 5010, source: 'Plivo' }).catch(() => undefined);
      })
      .finally(() => {
        session.release();
        this.live.delete(uuid);
        this.recordingStops.delete(uuid);
        this.answerHooks.delete(uuid);
        this.activity.end();
      });
  }

  private session(call: PlivoCall): CallSession {
    const session = new CallSession(call, this.deps.clock, this.activity);
    session.onEvent((event) => this.deps.publish(call.accountId, call.uuid, event));
    return session;
  }

  private async ringing(session: CallSession): Promise<void> {
    session.call = await this.commit({ ...session.call, status: 'ringing' }, 'ringing');
    session.note('status', 'ringing', { status: 'ringing' });
    if (session.call.sendDigits?.onPreanswer) noteSentDigits(session, session.call.sendDigits.digits);
  }

  private async answered(session: CallSession): Promise<void> {
    session.call = await this.commit({ ...session.call, status: 'in-progress', answeredAt: this.deps.clock.now() }, 'answered');
    session.note('status', 'answered', { status: 'in-progress' });
    const sendDigits = session.call.sendDigits;
    if (sendDigits && !sendDigits.onPreanswer) noteSentDigits(session, sendDigits.digits);
  }

  /** Store the call as it is after `change`, with the notifications its dialect says that causes. */
  private async commit(call: PlivoCall, change: CallChange, timeline?: readonly CallEvent[]): Promise<PlivoCall> {
    const { call: stored, callbacks } = this.changes(call, change);
    await this.deps.callbacks.commitChange({ resources: [resourceOf(stored, timeline)], callbacks });
    for (const listener of this.listeners) {
      try {
        listener(stored);
      } catch (error) {
        this.deps.logger.error({ err: error, callUuid: stored.uuid }, 'a call listener failed');
      }
    }
    return stored;
  }

  /** Told of every call after each state change is stored (Verify follows its voice calls so). */
  onChange(listener: (call: PlivoCall) => void): void {
    this.listeners.push(listener);
  }

  private changes(call: PlivoCall, change: CallChange): { call: PlivoCall; callbacks: EnqueueRequest[] } {
    const result = dialectOf(this.deps.dialects, call).changed(call, change, this.deps.clock.now());
    return { call: result.call, callbacks: result.notifications.map((n) => this.notification(result.call, n.target, n.params)) };
  }

  private onAnswer(session: CallSession, script: FarEndScript): void {
    const call = session.call;
    for (const sound of answerSounds(script, call.direction, this.deps.clock.now())) session.hear(sound);
    this.answerHooks.get(call.uuid)?.();
    session.schedule(call.timeLimitMs, () => {
      session.note('hangup', `time limit of ${call.timeLimitMs / 1000} s reached`);
      session.requestHangup({ code: 6000, source: 'Plivo' });
    });
    if (call.recordCall) this.recordCall(session, call.recordCall);
    const detection = call.machineDetection;
    if (!detection || detection.verdicts?.blocking) return;
    const { verdict, afterMs } = verdictOf(script, detection);
    session.schedule(afterMs, () => {
      this.decided(session, verdict, afterMs);
      // Plivo's URL hears of machines only; LaML's of every verdict (laml.md §3.5).
      if (!isMachine(verdict) && !detection.verdicts) return;
      this.inBackground(call.uuid, 'could not report machine detection', () => this.machineDetected(session, detection, verdict));
    });
  }

  /** LaML's blocking detection (`AsyncAmd=false`): the first document waits for the verdict it carries. */
  private async awaitVerdict(session: CallSession, script: FarEndScript): Promise<void> {
    const detection = session.call.machineDetection;
    if (!detection?.verdicts?.blocking) return;
    const { verdict, afterMs } = verdictOf(script, detection);
    if ((await session.wait(afterMs)) === 'hangup') return;
    this.decided(session, verdict, afterMs);
  }

  private decided(session: CallSession, verdict: AnsweredBy, afterMs: number): void {
    session.call = { ...session.call, answeredBy: { verdict, afterMs } };
    session.note('far-end', isMachine(verdict) ? 'machine detected' : 'no machine detected', { answeredBy: verdict, afterMs });
  }

  private async machineDetected(session: CallSession, detection: MachineDetection, verdict: AnsweredBy): Promise<void> {
    if (detection.url) await this.deps.callbacks.enqueue(this.notification(session.call, detection.url, this.services.params.machineDetected(session)));
    if (detection.mode === 'hangup' && isMachine(verdict)) session.requestHangup({ code: 9100, source: 'Plivo' });
  }

  /**
   * `Record=true`: the whole call from its answer; the call's own completed status callback names it.
   * The end hook is set at once, so a call that ends while the recording is being stored still stops it.
   */
  private recordCall(session: CallSession, request: BackgroundRecording): void {
    const started = startBackgroundRecording(session, this.services, request).catch((error: unknown) => {
      this.deps.logger.error({ err: error, callUuid: session.uuid }, 'could not record the call');
      return null;
    });
    this.inBackground(session.uuid, 'could not record the call', async () => void (await started));
    session.atEnd(async () => {
      const stop = await started;
      if (!stop) return;
      const recording = await stop();
      session.call = { ...session.call, recorded: { id: recording.id, url: recording.url, durationMs: recording.durationMs } };
    });
  }

  /** Work a timer starts for a live call, counted so the virtual clock waits for it. */
  private inBackground(callUuid: string, what: string, work: () => Promise<void>): void {
    this.activity.begin();
    work()
      .catch((error: unknown) => this.deps.logger.error({ err: error, callUuid }, what))
      .finally(() => this.activity.end());
  }

  private async ended(session: CallSession, hangup: Hangup): Promise<void> {
    await session.runEndHooks();
    session.call = endCall(session.call, hangup, this.deps.clock.now());
    session.note('hangup', `hung up: ${hangup.code} (${hangup.source})`, { code: hangup.code, source: hangup.source, status: session.call.status });
    session.call = await this.commit(session.call, 'ended', session.timeline);
    // Only once the end is stored: a call whose end could not be written stays owned, and is ended by
    // whichever node takes it over should this one die.
    this.deps.ownership?.disown(session.uuid);
    if (this.closed) this.deps.logger.info({ callUuid: session.uuid }, 'call ended because hookline is stopping');
  }

  /** A voice notification under the call's dialect's policy (the URL's fragment tunes it), durable in the outbox. */
  notification(call: PlivoCall, target: UrlTarget, params: CallbackParams): EnqueueRequest {
    const dialect = dialectOf(this.deps.dialects, call);
    return {
      url: target.url,
      method: target.method,
      params,
      dialect: dialect.signing,
      accountId: call.accountId,
      profile: dialect.notificationProfile,
      resource: `${CALL_RESOURCE}:${call.uuid}`,
    };
  }

  /**
   * A change of a call another call drives (a B leg), stored with the notifications its dialect says it
   * causes (a LaML noun's `statusCallback`). Every change but the first is stored even when it causes
   * none, so every node's live list shows the leg and a node taking over this one's calls ends it; a
   * leg that fails at once is stored when it ends.
   */
  async legChanged(session: CallSession, change: CallChange): Promise<void> {
    const { call, callbacks } = this.changes(session.call, change);
    session.call = call;
    if (change === 'initiated' && callbacks.length === 0) return;
    await this.deps.callbacks.commitChange({ resources: [resourceOf(call, change === 'ended' ? session.timeline : undefined)], callbacks });
  }

  private async load(uuid: string): Promise<StoredCall | null> {
    const resource = await this.deps.store.getResource(CALL_RESOURCE, uuid);
    return resource ? (resource.state as StoredCall) : null;
  }
}

function resourceOf(call: PlivoCall, timeline?: readonly CallEvent[]): ResourceWrite {
  const state: StoredCall = timeline ? Object.assign({}, call, { timeline }) : call;
  return { type: CALL_RESOURCE, id: call.uuid, accountId: call.accountId, state, updatedAt: call.endedAt ?? call.answeredAt ?? call.initiatedAt };
}

/** `send_digits`: the far end hears the tones; nothing in hookline's far end reacts to them. */
function noteSentDigits(session: CallSession, digits: string): void {
  session.note('far-end', `tones ${digits} sent to the far end (send_digits)`, { digits });
}

const isMachine = (verdict: AnsweredBy): boolean => verdict.startsWith('machine');

/** LaML's detection decides as soon as it can; Plivo's reports at its `machine_detection_time`. */
function verdictOf(script: FarEndScript, detection: MachineDetection): { readonly verdict: AnsweredBy; readonly afterMs: number } {
  if (detection.verdicts) return machineVerdict(script, detection.verdicts.untilMessageEnd, detection.timeMs);
  return { verdict: script.outcome === 'answer' && script.machine ? 'machine_start' : 'human', afterMs: detection.timeMs };
}
