import { describe, expect, it } from 'vitest';
import { segmentSms } from '../../src/domain/sms-segments.js';

describe('SMS segmentation (units)', () => {
  it('fits 160 GSM characters in one SMS and splits the 161st into two parts of at most 153', () => {
    expect(segmentSms('a'.repeat(160))).toEqual({ encoding: 'GSM', length: 160, units: 1 });
    expect(segmentSms('a'.repeat(161))).toEqual({ encoding: 'GSM', length: 161, units: 2 });
    expect(segmentSms('a'.repeat(306)).units).toBe(2);
    expect(segmentSms('a'.repeat(307)).units).toBe(3);
  });

  it('counts an empty text as one unit', () => {
    expect(segmentSms('')).toEqual({ encoding: 'GSM', length: 0, units: 1 });
  });

  it('keeps the GSM accented letters, Greek capitals and symbols of the basic table in 7-bit', () => {
    const basic = '@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&\'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà\n\r';
    expect(segmentSms(basic)).toMatchObject({ encoding: 'GSM', length: [...basic].length });
  });

  it('counts each extension-table character as two septets', () => {
    expect(segmentSms('€^{}\\[~]|\f')).toEqual({ encoding: 'GSM', length: 20, units: 1 });
    // 159 + 2 = 161 septets: no longer one SMS.
    expect(segmentSms(`${'a'.repeat(159)}€`)).toMatchObject({ length: 161, units: 2 });
  });

  it('never splits an escape pair across parts', () => {
    // 152 septets then a two-septet character: it does not fit the first part's last slot.
    const text = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    expect(segmentSms(text)).toMatchObject({ length: 306, units: 3 });
    expect(segmentSms(`${'a'.repeat(151)}€${'a'.repeat(153)}`)).toMatchObject({ length: 306, units: 2 });
  });

  it('switches the whole text to UCS-2 for one character outside GSM: 70 in one SMS, 67 per part', () => {
    expect(segmentSms(`${'a'.repeat(69)}ç`)).toEqual({ encoding: 'UCS-2', length: 70, units: 1 });
    expect(segmentSms(`${'a'.repeat(70)}ç`)).toEqual({ encoding: 'UCS-2', length: 71, units: 2 });
    expect(segmentSms('ç'.repeat(134)).units).toBe(2);
    expect(segmentSms('ç'.repeat(135)).units).toBe(3);
    // A backtick is not in either GSM table.
    expect(segmentSms('`').encoding).toBe('UCS-2');
  });

  it('counts an emoji as two UTF-16 code units and keeps the pair in one part', () => {
    expect(segmentSms('😀')).toEqual({ encoding: 'UCS-2', length: 2, units: 1 });
    expect(segmentSms(`${'a'.repeat(66)}😀${'a'.repeat(66)}`)).toMatchObject({ length: 134, units: 3 });
  });
});
