/**
 * The L2 replay (hftbacktest USD-M BTCUSDT recording): the REST book and the recorded diff chain
 * agree, so ccxt's watchOrderBook stays in sync; recorded trades replay with shifted times; orders
 * match against the real book.
 */
import { describe, expect, it } from 'vitest';
import { BUNDLED, type LocalExchange } from '../../src/local-exchange/index.ts';
import { BTC, type Client, raw, tick, until, within, withLocalExchange } from './kit.ts';

let lx: LocalExchange;
let ex: Client;
let start: number;

withLocalExchange({ mode: 'manual', markets: [{ kind: 'l2', symbol: 'BTCUSDT', file: BUNDLED.btcusdtL2 }], startingBalance: 100_000 }, (a, b) => {
  lx = a;
  ex = b;
  start = lx.serverTime();
});

describe('L2 replay', () => {
  it('starts from the snapshot plus the diff that straddles it', async () => {
    const r = await raw(lx, 'GET', '/fapi/v1/depth', { symbol: 'BTCUSDT', limit: '1000' });
    const d = r.json as { lastUpdateId: number; bids: string[][]; asks: string[][] };
    expect(d.lastUpdateId).toBe(5123107853551); // u of the first diff with U <= snapshot lastUpdateId <= u
    expect(d.bids.length).toBeGreaterThan(900);
    expect(Number(d.bids[0]?.[0])).toBeLessThan(Number(d.asks[0]?.[0]));
    expect(d.bids[0]?.[0]).toMatch(/^\d+\.\d{2}$/); // the recording's own price strings
  });

  it('keeps ccxt watchOrderBook in sync through thousands of recorded diffs', async () => {
    const first = await within(ex.watchOrderBook(BTC), 3000, 'snapshot');
    let nonce = first.nonce as number;
    for (let step = 0; step < 40; step++) {
      let done = false;
      const p = ex.watchOrderBook(BTC).finally(() => (done = true));
      for (let i = 0; i < 20 && !done; i++) {
        lx.advance(250);
        await tick(2);
      }
      const ob = await within(p, 3000, 'diff');
      expect(ob.nonce as number).toBeGreaterThan(nonce);
      nonce = ob.nonce as number;
    }
    const rest = await ex.fetchOrderBook(BTC, 50);
    expect(nonce).toBe(rest.nonce);
    const ob = ex.orderbooks[BTC]; // ccxt's local book after applying every diff (a ChecksumError would have rejected a step)
    expect(ob?.bids.slice(0, 50)).toEqual(rest.bids);
    expect(ob?.asks.slice(0, 50)).toEqual(rest.asks);
  });

  it('replays recorded trades with their ids, prices and sizes, times shifted', async () => {
    const p = ex.watchTrades(BTC);
    await until(() => (lx.state().streams['btcusdt@trade'] ?? 0) > 0, 3000, 'trade subscription');
    let done = false;
    void p.finally(() => (done = true));
    for (let i = 0; i < 200 && !done; i++) {
      lx.advance(100);
      await tick(1);
    }
    const trades = await within(p, 3000, 'recorded trades');
    expect(Number(trades[0]?.id)).toBeGreaterThan(5_266_583_935);
    expect(trades[0]?.timestamp).toBeGreaterThanOrEqual(start);
    expect(trades[0]?.timestamp).toBeLessThanOrEqual(lx.serverTime());
    expect(trades[0]?.price).toBeGreaterThan(50_000);
  });

  it('walks the real book for a market order and rests a limit below it', async () => {
    const ob = await ex.fetchOrderBook(BTC, 20);
    const top = ob.asks[0] as [number, number];
    const size = Math.round((top[1] + 0.5) * 1000) / 1000;
    const o = await ex.createOrder(BTC, 'market', 'buy', size);
    expect(o.status).toBe('closed');
    const fills = (await ex.fetchMyTrades(BTC)).filter((t) => t.order === o.id);
    expect(fills.length).toBeGreaterThan(1);
    expect(fills[0]).toMatchObject({ price: top[0], amount: top[1] });
    expect(fills.map((f) => f.price)).toEqual([...fills.map((f) => f.price as number)].sort((a, b) => a - b));
    const bid = ob.bids[0]?.[0] as number;
    const rest = await ex.createOrder(BTC, 'limit', 'sell', 0.002, Math.round((bid + 30) * 10) / 10);
    expect(rest.status).toBe('open');
    const candles = await ex.fetchOHLCV(BTC, '1m');
    expect(candles.length).toBeGreaterThan(0);
    expect(lx.state().counters.internalErrors).toEqual([]);
  });
});
