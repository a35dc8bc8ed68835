import { parseXml, XmlSyntaxError, type XmlElement } from './element-tree.js';

/**
 * The `<Response>` of an app's answer to an inbound message, in either dialect: null for an empty
 * body (nothing to send), or why the body cannot be a reply, naming line and column.
 */
export function replyRoot(body: string): { readonly ok: true; readonly root: XmlElement | null } | { readonly ok: false; readonly reason: string } {
  if (body.trim() === '') return { ok: true, root: null };
  let root: XmlElement;
  try {
    root = parseXml(body);
  } catch (error) {
    if (error instanceof XmlSyntaxError) return { ok: false, reason: `the reply is not well-formed XML: ${error.message}` };
    throw error;
  }
  if (root.name !== 'Response') return { ok: false, reason: `line ${root.line}, column ${root.column}: the root element must be <Response>, not <${root.name}>` };
  return { ok: true, root };
}
