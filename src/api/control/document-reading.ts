import type { Attempt, Delivery } from '../../domain/delivery.js';
import type { XmlElement } from '../../xml/element-tree.js';
import type { CheckedXml, XmlProblem } from '../../xml/element-specs.js';
import { parseLaml } from '../../xml/laml-xml.js';
import { parsePlivoXml } from '../../xml/plivo-xml.js';

/** An element of a document as the call engine read it, with where it stands in the body. */
export interface DocumentElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** The element's own text, trimmed ('' when it holds only elements). */
  readonly text: string;
  readonly line: number;
  readonly column: number;
  readonly children: DocumentElement[];
}

/** What the dialect's parser made of a document body: its elements, or the rule it broke and where. */
export type DocumentReading =
  | { readonly ok: true; readonly dialect: string; readonly root: DocumentElement; readonly warnings: string[] }
  | { readonly ok: false; readonly dialect: string; readonly error: XmlProblem };

/**
 * The XML parsers the call engine runs on documents, by the delivery's dialect. These are the same
 * checks that decided the call's fate (`readPlivoDocument`, `readLamlDocument` start with them), so
 * the inspector shows the engine's verdict rather than a browser's opinion of the XML.
 */
const DOCUMENT_PARSERS: Partial<Record<Delivery['dialect'], { readonly name: string; readonly parse: (body: string) => CheckedXml }>> = {
  plivo: { name: 'Plivo XML', parse: parsePlivoXml },
  laml: { name: 'LaML', parse: parseLaml },
};

/** Audio fetches (`plivo-audio`) are document deliveries too, but their bodies are sound, not XML. */
const XML_DOCUMENT_PROFILES: ReadonlySet<string> = new Set(['plivo-voice', 'laml-document']);

function elementOf(element: XmlElement): DocumentElement {
  return {
    name: element.name,
    attributes: element.attributes,
    text: element.text.trim(),
    line: element.line,
    column: element.column,
    children: element.children.map(elementOf),
  };
}

/**
 * How the document an attempt received reads, or null when there is nothing to read: not a document
 * callback, no 2xx answer, or a body cut short by the attempt body limit (which would read as broken
 * XML although the engine saw it whole).
 */
export function documentReadingOf(delivery: Delivery, attempt: Attempt): DocumentReading | null {
  const parser = DOCUMENT_PARSERS[delivery.dialect];
  const response = attempt.response;
  if (delivery.kind !== 'document' || !parser || !XML_DOCUMENT_PROFILES.has(delivery.policy.profile)) return null;
  if (!response || response.status < 200 || response.status > 299 || response.bodyTruncated) return null;
  const checked = parser.parse(response.body);
  if (!checked.ok) return { ok: false, dialect: parser.name, error: checked.error };
  return { ok: true, dialect: parser.name, root: elementOf(checked.document), warnings: [...checked.warnings] };
}
