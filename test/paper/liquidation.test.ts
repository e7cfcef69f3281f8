/**
 * Liquidation on the simulated venue, with the real BTCUSDT brackets: the mark (the bar's high for
 * a short, its low for a long, a trade, a funding payment) reaching Binance's liquidation price
 * closes the position there with the clearance fee; resting orders of the symbol are canceled.
 * Expected prices are worked out here from Binance's formula, not from the code under test.
 */
import { describe, expect, it } from 'vitest';
import { resolveInstrument } from '../../src/data/index.ts';
import { makeInstrument, symbol, type FundingRateUpdate, type TradeTick } from '../../src/engine/index.ts';
import { frictionless, MIN, venueUnderTest } from '../kit/venue.ts';

const BTC = resolveInstrument('BTCUSDT', 'perpetual', 0.01);
const ceilTick = (x: number): number => Math.ceil(x * 100 - 1e-7) / 100;
const floorTick = (x: number): number => Math.floor(x * 100 + 1e-7) / 100;

/** A 20x short of 2 BTC at 100,000 on 10,000 USDT (4 bps taker: 80 USDT fee). */
function shortOf2(): ReturnType<typeof venueUnderTest> & { lp: number; wallet: number } {
  const t = venueUnderTest(BTC, frictionless(), { account: 'margin', cash: 10_000, leverage: 20 });
  t.bar(0, 100_000, 100_000, 100_000, 100_000);
  t.venue.submit(t.order({ side: 'sell', qty: 2 }));
  t.bar(1, 100_000, 100_050, 99_950, 100_000);
  expect(t.of('OrderFilled')[0]).toMatchObject({ lastPx: 100_000, lastQty: 2, fee: '80' });
  const wallet = 10_000 - 80;
  // Bracket 2 (50k-600k notional): rate 0.5%, cum 50. LP = (WB + cum + |q| x EP) / (|q| x MMR + |q|).
  return { ...t, wallet, lp: ceilTick((wallet + 50 + 200_000) / (2 * 0.005 + 2)) };
}

