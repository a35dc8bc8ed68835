import { SaxesParser } from 'saxes';

/** An XML element with where it starts, so validation errors can name the line and column. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Text directly inside the element, entities decoded, surrounding whitespace kept. */
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

export class XmlSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.name = 'XmlSyntaxError';
  }
}

interface Building {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
  line: number;
  column: number;
}

/**
 * Parse a whole document into its root element. Strict XML (saxes): anything not well-formed throws an
 * XmlSyntaxError naming where. No DTDs, no external entities: nothing the document says is fetched.
 */
export function parseXml(source: string): XmlElement {
  const parser = new SaxesParser({ position: true });
  const stack: Building[] = [];
  let root: XmlElement | null = null;
  let failure: XmlSyntaxError | null = null;

  parser.on('error', (error) => {
    failure ??= new XmlSyntaxError(error.message.replace(/^(?:[^:]*:)?\d+:\d+: /, ''), parser.line, parser.column);
  });
  parser.on('doctype', () => {
    failure ??= new XmlSyntaxError('a DOCTYPE is not allowed', parser.line, parser.column);
  });
  parser.on('opentagstart', (tag) => {
    stack.push({ name: tag.name, attributes: {}, children: [], text: '', line: parser.line, column: Math.max(1, parser.column - tag.name.length - 1) });
  });
  parser.on('attribute', (attribute) => {
    const current = stack[stack.length - 1];
    if (current) current.attributes[attribute.name] = attribute.value;
  });
  parser.on('text', (text) => {
    const current = stack[stack.length - 1];
    if (current) current.text += text;
  });
  parser.on('cdata', (text) => {
    const current = stack[stack.length - 1];
    if (current) current.text += text;
  });
  parser.on('closetag', () => {
    const done = stack.pop();
    if (!done) return;
    const element: XmlElement = { name: done.name, attributes: done.attributes, children: done.children, text: done.text, line: done.line, column: done.column };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else root = element;
  });

  try {
    parser.write(source).close();
  } catch (error) {
    failure ??= new XmlSyntaxError((error as Error).message, parser.line, parser.column);
  }
  if (failure) throw failure;
  if (!root) throw new XmlSyntaxError('the document has no root element', parser.line, parser.column);
  return root;
}
