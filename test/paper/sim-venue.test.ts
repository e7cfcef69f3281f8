import { describe, expect, it } from 'vitest';
import { makeInstrument, symbol } from '../../src/engine/index.ts';
import { BTC } from '../kit/factories.ts';
import { frictionless, MIN, venueUnderTest } from '../kit/venue.ts';

const UNIT = makeInstrument({ symbol: symbol('BTCUSDT'), tickSize: 0.01, lotSize: 0.001, minNotional: 5 });

describe('simulated venue: market orders on bars', () => {
  it('a market order decided on a close fills at the next bar open, at the open time', () => {
    const t = venueUnderTest(UNIT);
    t.bar(0, 100, 101, 99, 100.5);
    t.venue.submit(t.order({ qty: 2 }));
    t.bar(1, 100.7, 102, 100, 101);
    const [fill] = t.of('OrderFilled');
    expect(fill).toMatchObject({ lastPx: 100.7, lastQty: 2, tsEvent: MIN, liquidity: 'taker', fee: '0.08056' });
    expect(t.of('OrderAccepted')[0]?.tsEvent).toBe(MIN);
  });

  it('latency moves the fill along the intrabar path', () => {
    // 20 s latency on 1 m bars: the order arrives when the path reaches its first extreme, the one
    // nearer the open (open 100 -> high 101 at +20 s -> low 90 at +40 s -> close 95).
    const t = venueUnderTest(UNIT, frictionless({ latency: { kind: 'fixed', ms: 20_000 } }), { account: 'margin' });
    t.bar(0, 100, 101, 99, 100);
    t.venue.submit(t.order({ side: 'sell', qty: 1 }));
    t.bar(1, 100, 101, 90, 95);
    expect(t.of('OrderFilled')[0]).toMatchObject({ lastPx: 101, tsEvent: MIN + 20_000 });
  });

  it('a small latency trades at the interpolated price, snapped against the trader', () => {
    const t = venueUnderTest(UNIT, frictionless({ latency: { kind: 'fixed', ms: 1_000 } }));
    t.bar(0, 100, 101, 99, 100);
    t.venue.submit(t.order({ side: 'buy', qty: 1 }));
    t.bar(1, 100, 130, 99, 120); // the low is nearer the open, so the path goes 100 -> 99 over the first 20 s
    // at +1 s: 100 - 1 x (1/20) = 99.95
    expect(t.of('OrderFilled')[0]?.lastPx).toBe(99.95);
  });

  it('charges half the spread, fixed slippage and square-root impact, rounded against the trader', () => {
    const price = (models: Parameters<typeof frictionless>[0], qty: number, side: 'buy' | 'sell' = 'buy'): number => {
      const t = venueUnderTest(UNIT, frictionless(models), { account: 'margin' });
      t.bar(0, 100, 101, 99, 100);
      t.venue.submit(t.order({ side, qty }));
      t.bar(1, 100, 104, 96, 100, 1000);
      return t.of('OrderFilled')[0]?.lastPx as number;
    };
    expect(price({}, 1)).toBe(100);
    expect(price({ spread: { bps: 0, ticks: 1 } }, 1)).toBe(100.01); // +0.005 rounds up to the next tick
    expect(price({ spread: { bps: 0, ticks: 1 } }, 1, 'sell')).toBe(99.99);
    expect(price({ spread: { bps: 10, ticks: 0 } }, 1)).toBe(100.05);
    expect(price({ slippage: { fixedBps: 3, impact: 0 } }, 1)).toBe(100.03);
    // impact: Y * sigma * sqrt(Q/V) = 1 * 0.08 * sqrt(10/1000) = 0.8% -> 100.8
    expect(price({ slippage: { fixedBps: 0, impact: 1 } }, 10)).toBe(100.8);
    // four times the size, twice the impact
    expect(price({ slippage: { fixedBps: 0, impact: 1 } }, 40)).toBe(101.6);
  });
});

