/** The expectation band's block bootstrap (src/workstation/band.ts): deterministic, and where the live result falls. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockBootstrap } from '../../src/workstation/band.ts';

const trades = fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 60 });

describe('blockBootstrap', () => {
  it('the same trades and seed give the same band; the band lies within the sums that are possible', () => {
    fc.assert(
      fc.property(trades, fc.integer({ min: 0, max: 2 ** 31 }), (xs, seed) => {
        const a = blockBootstrap(xs, 0, seed, 300);
        expect(blockBootstrap(xs, 0, seed, 300)).toEqual(a);
        const n = xs.length;
        const lo = n * Math.min(...xs);
        const hi = n * Math.max(...xs);
        expect(a.low).toBeLessThanOrEqual(a.high);
        expect(a.low).toBeGreaterThanOrEqual(lo - 1e-6);
        expect(a.high).toBeLessThanOrEqual(hi + 1e-6);
        // Beyond every possible sum: percentile 100 and outside; below all: 0 and outside.
        expect(blockBootstrap(xs, hi + 1, seed, 300)).toMatchObject({ percentile: 100, within: false });
        expect(blockBootstrap(xs, lo - 1, seed, 300)).toMatchObject({ percentile: 0, within: false });
      }),
      { numRuns: 50 },
    );
  });

  it('trades all alike: the band is their sum, and that sum is within it', () => {
    const b = blockBootstrap([2, 2, 2, 2], 8, 1);
    expect(b).toMatchObject({ low: 8, high: 8, within: true, percentile: 100, trades: 4, block: 2 });
  });

  it('no replay trades: nothing to resample, said as null', () => {
    expect(blockBootstrap([], 5, 1)).toMatchObject({ percentile: null, within: null, trades: 0 });
  });
});
