import type { DialTarget, InputKind, Instruction, InstructionSource, PauseUntil, UrlTarget } from '../domain/instructions.js';
import { ElementAttributes as Attributes } from './attributes.js';
import type { XmlElement } from './element-tree.js';
import { parsePlivoXml, type PlivoXmlError } from './plivo-xml.js';

/**
 * A checked Plivo XML document turned into the shared instruction tree, with Plivo's documented
 * defaults filled in (plivo.md §2.3). Attribute values are trusted here: `parsePlivoXml` has checked
 * every one against the element reference.
 */

export type PlivoDocument =
  | { readonly ok: true; readonly instructions: readonly Instruction[]; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly error: PlivoXmlError };

export function readPlivoDocument(body: string): PlivoDocument {
  const parsed = parsePlivoXml(body);
  if (!parsed.ok) return parsed;
  return { ok: true, instructions: asFirstElement(parsed.document.children.map(instructionOf)), warnings: parsed.warnings };
}

/**
 * What the first element of a document does to a call not answered yet: "If <Wait> is the first
 * element in a XML document, Plivo will wait the specified number of seconds before picking up the
 * call" (Plivo's Wait reference), and a `<Hangup>` first "is hung up with reason rejected by default",
 * where one later, or on an answered call, is a normal hangup (Plivo's Hangup reference).
 */
function asFirstElement(instructions: Instruction[]): Instruction[] {
  const [first, ...rest] = instructions;
  if (first?.kind === 'pause') return [{ ...first, whileRinging: true }, ...rest];
  if (first?.kind === 'hangup') return [{ ...first, rejectsUnanswered: true }, ...rest];
  return instructions;
}

const SECOND = 1000;

function instructionOf(element: XmlElement): Instruction {
  const attr = new Attributes(element);
  const source: InstructionSource = { element: element.name, line: element.line, column: element.column };
  switch (element.name) {
    case 'Speak':
      return { kind: 'speak', source, text: speakText(element), voice: attr.text('voice', 'WOMAN'), language: attr.text('language', 'en-US'), loop: attr.int('loop', 1) };
    case 'Play':
      return { kind: 'play', source, url: element.text.trim(), loop: attr.int('loop', 1) };
    case 'Wait':
      return {
        kind: 'pause',
        source,
        lengthMs: attr.int('length', 1) * SECOND,
        until: waitUntil(element, attr),
        whileRinging: false,
      };
    case 'GetDigits':
      return {
        kind: 'collect',
        source,
        inputs: ['dtmf'],
        prompts: element.children.map(instructionOf),
        action: attr.target('action', 'method'),
        redirect: attr.flag('redirect', true),
        firstInputTimeoutMs: attr.int('timeout', 5) * SECOND,
        interDigitTimeoutMs: attr.int('digitTimeout', 2) * SECOND,
        finishOnKey: finishKey(attr.text('finishOnKey', '#')),
        maxDigits: attr.int('numDigits', 99),
        attempts: attr.int('retries', 1),
        validDigits: attr.text('validDigits', '1234567890*#'),
        invalidDigitsSound: element.attributes.invalidDigitsSound ?? null,
        hints: [],
        interimSpeechCallback: null,
        speechEndTimeoutMs: 0,
        playBeep: attr.flag('playBeep', false),
        actionOnEmpty: false,
      };
    case 'GetInput': {
      const executionMs = attr.int('executionTimeout', 15) * SECOND;
      const digitEnd = element.attributes.digitEndTimeout;
      const speechEnd = element.attributes.speechEndTimeout;
      return {
        kind: 'collect',
        source,
        inputs: inputKinds(attr.text('inputType', 'dtmf speech')),
        prompts: element.children.map(instructionOf),
        action: attr.target('action', 'method'),
        redirect: attr.flag('redirect', true),
        firstInputTimeoutMs: element.attributes.startInputTimeout ? attr.int('startInputTimeout', 5) * SECOND : executionMs,
        // `auto` leaves the pause to the speech engine; two seconds is its short end.
        interDigitTimeoutMs: digitEnd && digitEnd !== 'auto' ? Number(digitEnd) * SECOND : 2 * SECOND,
        finishOnKey: finishKey(attr.text('finishOnKey', '#')),
        maxDigits: attr.int('numDigits', 32),
        attempts: attr.int('retries', 1),
        validDigits: null,
        invalidDigitsSound: null,
        hints: (element.attributes.hints ?? '').split(',').map((hint) => hint.trim()).filter(Boolean),
        interimSpeechCallback: attr.target('interimSpeechResultsCallback', 'interimSpeechResultsCallbackMethod'),
        // The silence after the last word before the speech counts as finished; `auto` is the speech
        // engine's call, taken at the short end of the range Plivo allows, as for digitEndTimeout.
        speechEndTimeoutMs: speechEnd && speechEnd !== 'auto' ? Number(speechEnd) * SECOND : 2 * SECOND,
        playBeep: false,
        actionOnEmpty: false,
      };
    }
    case 'Redirect':
      return { kind: 'redirect', source, target: { url: element.text.trim(), method: attr.method('method') } };
    case 'Hangup': {
      const reason = element.attributes.reason;
      const schedule = element.attributes.schedule;
      return {
        kind: 'hangup',
        source,
        reason: reason === 'busy' || reason === 'rejected' ? reason : null,
        scheduleMs: schedule !== undefined && Number(schedule) > 0 ? Number(schedule) * SECOND : null,
        answersFirst: false,
        rejectsUnanswered: false,
      };
    }
    case 'DTMF':
      return { kind: 'send-digits', source, digits: (element.text.trim() || element.attributes.digits) ?? '', async: attr.flag('async', true) };
    case 'Message':
      return {
        kind: 'send-message',
        source,
        from: attr.text('src', ''),
        to: attr.text('dst', ''),
        text: element.text.trim(),
        type: element.attributes.type === 'mms' ? 'mms' : 'sms',
        callback: attr.target('callbackUrl', 'callbackMethod'),
        action: null,
      };
    case 'PreAnswer':
      return { kind: 'pre-answer', source, children: element.children.map(instructionOf) };
    case 'Dial':
      return {
        kind: 'dial',
        source,
        targets: element.children.map(dialTargetOf),
        action: attr.target('action', 'method'),
        redirect: attr.flag('redirect', true),
        ringTimeoutMs: element.attributes.timeout ? attr.int('timeout', 0) * SECOND : null,
        timeLimitMs: attr.int('timeLimit', 14_400) * SECOND,
        callerId: element.attributes.callerId ?? null,
        callerName: element.attributes.callerName ?? null,
        callback: attr.target('callbackUrl', 'callbackMethod'),
        confirmKey: element.attributes.confirmKey ?? null,
        confirmSound: element.attributes.confirmSound ?? null,
        confirmTimeoutMs: attr.int('confirmTimeout', 120) * SECOND,
        dialMusic: element.attributes.dialMusic && element.attributes.dialMusic !== 'real' ? element.attributes.dialMusic : null,
        hangupOnStar: attr.flag('hangupOnStar', false),
        digitsMatch: { aLeg: keyPatterns(element.attributes.digitsMatch), bLeg: keyPatterns(element.attributes.digitsMatchBLeg) },
        recording: null,
      };
    case 'Record':
      return {
        kind: 'record',
        source,
        action: attr.target('action', 'method'),
        redirect: attr.flag('redirect', true),
        maxLengthMs: attr.int('maxLength', 60) * SECOND,
        silenceTimeoutMs: attr.int('timeout', 15) * SECOND,
        finishOnKey: finishKey(attr.text('finishOnKey', '#')),
        playBeep: attr.flag('playBeep', true),
        fileFormat: element.attributes.fileFormat === 'wav' ? 'wav' : 'mp3',
        // Plivo's callbackUrl hears of every finished recording, however short.
        callbackEvents: ['completed', 'absent'],
        wholeCall: attr.flag('recordSession', false) || attr.flag('startOnDialAnswer', false),
        callback: attr.target('callbackUrl', 'callbackMethod'),
      };
    case 'Conference':
      return {
        kind: 'conference',
        source,
        room: element.text.trim(),
        muted: attr.flag('muted', false),
        startOnEnter: attr.flag('startConferenceOnEnter', true),
        endOnExit: attr.flag('endConferenceOnExit', false),
        stayAlone: attr.flag('stayAlone', true),
        maxMembers: attr.int('maxMembers', 20),
        timeLimitMs: attr.int('timeLimit', 86_400) * SECOND,
        action: attr.target('action', 'method'),
        redirect: attr.flag('redirect', true),
        callback: attr.target('callbackUrl', 'callbackMethod'),
        statusCallback: null,
        waitUrl: null,
        // Requested with POST, as Plivo's Conference reference says of its sound URLs.
        waitSound: element.attributes.waitSound ? { url: element.attributes.waitSound, method: 'POST' } : null,
        enterSound: soundUrl(element.attributes.enterSound),
        exitSound: soundUrl(element.attributes.exitSound),
        hangupOnStar: attr.flag('hangupOnStar', false),
      };
    default:
      return { kind: 'unsimulated', source };
  }
}