describe('simulated venue: limit orders', () => {
  it('fills a resting limit only when price trades through it, at its price, as maker', () => {
    const t = venueUnderTest(UNIT);
    t.bar(0, 100, 101, 99, 100);
    t.venue.submit(t.order({ orderType: 'limit', price: 98, timeInForce: 'gtc', qty: 1 }));
    t.bar(1, 100, 100.5, 98, 99); // touches 98, does not trade through
    expect(t.of('OrderFilled')).toHaveLength(0);
    t.bar(2, 99, 99.5, 97.99, 99);
    const [fill] = t.of('OrderFilled');
    expect(fill).toMatchObject({ lastPx: 98, liquidity: 'maker', fee: '0.0196' });
    expect(fill?.tsEvent).toBeGreaterThan(2 * MIN);
    expect(fill?.tsEvent).toBeLessThan(3 * MIN);
  });

  it('a gap through a resting limit fills at the limit, at the open', () => {
    const t = venueUnderTest(UNIT);
    t.bar(0, 100, 101, 99, 100);
    t.venue.submit(t.order({ orderType: 'limit', price: 99, timeInForce: 'gtc', side: 'buy' }));
    t.bar(1, 100, 100, 99.5, 100);
    t.bar(2, 95, 96, 94, 95);
    expect(t.of('OrderFilled')[0]).toMatchObject({ lastPx: 99, tsEvent: 2 * MIN });
  });

  it('a marketable limit takes at the market, never worse than its limit', () => {
    const t = venueUnderTest(UNIT, frictionless({ slippage: { fixedBps: 100, impact: 0 } }));
    t.bar(0, 100, 101, 99, 100);
    t.venue.submit(t.order({ orderType: 'limit', price: 100.5, timeInForce: 'gtc' }));
    t.bar(1, 100, 101, 99, 100);
    expect(t.of('OrderFilled')[0]).toMatchObject({ lastPx: 100.5, liquidity: 'taker' });
  });

  it('caps resting fills at the participation share of bar volume (partial fills)', () => {
    const t = venueUnderTest(UNIT, frictionless({ fills: { maxParticipation: 0.1 } }));
    t.bar(0, 100, 101, 99, 100);
    t.venue.submit(t.order({ orderType: 'limit', price: 99, timeInForce: 'gtc', qty: 25 }));
    t.bar(1, 100, 100, 98, 99, 100); // 10% of 100 = 10
    t.bar(2, 99, 100, 98, 99, 120); // 12
    t.bar(3, 99, 100, 98, 99, 500); // the remaining 3
    expect(t.of('OrderFilled').map((f) => f.lastQty)).toEqual([10, 12, 3]);
  });

  it('rejects a post-only order that would take', () => {
    const t = venueUnderTest(UNIT);
    t.bar(0, 100, 101, 99, 100);
    t.venue.submit(t.order({ orderType: 'limit', price: 101, timeInForce: 'gtc', postOnly: true }));
    t.bar(1, 100, 101, 99, 100);
    expect(t.of('OrderRejected')[0]?.reason).toMatch(/immediately match/);
  });

  it('expires an IOC limit that cannot fill now', () => {
    const t = venueUnderTest(UNIT);
    t.bar(0, 100, 101, 99, 100);
    t.venue.submit(t.order({ orderType: 'limit', price: 90, timeInForce: 'ioc' }));
    t.bar(1, 100, 101, 80, 100);
    expect(t.of('OrderExpired')).toHaveLength(1);
    expect(t.of('OrderFilled')).toHaveLength(0);
  });

  it('modify moves the price and loses time priority; cancel after a fill is rejected', () => {
    const t = venueUnderTest(UNIT);
    t.bar(0, 100, 101, 99, 100);
    const o = t.order({ orderType: 'limit', price: 95, timeInForce: 'gtc' });
    t.venue.submit(o);
    t.bar(1, 100, 101, 99, 100);
    t.venue.modify({ type: 'ModifyOrder', strategyId: o.strategyId, clientOrderId: o.clientOrderId, symbol: o.symbol, price: 99.5, tsInit: t.clock.now() });
    t.bar(2, 100, 101, 99, 100);
    expect(t.of('OrderUpdated')[0]).toMatchObject({ price: 99.5 });
    expect(t.of('OrderFilled')[0]?.lastPx).toBe(99.5);
    t.venue.cancel({ type: 'CancelOrder', strategyId: o.strategyId, clientOrderId: o.clientOrderId, symbol: o.symbol, tsInit: t.clock.now() });
    t.bar(3, 100, 101, 99, 100);
    expect(t.of('OrderCancelRejected')).toHaveLength(1);
  });
});

