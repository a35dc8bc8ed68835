import {
  RECORDING_EVENTS,
  type CallProgressEvent,
  type ConferenceInstruction,
  type ConferenceStatusEvent,
  type DialInstruction,
  type DialTarget,
  type InputKind,
  type Instruction,
  type InstructionSource,
  type RecordingCallback,
  type RecordingEvent,
} from '../domain/instructions.js';
import { ElementAttributes } from './attributes.js';
import type { XmlElement } from './element-tree.js';
import type { XmlProblem } from './element-specs.js';
import { parseLaml } from './laml-xml.js';

/**
 * A checked LaML document turned into the shared instruction tree, with SignalWire's documented
 * defaults (laml.md §6.1). Relative URLs resolve against the document's own URL, which is also the
 * default `action` of `Gather` and `Record`. Attribute values are trusted: `parseLaml` checked them.
 */

export type LamlDocument =
  | { readonly ok: true; readonly instructions: readonly Instruction[]; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly error: XmlProblem };

export function readLamlDocument(body: string, documentUrl: string): LamlDocument {
  const parsed = parseLaml(body);
  if (!parsed.ok) return parsed;
  const reader = new Reader(documentUrl);
  return { ok: true, instructions: parsed.document.children.flatMap((element) => reader.verb(element)), warnings: parsed.warnings };
}

const SECOND = 1000;
/**
 * `speechTimeout="auto"`: the pause a recogniser takes for the end of a phrase. SignalWire's RELAY
 * speech collection documents one second (`end_silence_timeout`); LaML's own value is not documented.
 */
const AUTO_SPEECH_END_MS = 1_000;
/** `numDigits` unset: no limit short of the finish key or the timeout. */
const UNLIMITED_DIGITS = 1000;
/** `<Record maxLength>` 0 or unset (laml.md §8.3). */
const MAX_RECORDING_S = 3600;

class Reader {
  private readonly resolve: (url: string) => string;

  constructor(private readonly documentUrl: string) {
    this.resolve = resolveAgainst(documentUrl);
  }

  verb(element: XmlElement): Instruction[] {
    const attr = new ElementAttributes(element, this.resolve);
    const source: InstructionSource = { element: element.name, line: element.line, column: element.column };
    switch (element.name) {
      case 'Say':
        return [{ kind: 'speak', source, text: spokenText(element), voice: attr.text('voice', 'woman'), language: attr.text('language', 'en-US'), loop: attr.int('loop', 1) }];
      case 'Play': {
        const played: Instruction[] = [];
        const tones = element.attributes.digits;
        if (tones) played.push({ kind: 'send-digits', source, digits: tones, async: false });
        const audio = element.text.trim();
        if (audio) played.push({ kind: 'play', source, url: this.resolve(audio), loop: attr.int('loop', 1) });
        return played;
      }
      case 'Pause':
        // A leading Pause delays the answer (laml.md §6.1).
        return [{ kind: 'pause', source, lengthMs: attr.int('length', 1) * SECOND, until: null, whileRinging: true }];
      case 'Gather': {
        const timeoutMs = attr.int('timeout', 5) * SECOND;
        return [
          {
            kind: 'collect',
            source,
            inputs: inputKinds(attr.text('input', 'dtmf')),
            prompts: element.children.flatMap((child) => this.verb(child)),
            action: attr.target('action', 'method') ?? { url: this.documentUrl, method: attr.method('method') },
            redirect: true,
            firstInputTimeoutMs: timeoutMs,
            // SignalWire's one `timeout` is also the silence allowed between keys.
            interDigitTimeoutMs: timeoutMs,
            finishOnKey: attr.text('finishOnKey', '#'),
            maxDigits: attr.int('numDigits', UNLIMITED_DIGITS),
            attempts: 1,
            validDigits: null,
            invalidDigitsSound: null,
            hints: attr.text('hints', '').split(',').map((hint) => hint.trim()).filter(Boolean),
            interimSpeechCallback: attr.target('partialResultCallback', 'partialResultCallbackMethod'),
            speechEndTimeoutMs: speechTimeoutMs(element.attributes.speechTimeout, timeoutMs),
            playBeep: false,
            actionOnEmpty: attr.flag('actionOnEmptyResult', false),
          },
        ];
      }
      case 'Redirect':
        return [{ kind: 'redirect', source, target: { url: this.resolve(element.text.trim()), method: attr.method('method') } }];
      case 'Hangup':
        // SignalWire answers, then hangs up: unlike a rejected call, it is billed (laml.md §6.1).
        return [{ kind: 'hangup', source, reason: null, scheduleMs: null, answersFirst: true, rejectsUnanswered: false }];
      case 'Reject':
        return [{ kind: 'hangup', source, reason: element.attributes.reason === 'busy' ? 'busy' : 'rejected', scheduleMs: null, answersFirst: false, rejectsUnanswered: false }];
      case 'Dial':
        return [this.dial(element, attr, source)];
      case 'Record': {
        const maxLength = attr.int('maxLength', 0);
        return [
          {
            kind: 'record',
            source,
            // Always requested when the recording ends; what follows <Record> never runs (laml.md §6.1).
            action: attr.target('action', 'method') ?? { url: this.documentUrl, method: attr.method('method') },
            redirect: true,
            maxLengthMs: (maxLength === 0 ? MAX_RECORDING_S : maxLength) * SECOND,
            silenceTimeoutMs: attr.int('timeout', 5) * SECOND,
            finishOnKey: attr.text('finishOnKey', '1234567890*#'),
            playBeep: attr.flag('playBeep', true),
            fileFormat: 'wav',
            wholeCall: false,
            callback: attr.target('recordingStatusCallback', 'recordingStatusCallbackMethod'),
            callbackEvents: recordingEvents(attr),
          },
        ];
      }
      case 'Enqueue':
        return [{ kind: 'enqueue', source, queue: element.text.trim(), action: attr.target('action', 'method'), waitUrl: attr.target('waitUrl', 'waitUrlMethod') }];
      case 'Leave':
        return [{ kind: 'leave', source }];
      case 'Sms':
      case 'Message':
        return [
          {
            kind: 'send-message',
            source,
            from: attr.text('from', ''),
            to: attr.text('to', ''),
            text: messageText(element),
            type: element.children.some((child) => child.name === 'Media') ? 'mms' : 'sms',
            callback: attr.target('statusCallback', 'statusCallbackMethod'),
            action: attr.target('action', 'method'),
          },
        ];
      default:
        return [{ kind: 'unsimulated', source }];
    }
  }

