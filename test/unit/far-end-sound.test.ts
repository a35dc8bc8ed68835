import { describe, expect, it } from 'vitest';
import { answerSounds, beepHeardAt, beepSound, silenceHeardAt, type Sound } from '../../src/domain/far-end-sound.js';

const voice = (startMs: number, endMs: number): Sound => ({ startMs, endMs, beep: false });

describe('what the call hears from the far end', () => {
  it('greets when a person answers an outbound call; a machine greets longer, then beeps; a caller says nothing', () => {
    const person = { outcome: 'answer', ringMs: 2_000, machine: false } as const;
    expect(answerSounds(person, 'outbound', 1_000)).toEqual([voice(1_000, 2_500)]);
    expect(answerSounds({ ...person, machine: true }, 'outbound', 1_000)).toEqual([voice(1_000, 9_000), beepSound(9_000)]);
    expect(answerSounds({ ...person, machine: true, greetingMs: 0 }, 'outbound', 1_000)).toEqual([beepSound(1_000)]);
    expect(answerSounds(person, 'inbound', 1_000)).toEqual([]);
  });

  it('hears the first beep still playing after the Wait starts, and no beep at all when there is none', () => {
    expect(beepHeardAt([beepSound(1_000), beepSound(5_000)], 1_200)).toBe(1_500);
    expect(beepHeardAt([beepSound(1_000)], 1_500)).toBeNull();
    expect(beepHeardAt([voice(0, 9_000)], 0)).toBeNull();
  });

  it('hears minSilence of quiet only once sound still playing, or starting too soon, is over', () => {
    expect(silenceHeardAt([], 1_000, 2_000)).toBe(3_000);
    expect(silenceHeardAt([voice(0, 1_500)], 1_000, 2_000)).toBe(3_500);
    expect(silenceHeardAt([voice(2_000, 2_400), voice(4_000, 4_100)], 1_000, 2_000)).toBe(6_100);
    expect(silenceHeardAt([voice(5_000, 6_000)], 1_000, 2_000)).toBe(3_000);
  });
});
