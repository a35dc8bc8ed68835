import { checkHttpUrl } from '../domain/http-url.js';
import { parseXml, XmlSyntaxError, type XmlElement } from './element-tree.js';

/**
 * Validation of a carrier's XML against its element reference, as data: which elements exist, what
 * each may hold, and the values its attributes take. Plivo XML and LaML each describe their elements
 * with these specs; the walk, the size cap and the line/column of every error are shared.
 */

export type XmlRule = 'too-large' | 'not-xml' | 'root' | 'unknown-element' | 'nesting' | 'attribute-value' | 'required' | 'body';

export interface XmlProblem {
  readonly rule: XmlRule;
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

export type CheckedXml = { readonly ok: true; readonly document: XmlElement; readonly warnings: readonly string[] } | { readonly ok: false; readonly error: XmlProblem };

/** A value's problem in words ("must be…"), or null when it is fine. */
export type Check = (value: string) => string | null;

/**
 * A value the carrier warns about and then ignores, using the attribute's default: the warning's
 * documented code goes with it onto the call's timeline.
 */
export interface Lenient {
  readonly check: Check;
  readonly warning: number;
}

export const lenient = (check: Check, warning: number): Lenient => ({ check, warning });

export interface ElementSpec {
  readonly children: readonly string[];
  readonly attributes: Readonly<Record<string, Check | Lenient>>;
  readonly required?: readonly string[];
  /** What the element's text must be, if anything. */
  readonly body?: Check;
  /** Children passed through unchecked (SSML inside a speech element). */
  readonly passThrough?: ReadonlySet<string>;
}

export interface XmlDialect {
  /** `Plivo XML`, `LaML`: how errors name the language. */
  readonly name: string;
  readonly maxBytes: number;
  readonly elements: Readonly<Record<string, ElementSpec>>;
  /**
   * What an element the dialect does not know becomes: an error (Plivo), or a warning and the element
   * is kept for the reader to skip (LaML's 13750, "not supported").
   */
  readonly unknownElements: 'error' | 'warn';
}

export const oneOf =
  (...allowed: string[]): Check =>
  (value) =>
    allowed.includes(value) ? null : `must be one of ${allowed.join(', ')}`;
export const bool: Check = oneOf('true', 'false');
export const method: Check = oneOf('GET', 'POST');
export const integer =
  (min: number, max: number): Check =>
  (value) =>
    /^-?\d+$/.test(value) && Number(value) >= min && Number(value) <= max ? null : `must be a whole number from ${min} to ${max}`;
export const absoluteUrl: Check = (value) => {
  const check = checkHttpUrl(value);
  if (check.ok) return null;
  return check.reason === 'not-absolute' ? 'must be an absolute URL' : 'must be an http or https URL';
};
export const text: Check = () => null;
export const nonEmpty: Check = (value) => (value.trim() ? null : 'must not be empty');
export const digits: Check = (value) => (/^[0-9*#wW]*$/.test(value) ? null : 'may hold only 0-9, *, #, w and W');

export function checkXml(body: string, dialect: XmlDialect): CheckedXml {
  const size = Buffer.byteLength(body, 'utf8');
  if (size > dialect.maxBytes) return fail('too-large', `the document is ${size} bytes; ${dialect.name} takes at most ${dialect.maxBytes}`, 1, 1);
  let root: XmlElement;
  try {
    root = parseXml(body);
  } catch (error) {
    if (error instanceof XmlSyntaxError) return fail('not-xml', `not well-formed XML: ${error.reason}`, error.line, error.column);
    throw error;
  }
  if (root.name !== 'Response') return fail('root', `the root element must be <Response>, not <${root.name}>`, root.line, root.column);
  const warnings: string[] = [];
  const error = check(root, dialect, warnings);
  return error ? { ok: false, error } : { ok: true, document: root, warnings };
}

function check(element: XmlElement, dialect: XmlDialect, warnings: string[]): XmlProblem | null {
  const spec = dialect.elements[element.name];
  if (!spec) return null;
  for (const [name, value] of Object.entries(element.attributes)) {
    const rule = spec.attributes[name];
    if (!rule) {
      warnings.push(`line ${element.line}, column ${element.column}: <${element.name}> has no documented attribute "${name}"; it is ignored`);
      continue;
    }
    if (typeof rule !== 'function') {
      const problem = rule.check(value);
      if (problem) warnings.push(`line ${element.line}, column ${element.column}: <${element.name} ${name}="${value}">: ${name} ${problem}; warning ${rule.warning}, the default is used`);
      continue;
    }
    const problem = rule(value);
    if (problem) return at(element, 'attribute-value', `<${element.name} ${name}="${value}">: ${name} ${problem}`);
  }
  for (const name of spec.required ?? []) {
    if (element.attributes[name] === undefined) return at(element, 'required', `<${element.name}> needs the ${name} attribute`);
  }
  if (spec.body) {
    const problem = spec.body(element.text.trim());
    if (problem) return at(element, 'body', `the text of <${element.name}> ${problem}`);
  }
  for (const child of element.children) {
    if (spec.passThrough?.has(child.name)) continue;
    if (!dialect.elements[child.name]) {
      if (dialect.unknownElements === 'error' || element.name !== 'Response') return at(child, 'unknown-element', `<${child.name}> is not a ${dialect.name} element`);
      warnings.push(`line ${child.line}, column ${child.column}: <${child.name}> is not a ${dialect.name} verb hookline knows; it is skipped`);
      continue;
    }
    if (!spec.children.includes(child.name)) {
      const allowed = spec.children.length > 0 ? `; it may hold ${spec.children.map((c) => `<${c}>`).join(', ')}` : '; it holds no elements';
      return at(child, 'nesting', `<${child.name}> cannot be inside <${element.name}>${allowed}`);
    }
    const inner = check(child, dialect, warnings);
    if (inner) return inner;
  }
  return null;
}

function at(element: XmlElement, rule: XmlRule, message: string): XmlProblem {
  return { rule, message: `line ${element.line}, column ${element.column}: ${message}`, line: element.line, column: element.column };
}

function fail(rule: XmlRule, message: string, line: number, column: number): CheckedXml {
  return { ok: false, error: { rule, message: `line ${line}, column ${column}: ${message}`, line, column } };
}
