import { describe, expect, it } from 'vitest';
import { fmtBps, fmtClock, fmtDuration, fmtFixed, fmtMoney, fmtMs, fmtOffset, fmtPrice, fmtQty, fmtRate, fmtSigned, oneLine, truncate, wrapWords } from '../../src/workstation/format.ts';

describe('format', () => {
  it('prices keep a readable number of decimals for their magnitude', () => {
    expect(fmtPrice(96_120.5)).toBe('96,120.5');
    expect(fmtPrice(143.257)).toBe('143.26');
    expect(fmtPrice(1.14182)).toBe('1.1418');
    expect(fmtPrice(0.0523121)).toBe('0.052312');
    expect(fmtPrice(undefined)).toBe('');
  });

  it('sizes drop trailing zeros and keep their sign', () => {
    expect(fmtQty(0.25)).toBe('0.25');
    expect(fmtQty(-1500)).toBe('-1,500');
    expect(fmtQty(0.00012)).toBe('0.00012');
    expect(fmtQty(2)).toBe('2');
  });

  it('money is signed and never shows -0.00', () => {
    expect(fmtSigned(123.456)).toBe('+123.46');
    expect(fmtSigned(-12.3)).toBe('-12.30');
    expect(fmtSigned(0)).toBe('0.00');
    expect(fmtSigned(-0.001)).toBe('0.00');
    expect(fmtFixed(Number.NaN, 2)).toBe('n/a');
  });

  it('rates, bps, latencies and offsets', () => {
    expect(fmtRate(0.0001)).toBe('+0.0100%');
    expect(fmtRate(-0.000075)).toBe('-0.0075%');
    expect(fmtRate(undefined)).toBe('n/a');
    expect(fmtBps(1.83)).toBe('+1.8');
    expect(fmtBps(-0.04)).toBe('0.0');
    expect(fmtMs(3.24)).toBe('3.2');
    expect(fmtMs(121.3)).toBe('121');
    expect(fmtMs(4200)).toBe('4,200');
    expect(fmtMs(12_500)).toBe('12.5s');
    expect(fmtOffset(12.4)).toBe('+12ms');
    expect(fmtOffset(-1340)).toBe('-1.3s');
  });

  it('times are UTC and durations coarse', () => {
    expect(fmtClock(Date.UTC(2024, 11, 12, 13, 41, 7))).toBe('13:41:07');
    expect(fmtDuration(45_000)).toBe('45s');
    expect(fmtDuration(125_000)).toBe('2m05s');
    expect(fmtDuration(8_333_000)).toBe('2h18m');
    expect(fmtDuration(-5)).toBe('0s');
    expect(fmtDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d04h');
  });

  it('money, signed money and prices: zero, NaN and undefined (the CLI status uses these too)', () => {
    expect(fmtMoney(0)).toBe('0.00');
    expect(fmtMoney(-0.001)).toBe('0.00');
    expect(fmtMoney(-1234.5)).toBe('-1,234.50');
    expect(fmtMoney(Number.NaN)).toBe('n/a');
    expect(fmtSigned(0)).toBe('0.00');
    expect(fmtSigned(0.004)).toBe('0.00');
    expect(fmtSigned(12.3)).toBe('+12.30');
    expect(fmtSigned(Number.NaN)).toBe('n/a');
    expect(fmtPrice(undefined)).toBe('');
    expect(fmtPrice(0)).toBe('0.000000');
    expect(fmtPrice(Number.NaN)).toBe('n/a');
  });

  it('truncates at either end and removes control characters', () => {
    expect(truncate('P-sma-cross-000141', 10, 'start')).toBe('…ss-000141');
    expect(truncate('venue shows -2,000', 8)).toBe('venue s…');
    expect(truncate('short', 10)).toBe('short');
    // At width 1 the mark of the cut wins over a lone first character ("1" would read as a value).
    expect(truncate('1,250', 1)).toBe('…');
    expect(truncate('1,250', 1, 'start')).toBe('…');
    expect(truncate('x', 1)).toBe('x');
    expect(truncate('abc', 0)).toBe('');
    expect(oneLine('a\nb\u001b[31mc')).toBe('a b [31mc');
  });

  it('wraps words to a width, cutting words longer than a line', () => {
    expect(wrapWords('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapWords('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapWords('', 10)).toEqual([]);
  });
});
