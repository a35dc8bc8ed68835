export type XmlView = { ok: true; pretty: string } | { ok: false; error: string };

function looksLikeXml(body: string, contentType: string | undefined): boolean {
  if (contentType !== undefined && /xml/i.test(contentType)) return true;
  return /^\s*</.test(body);
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}

function printElement(element: Element, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth);
  const attributes = Array.from(element.attributes, (a) => ` ${a.name}="${escapeAttribute(a.value)}"`).join('');
  const children = Array.from(element.childNodes).filter((node) => node.nodeType !== Node.TEXT_NODE || node.textContent?.trim());
  // CDATA keeps its markers: what a <Speak> said must read exactly as the app sent it.
  const textOf = (node: ChildNode): string =>
    node.nodeType === Node.CDATA_SECTION_NODE ? `<![CDATA[${node.textContent ?? ''}]]>` : escapeText(node.textContent?.trim() ?? '');
  if (children.length === 0) {
    lines.push(`${indent}<${element.tagName}${attributes}/>`);
    return;
  }
  const only = children[0];
  if (children.length === 1 && only && (only.nodeType === Node.TEXT_NODE || only.nodeType === Node.CDATA_SECTION_NODE)) {
    lines.push(`${indent}<${element.tagName}${attributes}>${textOf(only)}</${element.tagName}>`);
    return;
  }
  lines.push(`${indent}<${element.tagName}${attributes}>`);
  for (const child of children) {
    if (child.nodeType === Node.ELEMENT_NODE) printElement(child as Element, depth + 1, lines);
    else if (child.nodeType === Node.TEXT_NODE || child.nodeType === Node.CDATA_SECTION_NODE) lines.push(`${indent}  ${textOf(child)}`);
    else if (child.nodeType === Node.COMMENT_NODE) lines.push(`${indent}  <!--${child.textContent ?? ''}-->`);
  }
  lines.push(`${indent}</${element.tagName}>`);
}

/**
 * An XML response body indented for reading, or the browser parser's complaint; null when the body is
 * not XML at all. Display only: hookline's own XML reader judges documents on the server.
 */
export function prettyXml(body: string, contentType?: string): XmlView | null {
  if (!looksLikeXml(body, contentType)) return null;
  const document = new DOMParser().parseFromString(body, 'application/xml');
  const error = document.getElementsByTagName('parsererror')[0];
  if (error) return { ok: false, error: error.textContent?.trim() || 'not well-formed XML' };
  const lines: string[] = [];
  printElement(document.documentElement, 0, lines);
  return { ok: true, pretty: lines.join('\n') };
}
