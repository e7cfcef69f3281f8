/**
 * The local exchange's own matching rules, driven through REST and the `external` API in manual
 * mode: at-price fills limited by the printed size, IOC / FOK / GTX semantics, reduce-only expiry,
 * and determinism (same inputs and seed, same state).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCandles } from '../../src/data/index.ts';
import { symbol } from '../../src/engine/index.ts';
import { BUNDLED, startLocalExchange, type LocalExchange } from '../../src/local-exchange/index.ts';
import { raw } from './kit.ts';

const btc = loadCandles(BUNDLED.btcusdt1m, symbol('BTCUSDT')).series;
const WARMUP = 300;
const START = Date.UTC(2031, 0, 1);
const MIN = 60_000;
let lx: LocalExchange;

const order = (p: Record<string, string>) => raw(lx, 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', ...p }, { signed: true });
const depth = async (): Promise<{ bids: string[][]; asks: string[][] }> => (await raw(lx, 'GET', '/fapi/v1/depth', { symbol: 'BTCUSDT', limit: '20' })).json as { bids: string[][]; asks: string[][] };

beforeAll(async () => {
  lx = await startLocalExchange({ mode: 'manual', startTime: START, startingBalance: 1_000_000, markets: [{ kind: 'candles', symbol: 'BTCUSDT', file: BUNDLED.btcusdt1m }] });
});
afterAll(async () => lx.close());

describe('matching', () => {
  it('fills a resting order at its price only up to the size printed there', async () => {
    // Find an upcoming bar whose low is below everything before it (no trade-through earlier).
    let floor = btc.low[WARMUP] as number;
    let i = WARMUP + 1;
    while ((btc.low[i] as number) >= floor || btc.low[i] === btc.open[i] || btc.low[i] === btc.close[i]) floor = Math.min(floor, btc.low[i++] as number);
    const low = btc.low[i] as number;
    const printed = Math.floor(((btc.volume[i] as number) / 4) * 1000) / 1000;
    const qty = (printed + 1).toFixed(3);
    const r = await order({ side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: qty, price: low.toFixed(2) });
    const id = (r.json as { orderId: number }).orderId;
    const highFirst = (btc.high[i] as number) - (btc.open[i] as number) < (btc.open[i] as number) - low;
    lx.advanceTo(START + (i - WARMUP) * MIN + (highFirst ? 40_000 : 20_000)); // the path point at the low
    const o = lx.state().orders.find((x) => x.orderId === id);
    expect(o?.status).toBe('PARTIALLY_FILLED');
    expect(Number(o?.executedQty)).toBeCloseTo(printed, 9);
    expect(
      lx
        .state()
        .trades.filter((t) => t.orderId === id)
        .every((t) => t.maker && Number(t.price) === low),
    ).toBe(true);
    await raw(lx, 'DELETE', '/fapi/v1/allOpenOrders', { symbol: 'BTCUSDT' }, { signed: true });
  });

  it('IOC takes what it can and expires the rest; FOK fills all or nothing; GTX never takes', async () => {
    const d = await depth();
    const [a0, q0] = (d.asks[0] as string[]).map(Number) as [number, number];
    const ioc = (await order({ side: 'BUY', type: 'LIMIT', timeInForce: 'IOC', quantity: (q0 + 1).toFixed(3), price: a0.toFixed(2) })).json;
    expect(ioc).toMatchObject({ status: 'EXPIRED', executedQty: q0.toFixed(3) });
    const fokBig = await order({ side: 'BUY', type: 'LIMIT', timeInForce: 'FOK', quantity: (q0 + 1).toFixed(3), price: a0.toFixed(2), newClientOrderId: 'fok-1' });
    expect(fokBig.json).toMatchObject({ code: -5021 });
    expect(lx.state().counters.ordersByClientOrderId['fok-1']).toBeUndefined();
    const d2 = await depth();
    const fok = (await order({ side: 'BUY', type: 'LIMIT', timeInForce: 'FOK', quantity: '0.001', price: d2.asks[5]?.[0] as string })).json;
    expect(fok).toMatchObject({ status: 'FILLED' });
    const bid = Number(d2.bids[0]?.[0]);
    const gtx = (await order({ side: 'BUY', type: 'LIMIT', timeInForce: 'GTX', quantity: '0.010', price: (bid - 1).toFixed(2) })).json as { orderId: number };
    const amend = await raw(lx, 'PUT', '/fapi/v1/order', { symbol: 'BTCUSDT', orderId: String(gtx.orderId), side: 'BUY', quantity: '0.010', price: d2.asks[3]?.[0] as string }, { signed: true });
    expect(amend.json).toMatchObject({ code: -5022 });
    expect(lx.state().orders.find((o) => o.orderId === gtx.orderId)).toMatchObject({ status: 'NEW', price: (bid - 1).toFixed(2) });
    const same = await raw(lx, 'PUT', '/fapi/v1/order', { symbol: 'BTCUSDT', orderId: String(gtx.orderId), side: 'BUY', quantity: '0.010', price: (bid - 1).toFixed(2) }, { signed: true });
    expect(same.json).toMatchObject({ code: -5027 });
    await raw(lx, 'DELETE', '/fapi/v1/allOpenOrders', { symbol: 'BTCUSDT' }, { signed: true });
  });

  it('reduce-only orders are capped by the position and expire when it is gone', async () => {
    const pos = lx.state().positions.find((p) => p.symbol === 'BTCUSDT');
    const size = Number(pos?.qty);
    expect(size).toBeGreaterThan(0);
    const ask = Number((await depth()).asks[0]?.[0]);
    const tp = (await order({ side: 'SELL', type: 'LIMIT', timeInForce: 'GTC', quantity: (size + 1).toFixed(3), price: (ask + 100).toFixed(2), reduceOnly: 'true' })).json as {
      orderId: number;
      status: string;
    };
    expect(tp.status).toBe('NEW');
    lx.external.closePosition('BTCUSDT');
    expect(lx.state().orders.find((o) => o.orderId === tp.orderId)?.status).toBe('EXPIRED');
    expect(lx.state().positions.find((p) => p.symbol === 'BTCUSDT')?.qty).toBe('0.000');
  });

  it('is deterministic: same data, seed and commands give the same state', async () => {
    const run = async (): Promise<unknown> => {
      const x = await startLocalExchange({
        mode: 'manual',
        startTime: START,
        seed: 5,
        faults: { partialFills: { probability: 0.5 } },
        markets: [{ kind: 'candles', symbol: 'BTCUSDT', file: BUNDLED.btcusdt1m }],
      });
      try {
        x.external.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.05, clientOrderId: 'a' });
        x.external.placeOrder({ symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', quantity: 0.02, price: (btc.high[WARMUP + 3] as number) - 0.01, clientOrderId: 'b' });
        x.advance(30 * MIN);
        x.external.closePosition('BTCUSDT');
        const s = x.state();
        return { orders: s.orders, trades: s.trades, positions: s.positions, balances: s.balances, income: s.income, faults: s.counters.faults };
      } finally {
        await x.close();
      }
    };
    expect(await run()).toEqual(await run());
  });
});
