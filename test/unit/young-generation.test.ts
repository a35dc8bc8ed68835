import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { YOUNG_GENERATION_FLAG, youngGenerationSized } from '../../src/runtime/young-generation.js';

const scripts = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('the young generation the engine runs with', () => {
  it('is set by npm start and by the bench, which measures the engine as npm start runs it', () => {
    expect(scripts.start).toMatch(new RegExp(`^node ${YOUNG_GENERATION_FLAG} dist/cli/main\\.js serve$`));
    expect(scripts.bench?.split(' ')).toContain(YOUNG_GENERATION_FLAG);
  });

  it('counts as sized when given on the command line, in either spelling, or in NODE_OPTIONS', () => {
    expect(youngGenerationSized([YOUNG_GENERATION_FLAG], undefined)).toBe(true);
    expect(youngGenerationSized(['--max-semi-space-size', '32'], undefined)).toBe(true);
    expect(youngGenerationSized([], '--enable-source-maps --max-semi-space-size=128')).toBe(true);
  });

  it('does not count other flags that merely start alike, or no flags at all', () => {
    expect(youngGenerationSized(['--expose-gc', '--max-old-space-size=4096'], '--max-semi-space-sizes=1')).toBe(false);
    expect(youngGenerationSized([], undefined)).toBe(false);
  });
});
