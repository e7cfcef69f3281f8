/**
 * Funding expected versus charged while trading (src/engine/components/funding-check.ts): a payment
 * more than a cent from -rate x position x mark is a mismatch; the position is the one held at the
 * funding time (later fills backed out); a payment booked before its rate is known waits for it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FundingCheck, fundingDiff, type FundingPaid, type FundingRateUpdate, type OrderFilled } from '../../src/engine/index.ts';

const T = 1_700_000_000_000;
const rate = (r: number, mark: number | undefined, tsInit = T): FundingRateUpdate => ({
  type: 'funding',
  symbol: 'XRPUSDT' as never,
  tsEvent: T,
  tsInit,
  rate: r,
  ...(mark === undefined ? {} : { markPrice: mark }),
});
const paid = (amount: string, r = 0, mark = 0): FundingPaid => ({
  type: 'FundingPaid',
  symbol: 'XRPUSDT' as never,
  amount: amount as never,
  rate: r,
  markPrice: mark as never,
  positionQty: 0 as never,
  tsEvent: T,
  tsInit: T + 5_000,
});
const fill = (side: 'buy' | 'sell', qty: number, ts: number): OrderFilled =>
  ({
    type: 'OrderFilled',
    clientOrderId: 'c' as never,
    symbol: 'XRPUSDT' as never,
    venueOrderId: 'v' as never,
    tradeId: 't' as never,
    side,
    lastQty: qty,
    lastPx: 1,
    fee: '0' as never,
    liquidity: 'taker',
    tsEvent: ts,
    tsInit: ts,
  }) as OrderFilled;

describe('funding check', () => {
  it('a payment equal to -rate x position x mark passes; one off by more than a cent is a mismatch, said as a diff', () => {
    const c = new FundingCheck();
    c.onRate(rate(0.00013862, 1.0975));
    expect(c.check(paid('-45.640635'), 300_000)).toBeUndefined();
    expect(c.check(paid('-45.650635'), 300_000)).toBeUndefined(); // one cent: tolerated
    const off = c.check(paid('-50.2046985'), 300_000);
    expect(off).toMatchObject({ symbol: 'XRPUSDT', rate: 0.00013862, mark: 1.0975, position: 300_000 });
    const d = fundingDiff(off as NonNullable<typeof off>);
    expect(d).toMatchObject({ kind: 'funding_mismatch', severity: 'warn', key: `funding:XRPUSDT@${T}` });
    expect(d.message).toContain('the venue charged -50.2047, rate 0.00013862 x position 300000 x mark 1.0975 says -45.6406 (off by -4.5641)');
  });

  it('the position is the one held at the funding time: fills after it are backed out', () => {
    const c = new FundingCheck();
    c.onRate(rate(0.0001, 2));
    c.onFill(fill('buy', 1000, T - 60_000));
    c.onFill(fill('buy', 500, T + 1_000)); // after the funding time: not charged on
    expect(c.check(paid('-0.2'), 1500)).toBeUndefined();
    expect(c.check(paid('-0.3'), 1500)).toMatchObject({ position: 1000 });
  });

  it('a payment booked before its rate and mark are known (from the venue history: none stated) is checked when they come', () => {
    const c = new FundingCheck();
    expect(c.check(paid('-0.5'), 1000)).toBeUndefined();
    expect(c.onRate(rate(0.0001, 2))).toMatchObject({ position: 1000, rate: 0.0001, mark: 2 });
    // Once: a repeat of the update finds nothing waiting.
    expect(c.onRate(rate(0.0001, 2))).toBeUndefined();
    // The venue's own rate and mark stand in when no update came.
    expect(new FundingCheck().check(paid('-0.2', 0.0001, 2), 1000)).toBeUndefined();
    expect(new FundingCheck().check(paid('-0.5', 0.0001, 2), 1000)).toBeDefined();
  });

  it('property: a mismatch exactly when the charge is more than a cent off the expectation', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: -300, max: 300 }),
        fc.integer({ min: 1, max: 500_000 }),
        fc.integer({ min: -500, max: 500 }),
        (lots, rate1e6, mark1e4, offCents) => {
          const c = new FundingCheck();
          const r = rate1e6 / 1e6;
          const m = mark1e4 / 1e4;
          c.onRate(rate(r, m));
          const pos = lots / 10;
          const expected = -Math.round(pos * m * r * 1e8) / 1e8;
          const charged = (expected + offCents / 100 + (offCents === 0 ? 0 : Math.sign(offCents) * 0.001)).toFixed(8);
          const got = c.check(paid(charged), pos);
          return Math.abs(offCents) >= 1 ? got !== undefined : got === undefined;
        },
      ),
      { numRuns: 2000 },
    );
  });
});
