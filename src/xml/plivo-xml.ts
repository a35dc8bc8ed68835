import { absoluteUrl as url, bool, checkXml, digits, integer, method, nonEmpty, oneOf, text, type Check, type CheckedXml, type ElementSpec, type XmlProblem, type XmlRule } from './element-specs.js';

/**
 * Plivo XML as an answer URL, action or Redirect returns it, checked against the element reference
 * (plivo.md §2): which elements exist, what each may contain, and the values its attributes take.
 * The check is data (ELEMENTS below), so adding an element or attribute is one entry. Unknown
 * attributes are kept as warnings, not errors: what Plivo does with them is undocumented (§2.1).
 *
 * This is the validating front of the voice engine (issue 4); the engine turns the checked tree into
 * its instructions.
 */

/** Plivo's documented ceiling on a document (plivo.md §2.1). */
export const MAX_DOCUMENT_BYTES = 100 * 1024;

export type PlivoXmlRule = XmlRule;
export type PlivoXmlError = XmlProblem;
export type PlivoXmlResult = CheckedXml;

const finishOnKey: Check = (value) => (/^([0-9*#]|none)?$/.test(value) ? null : 'must be one key (0-9, *, #), none or empty');

/** Conference `enterSound`/`exitSound`: none (""), one or two beeps, or a URL returning Play, Speak and Wait. */
const sound: Check = (value) => (value === '' || value === 'beep:1' || value === 'beep:2' ? null : url(value) && 'must be "", beep:1, beep:2 or an absolute URL');

/** Dial's `digitsMatch`: key sequences joined by commas. */
const keyPatterns: Check = (value) => (/^[0-9*#]+(,[0-9*#]+)*$/.test(value.replace(/\s/g, '')) ? null : 'must be key sequences (0-9, *, #) joined by commas');

const AUDIO = ['Speak', 'Play'];

/** SSML inside Speak is passed through to the voice; its own rules are the TTS engine's. */
const SSML = new Set(['break', 'emphasis', 'lang', 'p', 'phoneme', 'prosody', 's', 'say-as', 'sub', 'w']);

const ELEMENTS: Readonly<Record<string, ElementSpec>> = {
  Response: {
    children: ['Speak', 'Play', 'GetDigits', 'GetInput', 'Record', 'Dial', 'Message', 'Redirect', 'Wait', 'Hangup', 'PreAnswer', 'Conference', 'DTMF', 'MultiPartyCall', 'Stream'],
    attributes: {},
  },
  Speak: {
    children: [],
    passThrough: SSML,
    attributes: { voice: (v) => (/^(WOMAN|MAN|Polly\.[A-Za-z-]+)$/.test(v) ? null : 'must be WOMAN, MAN or Polly.<Name>'), language: text, loop: integer(0, 10_000) },
  },
  Play: { children: [], attributes: { loop: integer(0, 10_000) }, body: url },
  DTMF: { children: [], attributes: { async: bool, digits }, body: digits },
  Wait: { children: [], attributes: { length: integer(1, 86_400), silence: bool, minSilence: integer(0, 86_400_000), min_silence: integer(0, 86_400_000), beep: text } },
  Hangup: { children: [], attributes: { reason: oneOf('rejected', 'busy'), schedule: integer(0, 86_400) } },
  Redirect: { children: [], attributes: { method }, body: url },
  PreAnswer: { children: ['Speak', 'Play', 'Wait', 'GetDigits', 'Redirect', 'Message', 'DTMF'], attributes: {} },
  GetDigits: {
    children: [...AUDIO, 'Wait'],
    attributes: {
      action: url,
      method,
      numDigits: integer(1, 99),
      timeout: integer(1, 3600),
      digitTimeout: integer(1, 3600),
      finishOnKey,
      retries: integer(1, 100),
      redirect: bool,
      playBeep: bool,
      validDigits: (v) => (/^[0-9*#]+$/.test(v) ? null : 'may hold only 0-9, * and #'),
      invalidDigitsSound: url,
      log: bool,
    },
  },
  GetInput: {
    children: [...AUDIO, 'Wait'],
    required: ['action'],
    attributes: {
      action: url,
      method,
      inputType: oneOf('dtmf', 'speech', 'dtmf speech', 'speech dtmf'),
      redirect: bool,
      log: bool,
      executionTimeout: integer(5, 60),
      digitEndTimeout: (v) => (v === 'auto' || integer(2, 10)(v) === null ? null : 'must be auto or 2 to 10'),
      speechEndTimeout: (v) => (v === 'auto' || integer(2, 10)(v) === null ? null : 'must be auto or 2 to 10'),
      startInputTimeout: integer(1, 60),
      retries: integer(1, 100),
      numDigits: integer(1, 32),
      finishOnKey,
      language: text,
      speechModel: oneOf('default', 'command_and_search', 'phone_call'),
      hints: (v) => (v.length <= 10_000 ? null : 'must be at most 10,000 characters'),
      profanityFilter: bool,
      interimSpeechResultsCallback: url,
      interimSpeechResultsCallbackMethod: method,
    },
  },
  Dial: {
    children: ['Number', 'User'],
    attributes: {
      action: url,
      method,
      timeout: integer(1, 86_400),
      timeLimit: integer(1, 86_400),
      callerId: text,
      callerName: (v) => (v.length <= 50 ? null : 'must be at most 50 characters'),
      hangupOnStar: bool,
      redirect: bool,
      callbackUrl: url,
      callbackMethod: method,
      confirmSound: url,
      confirmKey: (v) => (/^[0-9*#]$/.test(v) ? null : 'must be one key (0-9, * or #)'),
      confirmTimeout: integer(1, 86_400),
      dialMusic: (v) => (v === 'real' ? null : url(v)),
      digitsMatch: keyPatterns,
      digitsMatchBLeg: keyPatterns,
      sipHeaders: text,
      callType: oneOf('voice', 'whatsapp'),
    },
  },
  Number: { children: [], attributes: { sendDigits: digits, sendDigitsMode: oneOf('rfc2833', 'inband', 'info'), sendOnPreanswer: bool, sipHeaders: text, callerId: text, callerName: text }, body: nonEmpty },
  User: { children: [], attributes: { sipHeaders: text, sipAuthUsername: text, sipAuthPassword: (v) => (v.length >= 8 && v.length <= 128 ? null : 'must be 8 to 128 characters'), sendDigits: digits, sendOnPreanswer: bool, callerId: text, callerName: text }, body: (v) => (v.trim().startsWith('sip:') ? null : 'must be a sip: URI') },
  Record: {
    children: [],
    attributes: {
      action: url,
      method,
      fileFormat: oneOf('mp3', 'wav'),
      redirect: bool,
      timeout: integer(0, 86_400),
      maxLength: integer(1, 86_400),
      finishOnKey,
      playBeep: bool,
      recordSession: bool,
      startOnDialAnswer: bool,
      recordChannelType: oneOf('stereo', 'mono'),
      transcriptionType: oneOf('auto', 'hybrid', 'manual'),
      transcriptionUrl: url,
      transcriptionMethod: method,
      callbackUrl: url,
      callbackMethod: method,
    },
  },
  Conference: {
    children: [],
    body: nonEmpty,
    attributes: {
      muted: bool,
      enterSound: sound,
      exitSound: sound,
      maxMembers: integer(1, 20),
      timeLimit: integer(1, 86_400),
      hangupOnStar: bool,
      stayAlone: bool,
      startConferenceOnEnter: bool,
      endConferenceOnExit: bool,
      waitSound: url,
      record: bool,
      recordFileFormat: oneOf('mp3', 'wav'),
      transcriptionType: text,
      transcriptionUrl: url,
      transcriptionMethod: method,
      action: url,
      method,
      callbackUrl: url,
      callbackMethod: method,
      redirect: bool,
      digitsMatch: text,
      floorEvent: bool,
      relayDTMF: bool,
      beep: text,
      recordWhenAlone: bool,
    },
  },
  Message: { children: [], required: ['src', 'dst'], attributes: { src: nonEmpty, dst: nonEmpty, type: oneOf('sms', 'mms', 'whatsapp'), callbackUrl: url, callbackMethod: method }, body: nonEmpty },
  MultiPartyCall: { children: [], required: ['role'], attributes: { role: oneOf('Agent', 'Supervisor', 'Customer', 'ai-agent') }, body: nonEmpty },
  Stream: {
    children: [],
    body: (v) => (/^wss?:\/\//.test(v.trim()) ? null : 'must be a wss:// URL'),
    attributes: {
      bidirectional: bool,
      audioTrack: oneOf('inbound', 'outbound', 'both'),
      streamTimeout: integer(1, 86_400),
      contentType: oneOf('audio/x-l16;rate=8000', 'audio/x-l16;rate=16000', 'audio/x-mulaw;rate=8000'),
      keepCallAlive: bool,
      extraHeaders: (v) => (v.length <= 512 ? null : 'must be at most 512 bytes'),
      statusCallbackUrl: url,
      statusCallbackMethod: method,
      noiseCancellation: bool,
      noiseCancellationLevel: integer(60, 100),
    },
  },
};

export function parsePlivoXml(body: string): PlivoXmlResult {
  return checkXml(body, { name: 'Plivo XML', maxBytes: MAX_DOCUMENT_BYTES, elements: ELEMENTS, unknownElements: 'error' });
}
