/**
 * The regime split is bit for bit the plain version's (test/kit/reference-performance.ts: a
 * RollingStats per return, a sorted copy of the known volatilities): the rolling volatility element
 * by element, and every field of every regime, including where the histogram selection has its
 * edge cases (both terciles in one bucket, long runs of equal or zero volatility, few known values).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { regimeBreakdown, symbol, type OrderFilled } from '../../src/engine/index.ts';
import { loadCandles } from '../../src/data/index.ts';
import { rollingVolatility } from '../../src/engine/components/regimes.ts';
import * as ref from '../kit/reference-performance.ts';

/** Closes as a walk: rough (distinct volatilities), or with flat stretches (runs of equal and zero volatility). */
const walk = (step: fc.Arbitrary<number>): fc.Arbitrary<number[]> =>
  fc.array(step, { minLength: 0, maxLength: 200 }).map((steps) => {
    let p = 100;
    return steps.map((s) => (p *= 1 + s));
  });
const move = fc.double({ min: -0.02, max: 0.02, noNaN: true });
const closes = fc.oneof(walk(move), walk(fc.oneof(fc.constant(0), fc.constant(0), move)));

/** The first index where the two differ as doubles (or in length), -1 when none. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** Same regimes, every number the same double (Object.is: NaN equals NaN, 0 differs from -0). */
function exactly(a: readonly object[], b: readonly object[]): void {
  expect(a.map((x) => Object.keys(x))).toEqual(b.map((x) => Object.keys(x)));
  a.forEach((x, i) => {
    for (const [k, v] of Object.entries(x)) {
      const w = (b[i] as Record<string, unknown>)[k];
      expect(Object.is(v, w), `regime ${i} ${k}: ${String(v)} vs ${String(w)}`).toBe(true);
    }
  });
}

