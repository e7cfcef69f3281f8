/**
 * ccxt's real binanceusdm against the local exchange over REST (manual mode): markets, market
 * data from the bundled candles, and the order lifecycle with the exchange's own matching.
 */
import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { loadCandles } from '../../src/data/index.ts';
import { symbol } from '../../src/engine/index.ts';
import { BUNDLED, type LocalExchange } from '../../src/local-exchange/index.ts';
import { BTC, client, type Client, withLocalExchange, XRP } from './kit.ts';

const btc = loadCandles(BUNDLED.btcusdt1m, symbol('BTCUSDT')).series;
const WARMUP = 300;
let lx: LocalExchange;
let ex: Client;

withLocalExchange({ mode: 'manual', seed: 7 }, (a, b) => {
  lx = a;
  ex = b;
});

describe('markets and market data', () => {
  it('loads both markets with the real filters', () => {
    const b = ex.market(BTC);
    expect(b.swap && b.linear && b.active).toBe(true);
    expect(b.precision).toMatchObject({ amount: 0.001, price: 0.01 });
    expect(b.limits.cost?.min).toBe(5);
    expect(b.limits.amount?.min).toBe(0.001);
    const x = ex.market(XRP);
    expect(x.precision).toMatchObject({ amount: 0.1, price: 0.0001 });
    expect(x.limits.cost?.min).toBe(5);
  });

  it('serves virtual time and the candle history, bar for bar', async () => {
    const now = lx.serverTime();
    expect(await ex.fetchTime()).toBe(now);
    const rows = await ex.fetchOHLCV(BTC, '1m', undefined, 5);
    expect(rows).toHaveLength(5);
    expect(rows[4]?.[0]).toBe(now); // the bar in progress opened at the start
    const full = rows[3] as number[];
    expect(full.slice(1)).toEqual([btc.open[WARMUP - 1], btc.high[WARMUP - 1], btc.low[WARMUP - 1], btc.close[WARMUP - 1], btc.volume[WARMUP - 1]]);
    const since = now - 60 * 60_000;
    const page = await ex.fetchOHLCV(BTC, '1m', since, 3);
    expect(page.map((r) => r[0])).toEqual([since, since + 60_000, since + 120_000]);
    expect(page[0]?.[1]).toBe(btc.open[WARMUP - 60]);
    const five = await ex.fetchOHLCV(BTC, '5m', since, 1);
    const hi = Math.max(...Array.from({ length: 5 }, (_, i) => btc.high[WARMUP - 60 + i] as number));
    expect(five[0]?.[2]).toBe(hi);
  });

  it('serves a one-tick book, tickers and the funding rate', async () => {
    const ob = await ex.fetchOrderBook(BTC, 5);
    const bid = ob.bids[0]?.[0] as number;
    const ask = ob.asks[0]?.[0] as number;
    expect(Math.round((ask - bid) * 100)).toBe(1);
    expect(typeof ob.nonce).toBe('number');
    const t = await ex.fetchTicker(BTC);
    expect(t.last).toBe(btc.open[WARMUP]);
    const ba = await ex.fetchBidsAsks([BTC]);
    expect(ba[BTC]?.bid).toBe(bid);
    expect(ba[BTC]?.ask).toBe(ask);
    const fr = await ex.fetchFundingRate(XRP);
    expect(fr.fundingRate).toBe(0.0001);
    expect(fr.fundingTimestamp).toBeGreaterThan(lx.serverTime());
    expect(await ex.fetchFundingRateHistory(XRP)).toEqual([]);
    const fee = await ex.fetchTradingFee(BTC);
    expect(fee).toMatchObject({ maker: 0.0002, taker: 0.0004 });
  });

  it('starts with 10000 USDT and no positions', async () => {
    const b = await ex.fetchBalance();
    expect(b['USDT']).toMatchObject({ free: 10000, used: 0, total: 10000 });
    expect(await ex.fetchPositions()).toEqual([]);
  });
});

