/**
 * How many SMS parts ("units", which Plivo bills and reports as `Units`) a text takes, from the
 * encoding a carrier would choose for it.
 *
 * GSM 03.38 (7-bit): 160 septets in one SMS; a longer text is split into parts of 153, the other 7
 * septets of each part carrying the concatenation header. Characters of the extension table
 * (`^ { } \ [ ~ ] | €` and form feed) are an escape plus a character, so they count 2.
 * Anything outside both tables makes the whole text UCS-2: 70 UTF-16 code units in one SMS, 67 per
 * part, so a character outside the Basic Multilingual Plane (an emoji) counts 2.
 *
 * A two-septet escape or a surrogate pair is never split across parts, as carriers' encoders avoid
 * doing: when only one slot is left in a part, the pair starts the next one.
 */

export type SmsEncoding = 'GSM' | 'UCS-2';

export interface SmsSegmentation {
  readonly encoding: SmsEncoding;
  /** Septets (GSM) or UTF-16 code units (UCS-2) the text takes. */
  readonly length: number;
  /** SMS parts: 1 for an empty or short text. */
  readonly units: number;
}

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

const LIMITS: Readonly<Record<SmsEncoding, { single: number; part: number }>> = {
  GSM: { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
};

/** What one SMS holds in `encoding`, and each part of a longer text (the rest carries the concatenation header). */
export function smsCapacity(encoding: SmsEncoding): { readonly single: number; readonly perPart: number } {
  const { single, part } = LIMITS[encoding];
  return { single, perPart: part };
}

export function segmentSms(text: string): SmsSegmentation {
  const gsm = gsmSizes(text);
  const encoding: SmsEncoding = gsm ? 'GSM' : 'UCS-2';
  const sizes = gsm ?? ucs2Sizes(text);
  const length = sizes.reduce((sum, size) => sum + size, 0);
  const { single, part } = LIMITS[encoding];
  return { encoding, length, units: length <= single ? 1 : partsNeeded(sizes, part) };
}

/** Septets per character, or null if some character has no GSM encoding. */
function gsmSizes(text: string): number[] | null {
  const sizes: number[] = [];
  for (const char of text) {
    if (BASIC.has(char) && char !== '\u001b') sizes.push(1);
    else if (EXTENSION.has(char)) sizes.push(2);
    else return null;
  }
  return sizes;
}

/** UTF-16 code units per character (iteration is by code point, so a surrogate pair is one item). */
function ucs2Sizes(text: string): number[] {
  const sizes: number[] = [];
  for (const char of text) sizes.push(char.length);
  return sizes;
}

function partsNeeded(sizes: readonly number[], partSize: number): number {
  let parts = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > partSize) {
      parts++;
      used = 0;
    }
    used += size;
  }
  return parts;
}