describe('simulated venue: rules and account', () => {
  it('enforces lot size, tick size and minimum notional', () => {
    const t = venueUnderTest(UNIT);
    t.bar(0, 100, 101, 99, 100);
    t.venue.submit(t.order({ qty: 0.0005 }));
    t.venue.submit(t.order({ qty: 0.0015 }));
    t.venue.submit(t.order({ orderType: 'limit', price: 99.995, timeInForce: 'gtc' }));
    t.venue.submit(t.order({ qty: 0.04 })); // 4 USDT < 5
    t.bar(1, 100, 101, 99, 100);
    const reasons = t.of('OrderRejected').map((r) => r.reason);
    expect(reasons).toHaveLength(4);
    expect(reasons[0]).toMatch(/quantity/);
    expect(reasons[1]).toMatch(/quantity/);
    expect(reasons[2]).toMatch(/price/);
    expect(reasons[3]).toMatch(/notional/);
  });

  it('refuses to spend more cash than a cash account holds, or to sell what it does not hold', () => {
    const t = venueUnderTest(UNIT, frictionless(), { cash: 1000 });
    t.bar(0, 100, 101, 99, 100);
    t.venue.submit(t.order({ qty: 11 }));
    t.venue.submit(t.order({ side: 'sell', qty: 1 }));
    t.bar(1, 100, 101, 99, 100);
    expect(t.of('OrderRejected').map((r) => r.reason)).toEqual(['Account has insufficient balance for requested action.', 'Account has insufficient balance for requested action.']);
  });

  it('reduce-only orders may not open or grow a position', () => {
    const t = venueUnderTest(UNIT, frictionless(), { account: 'margin' });
    t.bar(0, 100, 101, 99, 100);
    t.venue.submit(t.order({ side: 'sell', qty: 1, reduceOnly: true }));
    t.bar(1, 100, 101, 99, 100);
    expect(t.of('OrderRejected')[0]?.reason).toMatch(/ReduceOnly/);
  });

  it('settles funding on open perpetual positions: longs pay a positive rate', () => {
    const t = venueUnderTest(UNIT, frictionless(), { account: 'margin' });
    t.bar(0, 100, 101, 99, 100);
    t.venue.submit(t.order({ qty: 3 }));
    t.bar(1, 100, 101, 99, 100);
    t.venue.onMarketData({ type: 'funding', symbol: UNIT.symbol, tsEvent: 2 * MIN, tsInit: 2 * MIN, rate: 0.0001, markPrice: 100.5 });
    expect(t.of('FundingPaid')[0]).toMatchObject({ amount: '-0.03015', positionQty: 3, rate: 0.0001 });
    expect(t.venue.account.ledger.funding).toBe(-30150000000000000n);
  });

  it('samples latency from the seeded RNG: same seed, same arrival times', () => {
    const times = (seed: number): number[] => {
      const t = venueUnderTest(BTC, frictionless({ latency: { kind: 'lognormal', medianMs: 5000, p99Ms: 30000 } }), { seed });
      t.bar(0, 100, 101, 99, 100);
      for (let i = 0; i < 5; i++) t.venue.submit(t.order({ qty: 1 }));
      t.bar(1, 100, 101, 99, 100);
      return t.of('OrderAccepted').map((a) => a.tsEvent);
    };
    expect(times(7)).toEqual(times(7));
    expect(times(7)).not.toEqual(times(8));
  });
});

describe('simulated venue: queue-aware matching on trades and quotes', () => {
  const quote = (t: ReturnType<typeof venueUnderTest>, ts: number, bid: number, bidQty: number, ask: number, askQty: number): void => {
    t.clock.advanceTo(ts);
    t.venue.onMarketData({ type: 'quote', symbol: UNIT.symbol, tsEvent: ts, tsInit: ts, bid, bidQty, ask, askQty });
  };
  const trade = (t: ReturnType<typeof venueUnderTest>, ts: number, price: number, qty: number, aggressor: 'buy' | 'sell'): void => {
    t.clock.advanceTo(ts);
    t.venue.onMarketData({ type: 'trade', symbol: UNIT.symbol, tsEvent: ts, tsInit: ts, price, qty, aggressor, tradeId: String(ts) });
  };

  it('a bid joining the best bid waits for the size ahead of it to trade first', () => {
    const t = venueUnderTest(UNIT);
    quote(t, 1000, 100, 5, 100.01, 3);
    t.venue.submit(t.order({ orderType: 'limit', price: 100, timeInForce: 'gtc', qty: 2 }));
    quote(t, 1001, 100, 7, 100.01, 3); // our order is now queued behind 5
    trade(t, 1002, 100, 4, 'sell');
    expect(t.of('OrderFilled')).toHaveLength(0); // 1 still ahead
    trade(t, 1003, 100, 2, 'sell'); // 1 for the queue, 1 for us
    trade(t, 1004, 100, 3, 'sell'); // the last 1
    expect(t.of('OrderFilled').map((f) => [f.lastQty, f.lastPx, f.liquidity])).toEqual([
      [1, 100, 'maker'],
      [1, 100, 'maker'],
    ]);
  });

  it('a trade through the price fills the whole order; takers pay the real ask', () => {
    const t = venueUnderTest(UNIT);
    quote(t, 1000, 100, 5, 100.01, 3);
    t.venue.submit(t.order({ orderType: 'limit', price: 99.99, timeInForce: 'gtc', qty: 2 }));
    t.venue.submit(t.order({ qty: 1 }));
    quote(t, 1001, 100, 5, 100.02, 3);
    expect(t.of('OrderFilled')[0]).toMatchObject({ lastPx: 100.01, liquidity: 'taker' });
    trade(t, 1002, 99.98, 0.5, 'sell');
    expect(t.of('OrderFilled')[1]).toMatchObject({ lastPx: 99.99, lastQty: 2, liquidity: 'maker' });
  });
});