describe('regime split', () => {
  it('rolling volatility equals a RollingStats fed each return, element by element', () => {
    fc.assert(
      fc.property(closes, fc.integer({ min: 2, max: 8 }), (close, window) => {
        expect(firstDifference(rollingVolatility(close, window), ref.rollingVolatility(close, window))).toBe(-1);
      }),
      { numRuns: 500 },
    );
    expect(() => rollingVolatility([1, 2, 3], 1)).toThrow(RangeError);
  });

  it('regimes equal the plain version exactly: bounds, bars, PnL, Sharpe, fills, exposure', () => {
    fc.assert(
      fc.property(closes, fc.integer({ min: 2, max: 8 }), fc.array(fc.nat(200)), (close, window, fillIdx) => {
        const n = close.length;
        const times = close.map((_, i) => 1_000 + i * 60_000);
        const equity = close.map((c, i) => (i % 7 === 3 ? 0 : 10_000 + (c - 100) * 3));
        const exposure = close.map((c, i) => (i % 3 === 0 ? 0 : c));
        const fills = fillIdx.map((i) => ({ type: 'OrderFilled', tsEvent: 1_000 + (i % Math.max(1, n)) * 60_000 - 5 }) as unknown as OrderFilled);
        const input = { close, barTs: times.map((t) => t - 60_000), times, equity, exposure, startEquity: 10_000, intervalMs: 60_000, fills, window };
        exactly(regimeBreakdown(input), ref.regimeBreakdown(input));
      }),
      { numRuns: 500 },
    );
  });

  it('matches samples to bars by time: samples between closes (funding payments) fold into the bar they fall in, and shift no other', () => {
    fc.assert(
      fc.property(
        closes,
        fc.integer({ min: 2, max: 8 }),
        fc.array(fc.record({ bar: fc.nat(200), after: fc.integer({ min: 1, max: 59_999 }), pnl: fc.double({ min: -5, max: 5, noNaN: true }) }), { maxLength: 12 }),
        (close, window, extra) => {
          const barTs = close.map((_, i) => 1_000 + i * 60_000);
          // One sample per bar at its close, then off-grid ones after some closes, in time order.
          const samples = close.map((c, i) => ({ t: (barTs[i] as number) + 60_000, pnl: (c - 100) * 3 }));
          for (const x of extra) if (close.length > 0) samples.push({ t: (barTs[x.bar % close.length] as number) + 60_000 + x.after, pnl: x.pnl });
          samples.sort((a, b) => a.t - b.t);
          let e = 10_000;
          const equity = samples.map((x) => (e += x.pnl));
          const input = { close, barTs, times: samples.map((x) => x.t), equity, exposure: equity, startEquity: 10_000, intervalMs: 60_000, fills: [], window };
          exactly(regimeBreakdown(input), ref.regimeBreakdown(input));
        },
      ),
      { numRuns: 300 },
    );
    // Off-grid samples that change nothing leave every regime as it was: bars, PnL, Sharpe, fills,
    // exposure (matched by index, each would shift the bars after it into the next bar's
    // volatility; counted as periods, each would add a bar and a zero return to the Sharpe ratio).
    const close = loadCandles('data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv', symbol('BTCUSDT')).series.close.subarray(0, 3_000);
    const barTs = Array.from(close, (_, i) => i * 60_000);
    const times = barTs.map((t) => t + 60_000);
    const equity = Array.from(close, (c) => c / 10);
    const plain = regimeBreakdown({ close, barTs, times, equity, exposure: equity, startEquity: 10_000, intervalMs: 60_000, fills: [], window: 30 });
    const t2: number[] = [];
    const e2: number[] = [];
    times.forEach((t, i) => {
      t2.push(t);
      e2.push(equity[i] as number);
      if (i % 96 === 50) (t2.push(t + 17), e2.push(equity[i] as number)); // a payment of nothing, 17 ms after the close
    });
    const withFunding = regimeBreakdown({ close, barTs, times: t2, equity: e2, exposure: e2, startEquity: 10_000, intervalMs: 60_000, fills: [], window: 30 });
    expect(t2.length).toBeGreaterThan(times.length + 20);
    exactly(withFunding, plain);
    // A payment that moves the equity (5, paid 17 ms after bar 1,586's close, kept from then on)
    // moves the PnL of one regime by its amount and adds no bar.
    const at = t2.indexOf((times[1_586] as number) + 17);
    expect(at).toBeGreaterThan(0);
    const e3 = e2.map((e, i) => (i >= at ? e + 5 : e));
    const paid = regimeBreakdown({ close, barTs, times: t2, equity: e3, exposure: e3, startEquity: 10_000, intervalMs: 60_000, fills: [], window: 30 });
    expect(paid.map((g) => g.bars)).toEqual(plain.map((g) => g.bars));
    const moved = paid.map((g, i) => g.pnl - (plain[i] as { pnl: number }).pnl);
    expect(moved.filter((d) => Math.abs(d) > 1e-6)).toHaveLength(1);
    expect(moved.reduce((a, b) => a + b, 0)).toBeCloseTo(5, 6);
  });

  it('equals the plain version exactly on a real month (buckets of thousands of close volatilities)', () => {
    const close = loadCandles('data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv', symbol('BTCUSDT')).series.close;
    const times = Array.from(close, (_, i) => i * 60_000);
    const equity = Array.from(close, (c) => c / 10);
    const fills = times.filter((_, i) => i % 50 === 7).map((t) => ({ type: 'OrderFilled', tsEvent: t + 30 }) as unknown as OrderFilled);
    for (const window of [2, 60, 240]) {
      const vol = rollingVolatility(close, window);
      expect(firstDifference(vol, ref.rollingVolatility(close, window))).toBe(-1);
      const input = { close, barTs: times.map((t) => t - 60_000), times, equity, exposure: equity, startEquity: 10_000, intervalMs: 60_000, fills, window };
      exactly(regimeBreakdown(input), ref.regimeBreakdown(input));
    }
  });

  it('finds the terciles when most volatilities are equal (both in one histogram bucket)', () => {
    // Flat but for a few moves: most windows hold only zero returns, so most volatilities are 0.
    const close = Array.from({ length: 400 }, (_, i) => (i % 97 === 0 ? 101 : 100));
    const times = close.map((_, i) => i * 60_000);
    const equity = close.map((_, i) => 10_000 + i);
    const input = { close, barTs: times.map((t) => t - 60_000), times, equity, exposure: equity, startEquity: 10_000, intervalMs: 60_000, fills: [], window: 5 };
    const got = regimeBreakdown(input);
    exactly(got, ref.regimeBreakdown(input));
    expect(got[0]?.volTo).toBe(0);
    expect(got[1]?.volTo).toBe(0);
  });
});
