/**
 * The account reads a fill's fee back as a number; for the fee feeFor gave last it takes the
 * number from the integer product instead of parsing the string. It must be the double Number()
 * gives for that string, for every price, size, rate and grid.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInstrument, symbol } from '../../src/engine/index.ts';
import { feeFor, feeNumber } from '../../src/paper/models.ts';

describe('fee as a number', () => {
  it('property: feeNumber(feeFor(...)) is Number(feeFor(...)), bit for bit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: -50, max: 100 }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom<'maker' | 'taker'>('maker', 'taker'),
        (pd, qd, pxSteps, qtySteps, rateUnits, rateScale, liquidity) => {
          const tick = Number(`1e-${pd}`);
          const lot = Number(`1e-${qd}`);
          const inst = makeInstrument({ symbol: symbol('BTCUSDT'), tickSize: tick, lotSize: lot });
          const price = Number((pxSteps * tick).toFixed(pd));
          const qty = Number((qtySteps * lot).toFixed(qd));
          const rate = Number((rateUnits / 10 ** (rateScale + 2)).toFixed(rateScale + 2));
          const fee = feeFor({ maker: rate, taker: rate }, liquidity, price, qty, inst);
          expect(Object.is(feeNumber(fee), Number(fee))).toBe(true);
          // A string with the same digits that is not the last one given: parsed, the same number.
          expect(Object.is(feeNumber(` ${fee}`.trim()), Number(fee))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('a fee string other than the last one is parsed', () => {
    const inst = makeInstrument({ symbol: symbol('BTCUSDT'), tickSize: 0.01, lotSize: 0.00001 });
    feeFor({ maker: 0.0002, taker: 0.0004 }, 'taker', 96123.45, 0.01, inst);
    expect(feeNumber('0.125')).toBe(0.125);
    expect(feeNumber('-0.0004')).toBe(-0.0004);
  });
});
