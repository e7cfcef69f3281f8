/**
 * ccxt.pro's real binanceusdm watchers against the local exchange (manual mode): market streams
 * replayed from the bundled candles, the order book kept in sync through the U/u/pu chain, and the
 * user-data stream reporting orders, fills, balance and positions.
 */
import { describe, expect, it } from 'vitest';
import { loadCandles } from '../../src/data/index.ts';
import { symbol } from '../../src/engine/index.ts';
import { BUNDLED, type LocalExchange } from '../../src/local-exchange/index.ts';
import { BTC, tick, until, within, withLocalExchange, type Client } from './kit.ts';

const btc = loadCandles(BUNDLED.btcusdt1m, symbol('BTCUSDT')).series;
const WARMUP = 300;
let lx: LocalExchange;
let ex: Client;

/**
 * Starts a watch, waits until the exchange has the subscription, then advances time in steps of
 * `stepMs` until the watch resolves (a path point that does not move the price changes no book).
 */
async function watchWhile<T>(watch: () => Promise<T>, topic: string, stepMs: number): Promise<T> {
  let done = false;
  const p = watch().finally(() => {
    done = true;
  });
  await until(() => (lx.state().streams[topic] ?? 0) > 0, 3000, `subscription ${topic}`);
  for (let i = 0; i < 20 && !done; i++) {
    lx.advance(stepMs);
    await tick(5);
  }
  return within(p, 3000, topic);
}

/** Prices the replay printed in bars [from, to). */
function pathPrices(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(btc.open[i] as number, btc.high[i] as number, btc.low[i] as number, btc.close[i] as number);
  return out;
}

withLocalExchange({ mode: 'manual' }, (a, b) => {
  lx = a;
  ex = b;
});

describe('market streams', () => {
  it('watchTrades: the derived prints of the replayed bar path', async () => {
    const trades = await watchWhile(() => ex.watchTrades(BTC), 'btcusdt@trade', 20_000);
    const path = [btc.open[WARMUP], btc.high[WARMUP], btc.low[WARMUP], btc.close[WARMUP]];
    expect(trades.length).toBeGreaterThan(0);
    for (const t of trades) {
      expect(path).toContain(t.price);
      expect(t.timestamp).toBeLessThanOrEqual(lx.serverTime());
    }
  });

  it('watchOHLCV: the bar in progress, then closed', async () => {
    const candles = await watchWhile(() => ex.watchOHLCV(BTC, '1m'), 'btcusdt@kline_1m', 60_000);
    const last = candles[candles.length - 1] as number[];
    expect(last[0]).toBeGreaterThan(0);
    expect([btc.open[WARMUP], btc.open[WARMUP + 1]]).toContain(last[1]);
  });

  it('watchOrderBook: syncs on the REST snapshot and follows the diffs without a checksum error', async () => {
    const first = await within(ex.watchOrderBook(BTC), 3000, 'order book snapshot');
    const n0 = first.nonce as number;
    for (let i = 0; i < 5; i++) {
      const ob = await watchWhile(() => ex.watchOrderBook(BTC), 'btcusdt@depth', 20_000);
      expect(ob.nonce as number).toBeGreaterThan(n0);
      const rest = await ex.fetchOrderBook(BTC, 10);
      expect(ob.bids.slice(0, 10)).toEqual(rest.bids);
      expect(ob.asks.slice(0, 10)).toEqual(rest.asks);
    }
  });

  it('watchBidsAsks and watchMarkPrice follow the replay', async () => {
    const ba = await watchWhile(() => ex.watchBidsAsks([BTC]), 'btcusdt@bookTicker', 20_000);
    const rest = await ex.fetchOrderBook(BTC, 1);
    expect(ba[BTC]?.bid).toBe(rest.bids[0]?.[0]);
    const mp = await watchWhile(() => ex.watchMarkPrice(BTC), 'btcusdt@markPrice', 20_000);
    expect(pathPrices(WARMUP, WARMUP + 30)).toContain(mp.markPrice);
    expect(mp.timestamp).toBeLessThanOrEqual(lx.serverTime());
  });
});

describe('user-data stream', () => {
  it('watchOrders, watchMyTrades, watchBalance and watchPositions see a market order and its fills', async () => {
    const orders = ex.watchOrders(BTC);
    const myTrades = ex.watchMyTrades(BTC);
    const balance = ex.watchBalance();
    const positions = ex.watchPositions([BTC]);
    // The first watchPositions resolves on the REST snapshot (no position yet).
    expect(await within(positions, 3000, 'positions snapshot')).toEqual([]);
    await until(() => lx.state().connections.user > 0, 3000, 'user stream connection');
    const nextPositions = ex.watchPositions([BTC]);
    const o = await ex.createOrder(BTC, 'market', 'buy', 0.02, undefined, { clientOrderId: 'ws-1' });
    const [os, ts, bal, pos] = await within(Promise.all([orders, myTrades, balance, nextPositions]), 3000, 'user events');
    expect(os[0]).toMatchObject({ id: o.id, clientOrderId: 'ws-1', symbol: BTC });
    expect(ts[0]).toMatchObject({ order: o.id, side: 'buy', symbol: BTC, takerOrMaker: 'taker' });
    expect(ts[0]?.fee?.currency).toBe('USDT');
    expect(bal['USDT']?.total).toBeLessThan(10_000);
    expect(pos[0]).toMatchObject({ symbol: BTC, contracts: 0.02, side: 'long' });
    // A resting order filled later by the replay reaches watchMyTrades as a maker fill.
    let low = Infinity;
    for (let i = WARMUP + 10; i < WARMUP + 40; i++) low = Math.min(low, btc.low[i] as number);
    const resting = await ex.createOrder(BTC, 'limit', 'buy', 0.01, Math.round((low + 0.01) * 100) / 100);
    const fill = ex.watchMyTrades(BTC);
    lx.advance(40 * 60_000);
    const [t] = await within(fill, 3000, 'maker fill');
    expect(t).toMatchObject({ order: resting.id, takerOrMaker: 'maker' });
    expect(lx.state().counters.internalErrors).toEqual([]);
  });
});
