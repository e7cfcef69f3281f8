/**
 * `--tick`/`--lot` are checked while flags are parsed, without loading the engine: the check must
 * accept exactly the steps the engine's ledger takes (`decimalsOf` does not throw on them).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalsOf } from '../../src/engine/index.ts';
import { decimalPlaces, stepOption } from '../../src/cli/options.ts';

const engineTakes = (n: number): boolean => {
  try {
    decimalsOf(n);
    return true;
  } catch {
    return false;
  }
};

const accepted = (n: number): boolean => {
  try {
    stepOption(String(n));
    return true;
  } catch {
    return false;
  }
};

describe('stepOption', () => {
  it('accepts a positive step exactly when the engine takes it', () => {
    const steps = fc.oneof(
      fc.double({ min: Number.MIN_VALUE, max: 1e30, noNaN: true }),
      fc.tuple(fc.integer({ min: 1, max: 99_999 }), fc.integer({ min: 0, max: 24 })).map(([m, k]) => Number(`${m}e-${k}`)),
    );
    fc.assert(
      fc.property(steps, (n) => {
        expect(accepted(n)).toBe(engineTakes(n));
        if (engineTakes(n)) expect(decimalPlaces(n)).toBe(decimalsOf(n));
      }),
      { numRuns: 5000 },
    );
  });

  it('words the refusal', () => {
    expect(() => stepOption('1e-19')).toThrow('at most 18 decimals');
    expect(stepOption('0.01')).toBe(0.01);
    expect(stepOption('1.5e-17')).toBe(1.5e-17);
  });
});
