/**
 * The URL pieces the signature schemes care about, cut from the string as written.
 *
 * WHATWG `new URL()` is not used on purpose: it adds `/` to an empty path, re-encodes the query (`'` →
 * `%27`) and drops default ports, and every one of those changes a signature (plivo.md §6.2: "A URL with
 * empty path stays without slash"; laml.md §7.2: validators sign the URL "as configured").
 */
export interface UrlParts {
  /** `scheme://host[:port]` with any `user:pass@` removed, as Plivo rebuilds it (node-sdk security.js). */
  readonly origin: string;
  /** Path as written; '' when the URL has none. */
  readonly path: string;
  /** Query without its `?`; '' when absent or empty. */
  readonly query: string;
}

export function splitUrl(url: string): UrlParts {
  const schemeEnd = url.indexOf('://');
  // plivo-node's uri-parser falls back to http:// when no scheme is written.
  const scheme = schemeEnd === -1 ? 'http' : url.slice(0, schemeEnd);
  const authorityStart = schemeEnd === -1 ? 0 : schemeEnd + 3;
  const authorityEnd = endOfAuthority(url, authorityStart);
  const authority = url.slice(authorityStart, authorityEnd);
  const hostAndPort = authority.slice(authority.lastIndexOf('@') + 1);

  const hash = url.indexOf('#', authorityEnd);
  const end = hash === -1 ? url.length : hash;
  const question = url.indexOf('?', authorityEnd);
  const pathEnd = question === -1 || question > end ? end : question;
  return {
    origin: `${scheme}://${hostAndPort}`,
    path: url.slice(authorityEnd, pathEnd),
    query: pathEnd < end ? url.slice(pathEnd + 1, end) : '',
  };
}

/** Index of the first `/`, `?` or `#` after the authority starts, or the URL's length. */
export function endOfAuthority(url: string, from: number): number {
  for (let i = from; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23) return i;
  }
  return url.length;
}

/** One decoded `name=value` pair; repeated names give several pairs. */
export type Pair = readonly [name: string, value: string];

/**
 * Form-decodes a query string the way node's `querystring.parse` does (what plivo-node's V3 validator
 * uses): `&`-separated, empty pieces skipped, `+` is a space, a piece without `=` has the value ''.
 */
export function parseQuery(query: string): Pair[] {
  const pairs: Pair[] = [];
  if (query === '') return pairs;
  for (const piece of query.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    if (eq === -1) pairs.push([decodeFormComponent(piece), '']);
    else pairs.push([decodeFormComponent(piece.slice(0, eq)), decodeFormComponent(piece.slice(eq + 1))]);
  }
  return pairs;
}

export function decodeFormComponent(text: string): string {
  if (text.indexOf('%') === -1 && text.indexOf('+') === -1) return text;
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return decodeLeniently(spaced);
  }
}

/**
 * For malformed escapes (`100%`, a cut UTF-8 sequence) `querystring.unescape` decodes the valid `%XX`
 * bytes and keeps the rest as written; receivers' validators then sign that, so we must too.
 */
function decodeLeniently(text: string): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const codePoint = text.codePointAt(i) ?? 0;
      const char = String.fromCodePoint(codePoint);
      for (const byte of encoder.encode(char)) bytes.push(byte);
      i += char.length - 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Signature params: what a callback carries (strings), or what a receiver parsed (repeated keys as arrays). */
export type SignedParams = Readonly<Record<string, string | readonly string[]>>;

export function pairsOf(params: SignedParams): Pair[] {
  const pairs: Pair[] = [];
  for (const name of Object.keys(params)) {
    const value = params[name];
    if (typeof value === 'string') pairs.push([name, value]);
    else if (value) for (const item of value) pairs.push([name, item]);
  }
  return pairs;
}

/**
 * Sorts by name, then value, in UTF-16 code-unit order: what `Array.prototype.sort()` does in the
 * SDKs (plivo-node v3Security.js sorts keys, then each key's values). Uppercase before lowercase.
 */
export function sortPairs(pairs: Pair[]): Pair[] {
  return pairs.sort((a, b) => compareCodeUnits(a[0], b[0]) || compareCodeUnits(a[1], b[1]));
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
