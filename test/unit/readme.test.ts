import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('the README', () => {
  it('shows a picture of the call view, committed as a PNG', () => {
    const image = /!\[[^\]]*call view[^\]]*\]\((docs\/images\/call-view\.png)\)/i.exec(README)?.[1];
    expect(image).toBe('docs/images/call-view.png');
    const bytes = readFileSync(new URL(`../../${image}`, import.meta.url));
    expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });

  it('says where the inspector lives', () => {
    expect(README).toContain('The inspector at <http://127.0.0.1:4080/>');
  });
});
