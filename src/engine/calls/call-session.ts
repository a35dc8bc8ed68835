import type { Clock, TimerHandle } from '../../domain/clock.js';
import type { Hangup } from '../../domain/hangup-causes.js';
import type { CallEvent } from '../../domain/call-event.js';
import { speechDurationMs } from '../../domain/call-far-end.js';
import type { Sound } from '../../domain/far-end-sound.js';
import type { UrlTarget } from '../../domain/instructions.js';
import type { PlivoCall } from '../../domain/plivo-call.js';

export type { CallEvent };

export type WaitResult = 'time' | 'input' | 'hangup';

/**
 * Counts the calls doing work right now (not waiting on the clock or the far end), so the virtual
 * clock can wait for every document request and state write a timer started before it moves on.
 */
export class CallActivity {
  private busy = 0;
  private waiters: Array<() => void> = [];

  begin(): void {
    this.busy++;
  }

  end(): void {
    this.busy--;
    if (this.busy === 0) for (const resolve of this.waiters.splice(0)) resolve();
  }

  isIdle(): boolean {
    return this.busy === 0;
  }

  idle(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** What the far end asked for while the call rang. */
export type RingControl = { readonly kind: 'answer' } | { readonly kind: 'reject'; readonly hangup: Hangup };

/**
 * One live call: its current record, its timeline, and what the far end has sent that the call has not
 * used yet (keys, words). The call's runner is its only writer; the far end and the API reach it
 * through the methods below, which wake the runner where it waits.
 */
export class CallSession {
  readonly timeline: CallEvent[] = [];
  private pendingDigits = '';
  private readonly pendingSpeech: string[] = [];
  private hangupRequest: Hangup | null = null;
  private transferRequest: UrlTarget | null = null;
  private ringControl: RingControl | null = null;
  private waiter: { resolve: (result: WaitResult) => void; timer: TimerHandle | null; wakeOnInput: boolean; wakeOnSound: boolean } | null = null;
  private readonly heard: Sound[] = [];
  private listeners: Array<(event: CallEvent) => void> = [];
  /** Set when something the call waits on elsewhere (a B leg, a conference room) changed. */
  private poked = false;
  /** The call to wake when this one is controlled (a B leg wakes its A leg, which drives it). */
  private driver: CallSession | null = null;
  /** The B leg a Dial of this call has bridged, while the bridge lasts (a `bleg` transfer moves it). */
  bridgedLeg: CallSession | null = null;

  constructor(
    public call: PlivoCall,
    private readonly clock: Clock,
    private readonly activity: CallActivity,
  ) {}

  get uuid(): string {
    return this.call.uuid;
  }

  now(): number {
    return this.clock.now();
  }

  private readonly endHooks: Array<() => Promise<void>> = [];
  /** Timers from `schedule` that have not fired yet. */
  private readonly scheduled = new Set<TimerHandle>();

  /** Work to finish when the call ends, before its hangup is stored (a whole-call recording). */
  atEnd(hook: () => Promise<void>): void {
    this.endHooks.push(hook);
  }

  async runEndHooks(): Promise<void> {
    for (const hook of this.endHooks.splice(0)) await hook();
  }

  /** Run `fn` after `ms` of clock time unless the call has ended by then. */
  schedule(ms: number, fn: () => void): TimerHandle {
    const timer = this.clock.setTimer(this.clock.now() + ms, () => {
      this.scheduled.delete(timer);
      if (this.call.endedAt === null) fn();
    });
    this.scheduled.add(timer);
    return timer;
  }

  /**
   * The call has left this process: cancel what it scheduled. Its time limit (hours, by default) would
   * otherwise keep the whole session, timeline included, in memory long after the call ended.
   */
  release(): void {
    for (const timer of this.scheduled) timer.cancel();
    this.scheduled.clear();
  }

  onEvent(listener: (event: CallEvent) => void): void {
    this.listeners.push(listener);
  }

  note(type: CallEvent['type'], message: string, data?: Record<string, unknown>): void {
    const event: CallEvent = data ? { at: this.clock.now(), type, message, data } : { at: this.clock.now(), type, message };
    this.timeline.push(event);
    for (const listener of this.listeners) listener(event);
  }

  /**
   * Wait `ms` of clock time (null: until woken), ending early on a hangup, on input from the far end
   * when `wakeOnInput`, and (as `input`) on new sound from it when `wakeOnSound`. The call counts as
   * idle while it waits.
   */
  wait(ms: number | null, wakeOnInput = false, wakeOnSound = false): Promise<WaitResult> {
    if (this.interrupted) return Promise.resolve('hangup');
    if (wakeOnInput && (this.hasInput() || this.poked)) {
      this.poked = false;
      return Promise.resolve('input');
    }
    if (ms !== null && ms <= 0) return Promise.resolve('time');
    return new Promise((resolve) => {
      const timer = ms === null ? null : this.clock.setTimer(this.clock.now() + ms, () => this.wake('time'));
      this.waiter = { resolve, timer, wakeOnInput, wakeOnSound };
      this.activity.end();
    });
  }

  /** Wake the call if it waits on input, or at its next wait: something it watches changed. */
  poke(): void {
    if (this.waiter?.wakeOnInput) this.wake('input');
    else this.poked = true;
  }

  /** Control of this call wakes `driver` too (a B leg and the A leg that runs it). */
  drivenBy(driver: CallSession | null): void {
    this.driver = driver;
  }

  // --- the far end and the API ---

  pressDigits(digits: string): void {
    this.pendingDigits += digits;
    this.note('far-end', `far end pressed ${digits}`, { digits });
    if (this.waiter?.wakeOnInput) this.wake('input');
    this.driver?.poke();
  }

  say(text: string): void {
    this.pendingSpeech.push(text);
    this.note('far-end', `far end said "${text}"`, { speech: text });
    this.hear({ startMs: this.now(), endMs: this.now() + speechDurationMs(text), beep: false });
    if (this.waiter?.wakeOnInput) this.wake('input');
  }

  /** Sound from the far end (now or, for what it does by itself once answered, scheduled ahead). */
  hear(sound: Sound): void {
    this.heard.push(sound);
    if (sound.beep && sound.startMs <= this.now()) this.note('far-end', 'far end beeped');
    if (this.waiter?.wakeOnSound) this.wake('input');
  }

  /** What the call hears from the far end, past and scheduled. */
  get sounds(): readonly Sound[] {
    return this.heard;
  }

  /** While ringing: answer now, or refuse with a cause. Ignored once answered. */
  controlRinging(control: RingControl): void {
    this.ringControl = control;
    this.note('far-end', control.kind === 'answer' ? 'far end answered' : `far end rejected the call (${control.hangup.code})`);
    this.wake('input');
    this.driver?.poke();
  }

  takeRingControl(): RingControl | null {
    const control = this.ringControl;
    this.ringControl = null;
    return control;
  }

  /** End the call as soon as its runner can: the first request wins. */
  requestHangup(hangup: Hangup): boolean {
    if (this.hangupRequest || this.call.endedAt !== null) return false;
    this.hangupRequest = hangup;
    this.wake('hangup');
    this.driver?.poke();
    return true;
  }

  get hangupRequested(): Hangup | null {
    return this.hangupRequest;
  }

  /**
   * The API moves the call to another document (a transfer): whatever runs stops as it would for a
   * hangup, and the call's runner fetches the new document.
   */
  requestTransfer(target: UrlTarget): boolean {
    if (this.hangupRequest || this.call.endedAt !== null) return false;
    this.transferRequest = target;
    this.wake('hangup');
    this.driver?.poke();
    return true;
  }

  takeTransfer(): UrlTarget | null {
    const target = this.transferRequest;
    this.transferRequest = null;
    return target;
  }

  /** Whatever runs must stop: a hangup or a transfer is waiting. */
  get interrupted(): boolean {
    return this.hangupRequest !== null || this.transferRequest !== null;
  }

  hasInput(): boolean {
    return this.pendingDigits.length > 0 || this.pendingSpeech.length > 0;
  }

  /** The next key pressed, or null. */
  takeDigit(): string | null {
    if (!this.pendingDigits) return null;
    const key = this.pendingDigits[0] as string;
    this.pendingDigits = this.pendingDigits.slice(1);
    return key;
  }

  takeSpeech(): string | null {
    return this.pendingSpeech.shift() ?? null;
  }

  /** Input that arrived for an element that no longer wants it is dropped. */
  clearInput(): void {
    this.pendingDigits = '';
    this.pendingSpeech.length = 0;
  }

  private wake(result: WaitResult): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = null;
    waiter.timer?.cancel();
    this.activity.begin();
    waiter.resolve(result);
  }
}
