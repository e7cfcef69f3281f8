import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UserError } from '../../../src/cli/errors.ts';
import { expandGrid, gridSize, parseAxes, parseAxis, samplePoints } from '../../../src/cli/sweep/grid.ts';
import smaCross from '../../../strategies/sma-cross.ts';

describe('sweep grid', () => {
  it('reads lists and stepped ranges (both ends included, steps printed as decimals)', () => {
    expect(parseAxis('fast=5,10, 20', smaCross)).toEqual({ name: 'fast', kind: 'list', values: [5, 10, 20] });
    expect(parseAxis('fast=5,x', smaCross)).toMatchObject({ values: ['5', 'x'] }); // the strategy says what is wrong with x
    expect(parseAxis('fast=5..20:5', smaCross)).toEqual({ name: 'fast', kind: 'list', values: [5, 10, 15, 20] });
    expect(parseAxis('size=0.1..0.5:0.1', smaCross)).toEqual({ name: 'size', kind: 'list', values: [0.1, 0.2, 0.3, 0.4, 0.5] });
    expect(parseAxis('fast=5..19:5', smaCross)).toMatchObject({ values: [5, 10, 15] });
    expect(parseAxis('size=0.01..0.05', smaCross)).toEqual({ name: 'size', kind: 'span', lo: 0.01, hi: 0.05, whole: false });
    expect(parseAxis('fast=2..9', smaCross)).toMatchObject({ kind: 'span', whole: true });
  });

  it('expands the cartesian product, the first flag slowest', () => {
    const axes = parseAxes(['fast=5,10', 'slow=20..40:10'], smaCross);
    expect(gridSize(axes)).toBe(6);
    expect(expandGrid(axes)).toEqual([
      { fast: 5, slow: 20 },
      { fast: 5, slow: 30 },
      { fast: 5, slow: 40 },
      { fast: 10, slow: 20 },
      { fast: 10, slow: 30 },
      { fast: 10, slow: 40 },
    ]);
  });

  it('samples distinct grid points with a seed: the same seed the same sample', () => {
    const axes = parseAxes(['fast=1..40:1', 'slow=50..100:1'], smaCross);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), (n, seed) => {
        const a = samplePoints(axes, n, seed);
        expect(a).toHaveLength(n);
        expect(new Set(a.map((p) => JSON.stringify(p))).size).toBe(n);
        expect(samplePoints(axes, n, seed)).toEqual(a);
        const all = new Set(expandGrid(axes).map((p) => JSON.stringify(p)));
        for (const p of a) expect(all.has(JSON.stringify(p))).toBe(true);
      }),
      { numRuns: 30 },
    );
    expect(samplePoints(axes, 5, 1)).not.toEqual(samplePoints(axes, 5, 2));
    expect(samplePoints(parseAxes(['fast=1,2'], smaCross), 10, 1)).toHaveLength(2); // no more than the grid has
  });

  it('draws from unstepped ranges: whole numbers for a whole-number parameter, within the range', () => {
    const pts = samplePoints(parseAxes(['fast=2..9', 'size=0.01..0.05'], smaCross), 50, 3);
    expect(pts).toHaveLength(50);
    for (const p of pts) {
      expect(Number.isInteger(p['fast'])).toBe(true);
      expect(p['fast']).toBeGreaterThanOrEqual(2);
      expect(p['fast']).toBeLessThanOrEqual(9);
      expect(p['size']).toBeGreaterThanOrEqual(0.01);
      expect(p['size']).toBeLessThanOrEqual(0.05);
    }
    expect(() => expandGrid(parseAxes(['size=0.01..0.05'], smaCross))).toThrow(/only drawn from: add :step, or --random N/);
  });

  it('refuses bad axes with a message naming what to write', () => {
    const msg = (f: () => unknown): string => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(UserError);
        return (err as Error).message;
      }
      throw new Error('did not throw');
    };
    expect(msg(() => parseAxis('speed=1,2', smaCross))).toMatch(/strategy sma-cross has no parameter "speed"; its parameters are: fast \(default 10\), slow \(default 30\), size \(default 0.01\)/);
    expect(msg(() => parseAxis('fast=', smaCross))).toMatch(/no values: a grid with no points/);
    expect(msg(() => parseAxis('fast=20..10:5', smaCross))).toMatch(/the range is empty \(10 < 20\): a grid with no points/);
    expect(msg(() => parseAxis('fast=5..x:1', smaCross))).toMatch(/malformed range; write lo..hi:step/);
    expect(msg(() => parseAxis('fast=5..10:0', smaCross))).toMatch(/the step must be > 0/);
    expect(msg(() => parseAxis('fast=5..10:abc', smaCross))).toMatch(/the range's step "abc" is not a number/);
    expect(msg(() => parseAxis('fast', smaCross))).toMatch(/expected name=v1,v2/);
    expect(msg(() => parseAxes([], smaCross))).toMatch(/needs at least one --param/);
    expect(msg(() => parseAxes(['fast=1', 'fast=2'], smaCross))).toMatch(/given twice/);
  });
});
