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
  /** The carrier's own error code for this problem, when it documents one apart from "invalid document". */
  readonly code?: number;
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

/** A value the carrier refuses with an error code of its own, not its generic "invalid document" one. */
export interface Coded {
  readonly check: Check;
  readonly error: number;
}

export const coded = (check: Check, error: number): Coded => ({ check, error });

/** Why the carrier warns about an element and then leaves it out, with the warning's documented code. */
export interface Skip {
  readonly warning: number;
  readonly problem: string;
}

/** A warning found once an element's children are checked: a child to leave out, or the element itself to flag. */
export interface Tidy extends Skip {
  readonly element: XmlElement;
}

export interface ElementSpec {
  readonly children: readonly string[];
  readonly attributes: Readonly<Record<string, Check | Lenient | Coded>>;
  readonly required?: readonly string[];
  /** What the element's text must be, if anything; a lenient body is warned about and read as empty. */
  readonly body?: Check | Lenient;
  /** When the element is warned about and left out rather than refused (LaML's 14204, 13223…). */
  readonly skip?: (element: XmlElement) => Skip | null;
  /** The warning a child this element may not hold is left out with, rather than refused (LaML's 13215). */
  readonly strayChildren?: number;
  /** Warnings on how the kept children combine (LaML's 13000): a child named is left out. */
  readonly tidy?: (element: XmlElement) => readonly Tidy[];
  /** Children passed through unchecked (SSML inside a speech element). */
  readonly passThrough?: ReadonlySet<string>;
}

export interface XmlDialect {
  /** `Plivo XML`, `LaML`: how errors name the language. */
  readonly name: string;
  readonly maxBytes: number;
  readonly elements: Readonly<Record<string, ElementSpec>>;
  /**
   * What an element the dialect does not know becomes: an error (Plivo), or a warning with its code and
   * the element is kept for the reader to skip (LaML's 13750, "not supported").
   */
  readonly unknownElements: 'error' | { readonly warning: number };
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
  const checked = check(root, dialect, warnings);
  if (checked && 'rule' in checked) return { ok: false, error: checked };
  // <Response> itself is never skipped.
  return { ok: true, document: checked ?? { ...root, children: [] }, warnings };
}

const SKIPPED = null;

/** The element as it runs (children warned about left out), SKIPPED, or what makes the document invalid. */
function check(element: XmlElement, dialect: XmlDialect, warnings: string[]): XmlProblem | XmlElement | typeof SKIPPED {
  const spec = dialect.elements[element.name];
  if (!spec) return element;
  const skip = spec.skip?.(element);
  if (skip) {
    warnings.push(skipped(element, skip));
    return SKIPPED;
  }
  const invalid = checkAttributes(element, spec, warnings) ?? missingAttribute(element, spec);
  if (invalid) return invalid;
  const text = checkText(element, spec, warnings);
  if (typeof text !== 'string') return text;
  const children = checkChildren(element, spec, dialect, warnings);
  if (!Array.isArray(children)) return children;
  return tidy({ ...element, text, children }, spec, warnings);
}

function checkAttributes(element: XmlElement, spec: ElementSpec, warnings: string[]): XmlProblem | null {
  for (const [name, value] of Object.entries(element.attributes)) {
    const rule = spec.attributes[name];
    if (!rule) {
      warnings.push(`${where(element)}: <${element.name}> has no documented attribute "${name}"; it is ignored`);
      continue;
    }
    const problem = problemOf(rule, value);
    if (!problem) continue;
    const said = `<${element.name} ${name}="${value}">: ${name} ${problem}`;
    if (typeof rule === 'function') return at(element, 'attribute-value', said);
    if ('error' in rule) return { ...at(element, 'attribute-value', `${said} (error ${rule.error})`), code: rule.error };
    warnings.push(`${where(element)}: ${said}; warning ${rule.warning}, the default is used`);
  }
  return null;
}

function missingAttribute(element: XmlElement, spec: ElementSpec): XmlProblem | null {
  const missing = (spec.required ?? []).find((name) => element.attributes[name] === undefined);
  return missing ? at(element, 'required', `<${element.name}> needs the ${missing} attribute`) : null;
}

/** The element's text as it runs: a lenient body's problem is warned of and the text read as empty. */
function checkText(element: XmlElement, spec: ElementSpec, warnings: string[]): string | XmlProblem {
  const rule = spec.body;
  if (!rule) return element.text;
  const problem = problemOf(rule, element.text.trim());
  if (!problem) return element.text;
  if (typeof rule === 'function') return at(element, 'body', `the text of <${element.name}> ${problem}`);
  warnings.push(`${where(element)}: the text of <${element.name}> ${problem}; warning ${rule.warning}, it is ignored`);
  return '';
}

function checkChildren(element: XmlElement, spec: ElementSpec, dialect: XmlDialect, warnings: string[]): XmlElement[] | XmlProblem {
  const children: XmlElement[] = [];
  for (const child of element.children) {
    if (spec.passThrough?.has(child.name)) {
      children.push(child);
      continue;
    }
    const known = dialect.elements[child.name] !== undefined;
    if ((!known || !spec.children.includes(child.name)) && spec.strayChildren !== undefined) {
      warnings.push(skipped(child, { warning: spec.strayChildren, problem: `cannot be inside <${element.name}>` }));
      continue;
    }
    if (!known) {
      if (dialect.unknownElements === 'error' || element.name !== 'Response') return at(child, 'unknown-element', `<${child.name}> is not a ${dialect.name} element`);
      warnings.push(skipped(child, { warning: dialect.unknownElements.warning, problem: `is not a ${dialect.name} verb hookline knows` }));
      // Kept for the reader, which notes it as not simulated.
      children.push(child);
      continue;
    }
    if (!spec.children.includes(child.name)) {
      const allowed = spec.children.length > 0 ? `; it may hold ${spec.children.map((c) => `<${c}>`).join(', ')}` : '; it holds no elements';
      return at(child, 'nesting', `<${child.name}> cannot be inside <${element.name}>${allowed}`);
    }
    const inner = check(child, dialect, warnings);
    if (inner && 'rule' in inner) return inner;
    if (inner) children.push(inner);
  }
  return children;
}

/** The spec's warnings on how the kept children combine; the children they name are left out. */
function tidy(kept: XmlElement, spec: ElementSpec, warnings: string[]): XmlElement {
  const found = spec.tidy?.(kept) ?? [];
  for (const finding of found) warnings.push(finding.element === kept ? `${where(kept)}: <${kept.name}> ${finding.problem}; warning ${finding.warning}` : skipped(finding.element, finding));
  const dropped = new Set(found.map((finding) => finding.element));
  return dropped.size === 0 ? kept : { ...kept, children: kept.children.filter((child) => !dropped.has(child)) };
}

/** What a rule, plain or with a code, finds wrong with a value. */
function problemOf(rule: Check | Lenient | Coded, value: string): string | null {
  return typeof rule === 'function' ? rule(value) : rule.check(value);
}

const where = (element: XmlElement): string => `line ${element.line}, column ${element.column}`;

function skipped(element: XmlElement, skip: Skip): string {
  return `${where(element)}: <${element.name}> ${skip.problem}; warning ${skip.warning}, it is skipped`;
}

function at(element: XmlElement, rule: XmlRule, message: string): XmlProblem {
  return { rule, message: `${where(element)}: ${message}`, line: element.line, column: element.column };
}

function fail(rule: XmlRule, message: string, line: number, column: number): CheckedXml {
  return { ok: false, error: { rule, message: `line ${line}, column ${column}: ${message}`, line, column } };
}
