import { describe, expect, it } from 'vitest';
import { parseXml, XmlSyntaxError } from '../../src/xml/element-tree.js';

describe('XML element tree', () => {
  it('reads elements, attributes, decoded text and where each element starts', () => {
    const root = parseXml('<Response>\n  <Message src="1415" dst="1416">Fish &amp; chips</Message>\n</Response>');
    expect(root).toMatchObject({ name: 'Response', line: 1, column: 1 });
    expect(root.children).toHaveLength(1);
    expect(root.children[0]).toMatchObject({ name: 'Message', attributes: { src: '1415', dst: '1416' }, text: 'Fish & chips', line: 2, column: 3 });
  });

  it('names the line and column of a document that is not well-formed', () => {
    try {
      parseXml('<Response>\n  <Message>hi</Mesage>\n</Response>');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(XmlSyntaxError);
      expect((error as XmlSyntaxError).line).toBe(2);
      expect((error as XmlSyntaxError).message).toMatch(/^line 2, column \d+: /);
    }
  });

  it('refuses a DOCTYPE, so no entity the document declares is ever expanded', () => {
    expect(() => parseXml('<!DOCTYPE r [<!ENTITY x "boom">]><r>&x;</r>')).toThrow(XmlSyntaxError);
  });

  it('refuses an empty document', () => {
    expect(() => parseXml('')).toThrow(/root element/);
  });
});
