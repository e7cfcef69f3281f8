/**
 * Fills inside the traded range: with bars only, a taker's spread, slippage and impact stop at the
 * fill bar's high (buys) or low (sells), as backtrader's slip_match does; the cost the cap removes
 * is counted, and the cap can be turned off.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runBacktestSpec } from '../../src/cli/backtest/run.ts';
import { buildSpec } from '../../src/cli/backtest/spec.ts';
import { makeInstrument, symbol } from '../../src/engine/index.ts';
import { frictionless, venueUnderTest } from '../kit/venue.ts';

const INST = makeInstrument({ symbol: symbol('BTCUSDT'), tickSize: 0.01, lotSize: 0.001 });

const bar = fc
  .record({
    open: fc.integer({ min: 1_000_000, max: 10_000_000 }),
    up: fc.integer({ min: 0, max: 50_000 }),
    down: fc.integer({ min: 0, max: 50_000 }),
    close: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ open, up, down, close }) => {
    const high = open + up;
    const low = open - down;
    return { open: open / 100, high: high / 100, low: low / 100, close: Math.round(low + (high - low) * close) / 100 };
  });

describe('taker fills stay inside the bar', () => {
  it('with a fixed slippage, no fill lies outside its bar high-low range, whatever the bar, size, side or latency (property)', () => {
    fc.assert(
      fc.property(
        bar,
        fc.integer({ min: 1, max: 5_000 }),
        fc.constantFrom('buy' as const, 'sell' as const),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 59_999 }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.boolean(),
        (b, lots, side, bps, latency, impact, limit) => {
          const models = frictionless({ spread: { bps: 0, ticks: 1 }, slippage: { fixedBps: bps, impact }, latency: { kind: 'fixed', ms: latency } });
          const t = venueUnderTest(INST, models, { account: 'margin', cash: 1e12 });
          t.bar(0, b.open, b.open, b.open, b.open);
          const qty = lots / 1000;
          // A limit far through the market is marketable: it takes like a market order.
          t.venue.submit(t.order(limit ? { side, qty, orderType: 'limit', price: side === 'buy' ? b.high * 2 : 0.01, timeInForce: 'ioc' } : { side, qty }));
          t.bar(1, b.open, b.high, b.low, b.close, 1 + lots / 1000);
          const fills = t.of('OrderFilled');
          expect(fills).toHaveLength(1);
          const px = fills[0]?.lastPx as number;
          expect(px).toBeGreaterThanOrEqual(b.low);
          expect(px).toBeLessThanOrEqual(b.high);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts what the cap removed, and lets a fill leave the bar when it is off', () => {
    const run = (rangeCap: boolean) => {
      const t = venueUnderTest(INST, frictionless({ slippage: { fixedBps: 100, impact: 0 }, fills: { maxParticipation: 1, rangeCap } }), { account: 'margin', cash: 1e9 });
      t.bar(0, 100, 100, 100, 100);
      t.venue.submit(t.order({ side: 'buy', qty: 3 }));
      t.bar(1, 100, 100.5, 99.5, 100);
      return { px: t.of('OrderFilled')[0]?.lastPx, capped: t.venue.slippageCapped };
    };
    expect(run(true)).toEqual({ px: 100.5, capped: { fills: 1, amount: expect.closeTo(1.5, 9) } }); // 101 - 100.5, x 3
    expect(run(false)).toEqual({ px: 101, capped: { fills: 0, amount: 0 } });
  });
});

describe('the bundled BTCUSDT backtest with --slippage-bps 5', () => {
  const flags = { slippageBps: 5, to: '2024-12-03' };
  it("buys sma-cross's first fill at the bar's high (96459.72), not above it (96492.95 uncapped), and reports what the cap took off", async () => {
    const capped = await runBacktestSpec(buildSpec(flags, {}));
    const free = await runBacktestSpec(buildSpec({ ...flags, rangeCap: false }, {}));
    const first = capped.result.fills[0];
    expect(first).toMatchObject({ side: 'buy', lastPx: 96459.72, tsEvent: 1733010180031 });
    expect(free.result.fills[0]?.lastPx).toBe(96492.95);
    // The same fills (same seed, same decisions), each inside its bar; the report sums the differences.
    expect(free.result.fills).toHaveLength(capped.result.fills.length);
    let removed = 0;
    capped.result.fills.forEach((f, i) => (removed += Math.abs((free.result.fills[i]?.lastPx as number) - f.lastPx) * f.lastQty));
    expect(capped.slippageCapped.fills).toBeGreaterThan(0);
    expect(capped.slippageCapped.amount).toBeCloseTo(removed, 6);
    expect(free.slippageCapped).toEqual({ fills: 0, amount: 0 });
  });
});