describe('simulated venue: liquidation', () => {
  it("liquidates a short when the bar's high reaches the liquidation price, at that price, with the clearance fee", () => {
    const t = shortOf2();
    expect(t.lp).toBe(104462.69);
    t.venue.submit(t.order({ side: 'buy', qty: 2, orderType: 'limit', price: 90_000, timeInForce: 'gtc', reduceOnly: true }));
    t.bar(2, 104_000, t.lp - 0.01, 103_990, 104_100); // one tick short of it: survives
    expect(t.of('OrderFilled')).toHaveLength(1);
    t.bar(3, 104_000, t.lp, 103_990, 104_100); // low first (+20 s), then the high at +40 s
    const fills = t.of('OrderFilled');
    expect(fills).toHaveLength(2);
    const liq = fills[1];
    // What is left after closing at LP: 9920 - 2 x LP + 200000; 1.2% of the notional is more, so the fee is all of it.
    const left = t.wallet - 2 * t.lp + 200_000;
    expect(liq).toMatchObject({ side: 'buy', lastQty: 2, lastPx: t.lp, liquidity: 'taker', liquidation: true, tsEvent: 3 * MIN + 40_000 });
    expect(liq?.clientOrderId).toMatch(/^autoclose-\d+$/);
    expect(Number(liq?.fee)).toBeCloseTo(left, 6);
    expect(t.of('OrderCanceled').map((c) => c.clientOrderId)).toEqual(['o2']);
    expect(t.venue.account.position('BTCUSDT')).toBe(0);
    expect(Math.abs(Number(t.venue.account.balanceReport().total))).toBeLessThan(1e-6);
    expect(t.venue.account.ledger.positions['BTCUSDT']?.fees).toBe(80_000_000_000_000_000_000n + BigInt(Math.round(left * 1e8)) * 10_000_000_000n);
  });

  it("liquidates a long when the bar's low reaches it", () => {
    const t = venueUnderTest(BTC, frictionless(), { account: 'margin', cash: 5_000, leverage: 20 });
    t.bar(0, 100_000, 100_000, 100_000, 100_000);
    t.venue.submit(t.order({ side: 'buy', qty: 1 }));
    t.bar(1, 100_000, 100_050, 99_950, 100_000);
    const wallet = 5_000 - 40;
    // Bracket 2 again (95k notional): (WB + cum - EP x q) / (q x MMR - q), the tick below.
    const lp = floorTick((wallet + 50 - 100_000) / (0.005 - 1));
    t.bar(2, 96_000, 96_100, lp + 0.01, 96_000);
    expect(t.of('OrderFilled')).toHaveLength(1);
    t.bar(3, 96_000, 96_100, lp, 96_000);
    const liq = t.of('OrderFilled')[1];
    expect(liq).toMatchObject({ side: 'sell', lastQty: 1, lastPx: lp, liquidation: true });
    expect(Number(liq?.fee)).toBeCloseTo(wallet + lp - 100_000, 6);
  });

  it('liquidates on a trade at the price, and when a funding payment moves the price past the mark', () => {
    const t = shortOf2();
    const trade = (i: number, price: number): TradeTick => ({ type: 'trade', symbol: BTC.symbol, price, qty: 0.1, aggressor: 'buy', tradeId: String(i), tsEvent: 2 * MIN + i, tsInit: 2 * MIN + i });
    t.venue.onMarketData(trade(1, t.lp - 0.01));
    expect(t.of('OrderFilled')).toHaveLength(1);
    t.venue.onMarketData(trade(2, t.lp));
    expect(t.of('OrderFilled')[1]).toMatchObject({ lastPx: t.lp, liquidation: true, tsEvent: 2 * MIN + 2 });

    const f = shortOf2();
    // Shorts pay a negative rate: -0.5% of 2 x 104,000 = 1,040 USDT out of the wallet: the price falls below 104,000.
    const funding: FundingRateUpdate = { type: 'funding', symbol: BTC.symbol, rate: -0.005, markPrice: 104_000, tsEvent: 3 * MIN, tsInit: 3 * MIN };
    f.bar(2, 104_000, 104_000, 104_000, 104_000);
    expect(f.of('OrderFilled')).toHaveLength(1);
    f.venue.onMarketData(funding);
    const wallet = f.wallet - 1040;
    const lp = ceilTick((wallet + 50 + 200_000) / 2.01);
    expect(lp).toBeLessThan(104_000);
    expect(f.of('OrderFilled')[1]).toMatchObject({ lastPx: lp, liquidation: true, tsEvent: 3 * MIN });
  });

  it('leaves positions alone without brackets, and in a cash account', () => {
    const bare = makeInstrument({ symbol: symbol('BTCUSDT'), kind: 'perpetual', tickSize: 0.01, lotSize: 0.001 });
    const t = venueUnderTest(bare, frictionless(), { account: 'margin', cash: 10_000, leverage: 20 });
    t.bar(0, 100_000, 100_000, 100_000, 100_000);
    t.venue.submit(t.order({ side: 'sell', qty: 2 }));
    t.bar(1, 100_000, 100_000, 100_000, 100_000);
    t.bar(2, 100_000, 120_000, 100_000, 120_000); // margin balance -30,080: nothing to liquidate with
    expect(t.of('OrderFilled')).toHaveLength(1);
    const c = venueUnderTest(BTC, frictionless(), { account: 'cash', cash: 200_000 });
    c.bar(0, 100_000, 100_000, 100_000, 100_000);
    c.venue.submit(c.order({ side: 'buy', qty: 1 }));
    c.bar(1, 100_000, 100_000, 100_000, 100_000);
    c.bar(2, 100_000, 100_000, 1_000, 1_000);
    expect(c.of('OrderFilled')).toHaveLength(1);
  });
});
