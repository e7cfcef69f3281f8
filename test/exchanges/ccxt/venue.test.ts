/** The ccxt execution adapter against the local exchange: when order requests count as sent, resends after an unknown outcome, and the shared market lookup. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientOrderId, HaltError, LiveClock, OffsetClock, strategyId, symbol, type SubmitOrder, type VenueEvent } from '../../../src/engine/index.ts';
import { CcxtVenue } from '../../../src/exchanges/ccxt/index.ts';
import { localVenue, settle, type LocalVenue } from '../../kit/local-venue.ts';

let seq = 0;

describe('ccxt venue adapter', () => {
  let v: LocalVenue;
  let events: VenueEvent[];
  let out: string[];
  let venue: CcxtVenue;
  beforeEach(async () => {
    v = await localVenue({}, ['XRPUSDT']);
    events = [];
    out = [];
    venue = new CcxtVenue({ requester: v.conn.requester, markets: v.conn.marketIndex, onRequestOut: (kind) => out.push(kind) });
    venue.connect((e) => events.push(e));
    await settle(100); // the user stream connects (closing while it connects leaves ccxt a rejection nobody awaits)
  });
  afterEach(async () => v.close());

  /** A resting buy limit order 3% under the market, at least the minimum notional. */
  async function restingBuy(): Promise<SubmitOrder & { readonly price: number }> {
    const market = v.conn.marketIndex.market('XRPUSDT');
    const { tickSize, lotSize, minNotional, priceDecimals, qtyDecimals } = market.instrument;
    const last = (await v.conn.client.fetchTicker(market.ccxtSymbol)).last ?? NaN;
    const price = Number((Math.floor((last * 0.97) / tickSize) * tickSize).toFixed(priceDecimals));
    const qty = Number((Math.ceil(Math.max(50, minNotional * 4) / price / lotSize) * lotSize).toFixed(qtyDecimals));
    return {
      type: 'SubmitOrder',
      strategyId: strategyId('venue-test'),
      clientOrderId: clientOrderId(`P-venue-${Date.now() % 1e6}-${++seq}`),
      symbol: market.symbol,
      side: 'buy',
      orderType: 'limit',
      qty,
      price,
      timeInForce: 'gtc',
      postOnly: false,
      reduceOnly: false,
      tsInit: 0,
    };
  }
  const of = (id: string, type: VenueEvent['type']): VenueEvent[] => events.filter((e) => e.type === type && 'clientOrderId' in e && e.clientOrderId === id);
  async function until(what: string, ok: () => boolean, ms = 3000): Promise<void> {
    for (let waited = 0; waited < ms && !ok(); waited += 25) await settle(25);
    if (!ok()) throw new Error(`timed out waiting for ${what}; events: ${events.map((e) => e.type).join(', ')}`);
  }

  it('submit, modify and cancel all count as sent when the rate limiter lets the request go, not when queued', async () => {
    const o = await restingBuy();
    venue.submit(o);
    await until('the ack', () => of(o.clientOrderId, 'OrderAccepted').length > 0);
    expect(out).toEqual(['submit']);
    v.conn.requester.limiter.onRateLimited(400); // everything waits ~400-480 ms
    const o2 = await restingBuy();
    venue.submit(o2);
    venue.modify({ type: 'ModifyOrder', strategyId: o.strategyId, clientOrderId: o.clientOrderId, symbol: o.symbol, price: o.price, qty: o.qty * 2, tsInit: 0 });
    venue.cancel({ type: 'CancelOrder', strategyId: o.strategyId, clientOrderId: o.clientOrderId, symbol: o.symbol, tsInit: 0 });
    await settle(200);
    expect(out).toEqual(['submit']); // all three still held by the limiter
    await until('the cancel', () => of(o.clientOrderId, 'OrderCanceled').length > 0 && of(o2.clientOrderId, 'OrderAccepted').length > 0);
    expect(out).toEqual(['submit', 'submit', 'modify', 'cancel']);
    expect(of(o.clientOrderId, 'OrderUpdated')).toHaveLength(1);
  });

  it('an order lost before the venue processed it is looked up, found missing, and sent again (once)', async () => {
    v.lx.setFaults({ rest: [{ path: '/fapi/v1/order', method: 'POST', nth: [1], action: { type: 'timeout', process: false, reset: true } }] });
    const o = await restingBuy();
    venue.submit(o);
    await until('the ack', () => of(o.clientOrderId, 'OrderAccepted').length > 0 || of(o.clientOrderId, 'OrderRejected').length > 0);
    expect(of(o.clientOrderId, 'OrderRejected')).toEqual([]);
    expect(out).toEqual(['submit', 'submit']);
    const st = v.lx.state();
    expect(Object.values(st.counters.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(st.counters.ordersByClientOrderId[o.clientOrderId]).toBe(1);
  });

  it('history gives the last N closed bars, oldest first, and none for --warmup 0', async () => {
    const xrp = symbol('XRPUSDT');
    const three = await v.conn.marketData.history(xrp, 300_000, 3);
    expect(three).toHaveLength(3);
    expect(three.map((b) => b.tsEvent)).toEqual([0, 1, 2].map((i) => (three[0]?.tsEvent as number) + i * 300_000));
    expect(await v.conn.marketData.history(xrp, 300_000, 0)).toEqual([]);
  });

  it('every part answers an unknown symbol with the same HaltError; an unknown order is undefined', async () => {
    const eth = symbol('ETHUSDT');
    await expect(v.conn.reports.order(eth, clientOrderId('P-x'))).rejects.toThrow(HaltError);
    await expect(v.conn.reports.fills(eth, 0)).rejects.toThrow(/ETHUSDT is not set up/);
    await expect(v.conn.marketData.history(eth, 60_000, 5)).rejects.toThrow(HaltError);
    expect(await v.conn.reports.order(symbol('XRPUSDT'), clientOrderId('P-never-sent'))).toBeUndefined();
  });
});

describe('fills from a venue whose clock is ahead of our estimate', () => {
  it('a fill stamped days after what we think the venue time is, is still fetched (the newest window has no end)', async () => {
    const behind = 3 * 86_400_000; // our estimate lags the venue by three days (a venue clock running fast, a failed sync)
    const v = await localVenue({}, ['XRPUSDT'], new OffsetClock(new LiveClock(), -behind));
    try {
      const market = v.conn.marketIndex.market('XRPUSDT');
      const last = (await v.conn.client.fetchTicker(market.ccxtSymbol)).last ?? NaN;
      const qty = Number((Math.ceil(Math.max(50, market.instrument.minNotional * 4) / last / market.instrument.lotSize) * market.instrument.lotSize).toFixed(market.instrument.qtyDecimals));
      const id = clientOrderId(`P-ahead-${Date.now() % 1e6}`);
      v.conn.venue.submit({
        type: 'SubmitOrder',
        strategyId: strategyId('venue-test'),
        clientOrderId: id,
        symbol: market.symbol,
        side: 'buy',
        orderType: 'market',
        qty,
        timeInForce: 'ioc',
        postOnly: false,
        reduceOnly: false,
        tsInit: 0,
      });
      for (let waited = 0; waited < 3000 && !v.events.some((e) => e.type === 'OrderFilled'); waited += 25) await settle(25);
      const filled = v.events.filter((e) => e.type === 'OrderFilled');
      expect(filled.length).toBeGreaterThan(0);
      const fills = await v.conn.reports.fills(market.symbol, v.conn.requester.now() - 3_600_000);
      expect(fills.map((f) => f.clientOrderId)).toContain(id);
      expect(fills.length).toBe(filled.length);
    } finally {
      await v.close();
    }
  });
});
