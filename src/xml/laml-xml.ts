import { isE164 } from '../domain/phone-numbers.js';
import type { XmlElement } from './element-tree.js';
import { absoluteUrl, bool, checkXml, coded, digits, integer, lenient, method as httpMethod, nonEmpty, oneOf, text, type Check, type CheckedXml, type ElementSpec, type Skip, type Tidy } from './element-specs.js';

/**
 * LaML (cXML) as a call's `Url`, an action or a Redirect returns it, checked against the verb reference
 * (laml.md §6) as data: which verbs exist, what each may hold, the values its attributes take. Verbs
 * hookline does not know are skipped with a warning, as SignalWire warns with 13750 and carries on,
 * and so are the parts of a Dial or Enqueue SignalWire's error-code list names as warnings (13000,
 * 13215, 13223, 13243, 13254, 14204): each is left out and the rest runs. The attribute values that
 * list files under Errors (13221, 13222, 13621, 13699) refuse the document with their own code;
 * anything else wrong makes it invalid (12100).
 */

/** SignalWire refuses a larger response (11750, laml.md §2.2). */
export const MAX_LAML_BYTES = 64 * 1024;

/** Action, Redirect and callback URLs may be relative to the document (laml.md §6). */
const url: Check = (value) => {
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return absoluteUrl(value);
  return value.trim() ? null : 'must be a URL';
};
/** SignalWire files a `method` other than GET or POST under Errors (13221): the document is refused. */
const method = coded(httpMethod, 13221);
const keys: Check = (value) => (/^[0-9*#]*$/.test(value) ? null : 'may hold only 0-9, * and #');
const seconds = (min: number, max: number): Check => integer(min, max);
const eventList =
  (...allowed: string[]): Check =>
  (value) => {
    const bad = value.split(/[\s,]+/).filter((event) => event && !allowed.includes(event));
    return bad.length === 0 ? null : `may list only ${allowed.join(', ')} (not ${bad.join(', ')})`;
  };
const input: Check = (value) => eventList('dtmf', 'speech')(value) ?? (value.trim() ? null : 'must name dtmf, speech or both');

const SSML = new Set(['break', 'emphasis', 'lang', 'p', 'phoneme', 'prosody', 's', 'say-as', 'sub', 'w', 'amazon:effect', 'amazon:domain']);
// SignalWire's error-code list files these under Errors, not Warnings, as it does 13221: the document
// is refused, naming the code (13621, 13699, 13222) rather than 12100.
const RECORDING_EVENTS = coded(eventList('in-progress', 'completed', 'absent', 'failed'), 13621);
const TRIM = coded(oneOf('trim-silence', 'do-not-trim'), 13699);
const SEND_DIGITS = coded((value) => (/^[0-9A-D*#wW]*$/.test(value) ? null : 'may hold only 0-9, A-D, *, #, w and W'), 13222);
const CALL_EVENTS = eventList('initiated', 'ringing', 'answered', 'completed');
const recordingCallback = {
  recordingStatusCallback: url,
  recordingStatusCallbackMethod: method,
  recordingStatusCallbackEvent: RECORDING_EVENTS,
};
const nounCallback = { url, method, statusCallback: url, statusCallbackMethod: method, statusCallbackEvent: CALL_EVENTS };

/** Verbs that are parsed and checked but not simulated: the call notes them and goes on. */
export const UNSIMULATED_VERBS = ['Connect', 'Start', 'Stop', 'Refer', 'Pay', 'Echo', 'Denoise'] as const;
const LOOSE: ElementSpec = { children: [], attributes: {}, passThrough: new Set(['Stream', 'Room', 'VirtualAgent', 'AI', 'Sip', 'Parameter', 'Prompt', 'Siprec', 'Transcription']) };

/** Twilio's `<Dial>` rings at most ten nouns at once; SignalWire warns of "too many nouns" (13215) without a number. */
const MAX_DIAL_NOUNS = 10;
const RINGING_NOUNS = new Set(['Number', 'Sip', 'Verto']);

/** A phone number SignalWire dials: E.164 (13223). */
const dialledNumber = (value: string): string | null => (value === '' || isE164(value) ? null : `"${value}" is not an E.164 number`);

const numberNoun = (element: XmlElement): Skip | null => {
  const number = element.text.trim();
  if (number === '') return { warning: 13223, problem: 'has no number' };
  return isE164(number) ? null : { warning: 13223, problem: `holds "${number}", which is not an E.164 number` };
};

/** A missing SIP URI is 13254, a malformed one 13243. */
const sipNoun = (element: XmlElement): Skip | null => {
  const uri = element.text.trim();
  if (uri === '') return { warning: 13254, problem: 'has no SIP URI' };
  return /^sips?:\S+$/.test(uri) ? null : { warning: 13243, problem: `holds "${uri}", which is not a sip: URI` };
};

/**
 * How a Dial's nouns combine: one Conference alone (13000, the first kept), at most ten ringing nouns
 * (13215), and something to dial — otherwise the Dial runs and fails (13223).
 */
function dialNouns(dial: XmlElement): Tidy[] {
  const found: Tidy[] = [];
  const [conference, ...more] = dial.children.filter((child) => child.name === 'Conference');
  if (conference) {
    for (const other of more) found.push({ element: other, warning: 13000, problem: 'is a second Conference in one Dial' });
    for (const other of dial.children.filter((child) => child.name !== 'Conference')) found.push({ element: other, warning: 13000, problem: 'cannot be mixed with <Conference>' });
    return found;
  }
  const ringing = dial.children.filter((child) => RINGING_NOUNS.has(child.name));
  for (const other of ringing.slice(MAX_DIAL_NOUNS)) found.push({ element: other, warning: 13215, problem: `is one noun too many: a Dial rings at most ${MAX_DIAL_NOUNS}` });
  if (dial.children.length === 0 && dial.text.trim() === '') found.push({ element: dial, warning: 13223, problem: 'has no number to dial; it fails (DialCallStatus=failed)' });
  return found;
}

const ELEMENTS: Readonly<Record<string, ElementSpec>> = {
  Response: {
    children: ['Say', 'Play', 'Pause', 'Gather', 'Record', 'Dial', 'Redirect', 'Hangup', 'Reject', 'Sms', 'Message', 'Enqueue', 'Leave', ...UNSIMULATED_VERBS],
    attributes: {},
  },
  Say: { children: [], passThrough: SSML, attributes: { voice: text, language: text, loop: integer(0, 1000) } },
  Play: {
    children: [],
    attributes: { loop: integer(0, 1000), digits },
    body: (value) => (value === '' || /^(https?|rtmp):\/\//i.test(value) ? null : url(value)),
  },
  Pause: { children: [], attributes: { length: seconds(0, 86_400) } },
  Gather: {
    children: ['Say', 'Play', 'Pause'],
    attributes: {
      action: url,
      method,
      input,
      numDigits: integer(1, 1000),
      timeout: seconds(0, 600),
      finishOnKey: (value) => (/^[0-9*#]?$/.test(value) ? null : 'must be one key (0-9, *, #) or empty'),
      speechTimeout: (value) => (value === 'auto' || integer(0, 600)(value) === null ? null : 'must be auto or a whole number of seconds'),
      language: text,
      hints: text,
      partialResultCallback: url,
      partialResultCallbackMethod: method,
      profanityFilter: bool,
      enhanced: bool,
      speechModel: text,
      actionOnEmptyResult: bool,
    },
  },
  Record: {
    children: [],
    attributes: {
      action: url,
      method,
      timeout: seconds(0, 3600),
      finishOnKey: keys,
      maxLength: seconds(0, 86_400),
      playBeep: bool,
      trim: TRIM,
      ...recordingCallback,
      storageUrl: url,
      storageUrlMethod: oneOf('POST', 'PUT'),
      transcribe: bool,
      transcribeCallback: url,
    },
  },
  Dial: {
    children: ['Number', 'Sip', 'Conference', 'Queue', 'Verto'],
    strayChildren: 13215,
    body: lenient(dialledNumber, 13223),
    tidy: dialNouns,
    attributes: {
      action: url,
      method,
      timeout: seconds(1, 600),
      timeLimit: seconds(1, 86_400),
      callerId: text,
      callerName: (value) => (value.length <= 70 ? null : 'must be at most 70 characters'),
      answerOnBridge: bool,
      hangupOnStar: bool,
      record: oneOf('do-not-record', 'record-from-answer', 'record-from-ringing', 'record-from-answer-dual', 'record-from-ringing-dual'),
      ...recordingCallback,
      recordingStorageUrl: url,
      recordingStorageUrlMethod: oneOf('POST', 'PUT'),
      recordingTrack: oneOf('inbound', 'outbound', 'both'),
      trim: TRIM,
      ringTone: text,
    },
  },
  Number: { children: [], attributes: { sendDigits: SEND_DIGITS, ...nounCallback }, skip: numberNoun },
  Sip: {
    children: [],
    attributes: { username: text, password: text, codecs: text, sessionTimeout: integer(0, 86_400), ...nounCallback },
    skip: sipNoun,
  },
  Conference: {
    children: [],
    body: nonEmpty,
    attributes: {
      beep: oneOf('true', 'false', 'onEnter', 'onExit'),
      muted: bool,
      startConferenceOnEnter: bool,
      endConferenceOnExit: bool,
      maxParticipants: integer(2, 250),
      coach: text,
      record: oneOf('do-not-record', 'record-from-start'),
      trim: TRIM,
      ...recordingCallback,
      statusCallback: url,
      statusCallbackMethod: method,
      statusCallbackEvent: eventList('start', 'end', 'join', 'leave', 'mute', 'hold', 'speaker'),
      waitUrl: (value) => (value === '' ? null : url(value)),
      waitMethod: method,
      eventCallbackUrl: url,
    },
  },
  Queue: { children: [], attributes: { url, method }, body: nonEmpty },
  // SignalWire warns 14204 of an Enqueue without a queue name and goes on without it.
  Enqueue: {
    children: [],
    attributes: { action: url, method, waitUrl: url, waitUrlMethod: method, workflowSid: text },
    skip: (element) => (element.text.trim() ? null : { warning: 14204, problem: 'has no queue name' }),
  },
  Leave: { children: [], attributes: {} },
  Verto: { children: [], attributes: { ...nounCallback }, body: nonEmpty },
  Redirect: { children: [], attributes: { method }, body: url },
  Hangup: { children: [], attributes: {} },
  Reject: { children: [], attributes: { reason: oneOf('rejected', 'busy') } },
  Sms: { children: [], attributes: { to: text, from: text, action: url, method, statusCallback: url }, body: nonEmpty },
  Message: { children: ['Body', 'Media'], attributes: { to: text, from: text, action: url, method, statusCallback: url } },
  Body: { children: [], attributes: {} },
  Media: { children: [], attributes: {}, body: url },
  ...Object.fromEntries(UNSIMULATED_VERBS.map((verb) => [verb, LOOSE])),
};

export function parseLaml(body: string): CheckedXml {
  return checkXml(body, { name: 'LaML', maxBytes: MAX_LAML_BYTES, elements: ELEMENTS, unknownElements: { warning: 13750 } });
}