/**
 * `silence="true"` ends the Wait after `minSilence` ms of quiet (2000 by default; node-sdk also writes
 * `min_silence`); `beep` (`true`, or its tuning string) ends it at a voicemail beep and is "only used
 * when silence and minSilence are false" (Plivo's Wait reference).
 */
function waitUntil(element: XmlElement, attr: Attributes): PauseUntil | null {
  if (attr.flag('silence', false)) return { kind: 'silence', minSilenceMs: attr.int('minSilence', attr.int('min_silence', 2_000)) };
  const beep = element.attributes.beep ?? 'false';
  return beep !== 'false' ? { kind: 'beep' } : null;
}

function dialTargetOf(element: XmlElement): DialTarget {
  return {
    kind: element.name === 'User' ? 'sip' : 'number',
    address: element.text.trim(),
    sendDigits: element.attributes.sendDigits ?? '',
    progress: null,
    whisper: null,
  };
}

/** A Conference sound given as a URL; `beep:1`, `beep:2` and "" are the carrier's own tones. */
function soundUrl(value: string | undefined): UrlTarget | null {
  return value && !value.startsWith('beep:') ? { url: value, method: 'POST' } : null;
}

/** `digitsMatch`: key sequences joined by commas (`123,*9`). */
function keyPatterns(value: string | undefined): string[] {
  return (value ?? '').split(',').map((pattern) => pattern.trim()).filter(Boolean);
}

/** The words of a Speak, SSML tags dropped: what the far end hears. */
function speakText(element: XmlElement): string {
  return [element.text, ...element.children.map(speakText)].join(' ').replace(/\s+/g, ' ').trim();
}

function inputKinds(value: string): InputKind[] {
  return value.split(/\s+/).filter((kind): kind is InputKind => kind === 'dtmf' || kind === 'speech');
}

/** Plivo spells "no key" as `none` or an empty value. */
function finishKey(value: string): string {
  return value === 'none' ? '' : value;
}