  private dial(element: XmlElement, attr: ElementAttributes, source: InstructionSource): Instruction {
    const conference = element.children.find((child) => child.name === 'Conference');
    const action = attr.target('action', 'method');
    if (conference) {
      const room = new ElementAttributes(conference, this.resolve);
      return {
        kind: 'conference',
        source: { element: 'Conference', line: conference.line, column: conference.column },
        room: conference.text.trim(),
        muted: room.flag('muted', false),
        startOnEnter: room.flag('startConferenceOnEnter', true),
        endOnExit: room.flag('endConferenceOnExit', false),
        stayAlone: true,
        maxMembers: room.int('maxParticipants', 250),
        timeLimitMs: attr.int('timeLimit', 14_400) * SECOND,
        action,
        redirect: true,
        callback: null,
        statusCallback: conferenceStatusCallback(room),
        waitUrl: room.text('waitUrl', '') === '' ? null : room.target('waitUrl', 'waitMethod'),
        waitSound: null,
        enterSound: null,
        exitSound: null,
        hangupOnStar: attr.flag('hangupOnStar', false),
      };
    }
    const queue = element.children.find((child) => child.name === 'Queue');
    if (queue) {
      return {
        kind: 'dequeue',
        source: { element: 'Queue', line: queue.line, column: queue.column },
        queue: queue.text.trim(),
        url: new ElementAttributes(queue, this.resolve).target('url', 'method'),
        action,
        redirect: action !== null,
        waitMs: attr.int('timeout', 30) * SECOND,
        timeLimitMs: attr.int('timeLimit', 14_400) * SECOND,
        hangupOnStar: attr.flag('hangupOnStar', false),
      };
    }
    const nouns = element.children.filter((child) => child.name === 'Number' || child.name === 'Sip');
    const spelled = element.text.trim();
    const targets: DialTarget[] = nouns.length > 0 ? nouns.map((noun) => this.dialTarget(noun)) : spelled ? [{ kind: 'number', address: spelled, sendDigits: '', progress: null, whisper: null }] : [];
    return {
      kind: 'dial',
      source,
      targets,
      action,
      // Without an action the call goes on with the next verb (laml.md §6.1).
      redirect: action !== null,
      ringTimeoutMs: attr.int('timeout', 30) * SECOND,
      timeLimitMs: attr.int('timeLimit', 14_400) * SECOND,
      callerId: element.attributes.callerId ?? null,
      callerName: element.attributes.callerName ?? null,
      callback: null,
      confirmKey: null,
      confirmSound: null,
      confirmTimeoutMs: 0,
      dialMusic: null,
      hangupOnStar: attr.flag('hangupOnStar', false),
      digitsMatch: { aLeg: [], bLeg: [] },
      recording: dialRecording(attr),
    };
  }

