import { describe, expect, it } from 'vitest';
import { clockTime } from '../../web/src/format.js';

describe("the inspector's clock times", () => {
  it('shows the local time of day on a 24-hour clock with milliseconds', () => {
    const at = new Date(2026, 11, 3, 18, 21, 31, 7).getTime();
    expect(clockTime(at)).toBe('18:21:31.007');
  });

  it('shows midnight as 00, not 24', () => {
    expect(clockTime(new Date(2026, 11, 3, 0, 5, 9, 120).getTime())).toBe('00:05:09.120');
  });

  it('shows a dash for a time that is not one', () => {
    expect(clockTime(Number.NaN)).toBe('—');
  });
});