describe('orders', () => {
  it('fills a market order level by level and books the position', async () => {
    const ob = await ex.fetchOrderBook(BTC, 10);
    const o = await ex.createOrder(BTC, 'market', 'buy', 0.5);
    expect(o.status).toBe('closed');
    expect(o.filled).toBe(0.5);
    const trades = await ex.fetchMyTrades(BTC);
    const mine = trades.filter((t) => t.order === o.id);
    expect(mine.length).toBeGreaterThan(1); // walked more than one level
    expect(mine[0]?.price).toBe(ob.asks[0]?.[0]);
    expect(mine.every((t) => t.takerOrMaker === 'taker')).toBe(true);
    expect(mine.reduce((s, t) => s + (t.amount ?? 0), 0)).toBeCloseTo(0.5, 9);
    const cost = mine.reduce((s, t) => s + (t.cost ?? 0), 0);
    expect(mine.reduce((s, t) => s + (t.fee?.cost ?? 0), 0)).toBeCloseTo(cost * 0.0004, 8);
    const [pos] = await ex.fetchPositions([BTC]);
    expect(pos).toMatchObject({ side: 'long', contracts: 0.5, marginMode: 'cross', hedged: false });
    expect(pos?.entryPrice).toBeCloseTo(cost / 0.5, 6);
    const bal = await ex.fetchBalance();
    expect(bal['USDT']?.used).toBeGreaterThan(0);
  });

  it('rests a limit order, then fills it as maker when the replay trades through its price', async () => {
    const bid = (await ex.fetchOrderBook(BTC, 5)).bids[0]?.[0] as number;
    let low = Infinity;
    for (let i = WARMUP + 1; i < WARMUP + 15; i++) low = Math.min(low, btc.low[i] as number);
    expect(low).toBeLessThan(bid - 0.01);
    const price = Math.round((low + 0.01) * 100) / 100;
    const o = await ex.createOrder(BTC, 'limit', 'buy', 0.01, price, { clientOrderId: 'rest-1' });
    expect(o.status).toBe('open');
    expect((await ex.fetchOpenOrders(BTC)).map((x) => x.id)).toContain(o.id);
    lx.advance(15 * 60_000);
    const done = await ex.fetchOrder(String(o.id), BTC);
    expect(done.status).toBe('closed');
    expect(done.average).toBe(price);
    const t = (await ex.fetchMyTrades(BTC)).find((x) => x.order === o.id);
    expect(t?.takerOrMaker).toBe('maker');
    expect(t?.fee?.cost).toBeCloseTo(price * 0.01 * 0.0002, 10);
  });

  it('takes the marketable part of a limit order and rests the rest (a real partial fill)', async () => {
    const ob = await ex.fetchOrderBook(BTC, 20);
    const l1 = ob.asks[1] as [number, number];
    const size = Math.round(((ob.asks[0]?.[1] as number) + l1[1] + 0.5) * 1000) / 1000;
    const o = await ex.createOrder(BTC, 'limit', 'buy', size, l1[0]);
    expect(o.status).toBe('open');
    expect(o.filled).toBeCloseTo((ob.asks[0]?.[1] as number) + l1[1], 9);
    expect(o.remaining).toBeCloseTo(0.5, 9);
    await ex.cancelOrder(String(o.id), BTC);
    expect((await ex.fetchOrder(String(o.id), BTC)).status).toBe('canceled');
  });

  it('rejects a post-only order that would take, and keeps its client id free', async () => {
    const ask = (await ex.fetchOrderBook(BTC, 5)).asks[0]?.[0] as number;
    await expect(ex.createOrder(BTC, 'limit', 'buy', 0.01, ask, { postOnly: true, clientOrderId: 'po-1' })).rejects.toBeInstanceOf(ccxt.OrderNotFillable);
    expect(lx.state().counters.ordersByClientOrderId['po-1']).toBeUndefined();
    expect(lx.state().counters.placementsByClientOrderId['po-1']).toBe(1); // refused -5022, nothing created
    const ok = await ex.createOrder(BTC, 'limit', 'buy', 0.01, ask - 0.5, { postOnly: true, clientOrderId: 'po-1' });
    expect(ok).toMatchObject({ status: 'open', postOnly: true, clientOrderId: 'po-1' });
    await ex.cancelOrder(String(ok.id), BTC);
  });

  it('amends, cancels by client id, and cancels all', async () => {
    const px = ((await ex.fetchOrderBook(BTC, 5)).asks[0]?.[0] as number) + 50;
    const ro = await ex.createOrder(BTC, 'limit', 'sell', 0.1, px, { reduceOnly: true, clientOrderId: 'tp-1' });
    expect(ro.reduceOnly).toBe(true);
    const edited = await ex.editOrder(String(ro.id), BTC, 'limit', 'sell', 0.2, px + 10);
    expect(edited).toMatchObject({ id: ro.id, price: px + 10, amount: 0.2 });
    expect((await ex.fetchOrder('', BTC, { clientOrderId: 'tp-1' })).price).toBe(px + 10);
    const c = await ex.cancelOrder('', BTC, { clientOrderId: 'tp-1' });
    expect(c.status).toBe('canceled');
    await ex.createOrder(BTC, 'limit', 'sell', 0.01, px);
    await ex.createOrder(BTC, 'limit', 'sell', 0.01, px + 1);
    expect(await ex.fetchOpenOrders(BTC)).toHaveLength(2);
    await ex.cancelAllOrders(BTC);
    expect(await ex.fetchOpenOrders()).toHaveLength(0);
    const all = await ex.fetchOrders(BTC);
    expect(all.filter((o) => o.status === 'canceled').length).toBeGreaterThanOrEqual(4);
    expect(all.map((o) => Number(o.id))).toEqual([...all.map((o) => Number(o.id))].sort((a, b) => a - b));
  });

  it('closes the position reduce-only and then rejects reduce-only orders', async () => {
    const [pos] = await ex.fetchPositions([BTC]);
    const close = await ex.createOrder(BTC, 'market', 'sell', pos?.contracts as number, undefined, { reduceOnly: true, clientOrderId: 'close-1' });
    expect(close).toMatchObject({ status: 'closed', reduceOnly: true, clientOrderId: 'close-1' });
    expect(await ex.fetchPositions()).toEqual([]);
    const t = (await ex.fetchMyTrades(BTC)).filter((x) => x.order === close.id);
    expect(t.some((x) => Number((x.info as Record<string, string>)['realizedPnl']) !== 0)).toBe(true);
    await expect(ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, { reduceOnly: true })).rejects.toBeInstanceOf(ccxt.InvalidOrder);
  });
});