  /** `<Number>`/`<Sip>` with their own status callback (`completed` alone by default) and whisper `url`. */
  private dialTarget(element: XmlElement): DialTarget {
    const noun = new ElementAttributes(element, this.resolve);
    const statusCallback = noun.target('statusCallback', 'statusCallbackMethod');
    const events = eventsOf(noun.text('statusCallbackEvent', 'completed'), CALL_PROGRESS_EVENTS);
    return {
      kind: element.name === 'Sip' ? 'sip' : 'number',
      address: element.text.trim(),
      sendDigits: element.attributes.sendDigits ?? '',
      progress: statusCallback ? { target: statusCallback, events } : null,
      whisper: noun.target('url', 'method'),
    };
  }
}

const CALL_PROGRESS_EVENTS: readonly CallProgressEvent[] = ['initiated', 'ringing', 'answered', 'completed'];

/** The listed names of `allowed`, in the order `allowed` gives them; the parser checked the list. */
function eventsOf<E extends string>(value: string, allowed: readonly E[]): E[] {
  const names = value.split(/[\s,]+/);
  return allowed.filter((event) => names.includes(event));
}

/** `recordingStatusCallbackEvent`: `completed` alone unless others are listed (laml.md §4). */
function recordingEvents(attr: ElementAttributes): RecordingEvent[] {
  return eventsOf(attr.text('recordingStatusCallbackEvent', 'completed'), RECORDING_EVENTS);
}

const CONFERENCE_EVENTS: readonly ConferenceStatusEvent[] = ['start', 'end', 'join', 'leave', 'mute', 'hold', 'speaker'];

/** `<Conference statusCallback statusCallbackEvent>`: no events listed, none sent (Twilio's default). */
function conferenceStatusCallback(attr: ElementAttributes): ConferenceInstruction['statusCallback'] {
  const target = attr.target('statusCallback', 'statusCallbackMethod');
  return target ? { target, events: eventsOf(attr.text('statusCallbackEvent', ''), CONFERENCE_EVENTS) } : null;
}

function recordingCallback(attr: ElementAttributes): RecordingCallback | null {
  const target = attr.target('recordingStatusCallback', 'recordingStatusCallbackMethod');
  return target ? { target, events: recordingEvents(attr) } : null;
}

/** `<Dial record>`: `record-from-answer`, `record-from-ringing`, either `-dual` (two channels). */
function dialRecording(attr: ElementAttributes): DialInstruction['recording'] {
  const mode = attr.text('record', 'do-not-record');
  if (mode === 'do-not-record') return null;
  return { source: 'DialVerb', channels: mode.endsWith('-dual') ? 2 : 1, fromRinging: mode.startsWith('record-from-ringing'), callback: recordingCallback(attr) };
}

/** The words of a Say, SSML tags dropped: what the far end hears. */
function spokenText(element: XmlElement): string {
  return [element.text, ...element.children.map(spokenText)].join(' ').replace(/\s+/g, ' ').trim();
}

/** Plain text, or the `<Body>` nouns joined (laml.md §5.3). */
export function messageText(element: XmlElement): string {
  const bodies = element.children.filter((child) => child.name === 'Body').map((child) => child.text);
  return (bodies.length > 0 ? bodies.join('') : element.text).trim();
}

function inputKinds(value: string): InputKind[] {
  return value.split(/[\s,]+/).filter((kind): kind is InputKind => kind === 'dtmf' || kind === 'speech');
}

/** A URL relative to the document becomes absolute; an absolute one (fragment included) is kept as written. */
export function resolveAgainst(documentUrl: string): (url: string) => string {
  return (url) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
    try {
      return new URL(url, documentUrl).toString();
    } catch {
      return url;
    }
  };
}

/** `speechTimeout`: seconds, `auto`, or (unset) Gather's `timeout`, as Twilio documents it. */
function speechTimeoutMs(value: string | undefined, timeoutMs: number): number {
  if (value === undefined) return timeoutMs;
  return value === 'auto' ? AUTO_SPEECH_END_MS : Number(value) * SECOND;
}
