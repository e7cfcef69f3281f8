/**
 * The pure parts of calibration: least squares recovers the coefficients it is given, the
 * slippage fit never goes negative, and the empirical latency draws only recorded samples, in
 * their proportions, the same for the same seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitSlippage, leastSquares, quantile } from '../../src/cli/calibrate/fit.ts';
import { createRng } from '../../src/engine/index.ts';
import { sampleLatency } from '../../src/paper/index.ts';

describe('calibration fits', () => {
  it('least squares recovers a line exactly, and a noisy one within its noise', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 20, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 3, maxLength: 40 }),
        (a, b, xs) => {
          fc.pre(Math.max(...xs) - Math.min(...xs) > 0.5);
          const fit = leastSquares(
            xs,
            xs.map((x) => a + b * x),
          );
          expect(fit).toBeDefined();
          expect(fit?.a).toBeCloseTo(a, 6);
          expect(fit?.b).toBeCloseTo(b, 6);
        },
      ),
    );
    const rng = createRng(7);
    const xs = Array.from({ length: 400 }, (_, i) => i / 40);
    const fit = leastSquares(
      xs,
      xs.map((x) => 1.5 + 0.8 * x + 0.2 * rng.normal()),
    );
    expect(fit?.a).toBeCloseTo(1.5, 1);
    expect(fit?.b).toBeCloseTo(0.8, 1);
    expect(fit?.r2).toBeGreaterThan(0.9);
  });

  it('no spread in x: undefined; the slippage fit then takes the mean, impact 0', () => {
    expect(leastSquares([2, 2, 2], [1, 2, 3])).toBeUndefined();
    expect(fitSlippage([2, 2, 2], [1, 2, 3])).toMatchObject({ n: 3, fixedBps: 2, impact: 0, note: expect.stringMatching(/too alike/) as unknown });
  });

  it('never a negative impact or constant: refitted as a constant (and a constant >= 0)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true })), { minLength: 1, maxLength: 30 }), (pts) => {
        const f = fitSlippage(
          pts.map((p) => p[0]),
          pts.map((p) => p[1]),
        );
        expect(f?.fixedBps).toBeGreaterThanOrEqual(0);
        expect(f?.impact).toBeGreaterThanOrEqual(0);
      }),
    );
    expect(fitSlippage([0, 1, 2, 3], [4, 3, 2, 1])).toMatchObject({ impact: 0, fixedBps: 2.5, note: expect.stringMatching(/impact came out negative/) as unknown });
  });

  it('the empirical latency draws recorded samples only, in their proportions, the same for a seed', () => {
    const model = { kind: 'empirical', samplesMs: [10, 10, 10, 400] } as const;
    const draw = (seed: number): number[] => {
      const rng = createRng(seed);
      return Array.from({ length: 4000 }, () => sampleLatency(model, rng));
    };
    const a = draw(3);
    expect(draw(3)).toEqual(a);
    expect(new Set(a)).toEqual(new Set([10, 400]));
    const share = a.filter((x) => x === 400).length / a.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
  });
});