describe('errors, as ccxt classifies them', () => {
  it('bad key and bad signature are AuthenticationError', async () => {
    const badKey = await client(lx, { apiKey: 'nope' });
    const badSecret = await client(lx, { secret: 'nope' });
    await expect(badKey.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    await expect(badSecret.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    await Promise.all([badKey.close(), badSecret.close()]);
  });

  it('insufficient margin, min notional, duplicate client id, unknown order, unknown symbol', async () => {
    await expect(ex.createOrder(BTC, 'market', 'buy', 3)).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
    await expect(ex.createOrder(BTC, 'market', 'buy', 0.001 * 0)).rejects.toBeInstanceOf(ccxt.InvalidOrder);
    await expect(ex.createOrder(XRP, 'market', 'buy', 1)).rejects.toThrow(/notional must be no smaller than 5/);
    await expect(ex.createOrder(XRP, 'market', 'buy', 1)).rejects.toBeInstanceOf(ccxt.InvalidOrder);
    await expect(ex.createOrder(BTC, 'market', 'buy', 0.01, undefined, { clientOrderId: 'rest-1' })).rejects.toBeInstanceOf(ccxt.InvalidOrder);
    expect(lx.state().counters.ordersByClientOrderId['rest-1']).toBe(1);
    expect(lx.state().counters.placementsByClientOrderId['rest-1']).toBe(2); // the duplicate was refused (-4116)
    await expect(ex.cancelOrder('12345', BTC)).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    await expect(ex.fetchOrder('12345', BTC)).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    await expect(ex.fetchTicker('DOGE/USDT:USDT')).rejects.toBeInstanceOf(ccxt.BadSymbol);
    const implicit = ex as unknown as { fapiPublicGetTicker24hr(p: object): Promise<unknown> };
    await expect(implicit.fapiPublicGetTicker24hr({ symbol: 'DOGEUSDT' })).rejects.toBeInstanceOf(ccxt.BadSymbol);
    expect(lx.state().counters.internalErrors).toEqual([]);
  });
});
