/**
 * Every fault kind of a FaultScript observably happens, with the consequences a client must
 * survive (and the exchange never creates two orders for one client order id).
 */
import ccxt from 'ccxt';
import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/engine/index.ts';
import { latencySampler } from '../../src/local-exchange/fault-engine.ts';
import { parseFaultScript, startLocalExchange, type LocalExchange } from '../../src/local-exchange/index.ts';
import { BTC, client, raw, tick, until, within, type Client } from './kit.ts';

let lx: LocalExchange;
let ex: Client;

beforeAll(async () => {
  lx = await startLocalExchange({ mode: 'manual', seed: 3 });
  ex = await client(lx, { timeout: 400 });
  await ex.loadMarkets();
});
afterEach(() => lx.setFaults({}));
afterAll(async () => {
  await ex.close();
  await lx.close();
});

type Msg = Record<string, unknown> & { e?: string; o?: Record<string, unknown> };

/** A raw user-data stream connection that records every event with its arrival order. */
async function userStream(): Promise<{ msgs: Msg[]; ws: WebSocket; log: string[] }> {
  const r = await raw(lx, 'POST', '/fapi/v1/listenKey', {}, { apiKey: 'local' });
  const key = (r.json as { listenKey: string }).listenKey;
  const ws = new WebSocket(`ws://127.0.0.1:${lx.port}/private/ws?listenKey=${key}`);
  const msgs: Msg[] = [];
  const log: string[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as Msg;
    msgs.push(m);
    log.push(`ws:${m.e}:${String(m.o?.['x'] ?? '')}`);
  });
  await new Promise((res) => ws.once('open', res));
  return { msgs, ws, log };
}

const trades = (msgs: Msg[]): Msg[] => msgs.filter((m) => m.e === 'ORDER_TRADE_UPDATE' && m.o?.['x'] === 'TRADE');

describe('fault scripts', () => {
  it('latency distributions are seeded and shaped as specified', () => {
    const draw = (spec: string, seed: number): number[] => {
      const f = latencySampler(spec, createRng(seed));
      return Array.from({ length: 2000 }, () => f());
    };
    expect(draw('lognormal:25,120', 1)).toEqual(draw('lognormal:25,120', 1));
    const ln = draw('lognormal:25,120', 2).sort((a, b) => a - b);
    expect(ln[1000]).toBeGreaterThan(20);
    expect(ln[1000]).toBeLessThan(30);
    expect(ln[1980]).toBeGreaterThan(90);
    expect(ln[1980]).toBeLessThan(160);
    const u = draw('uniform:10-50', 3);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...u)).toBeLessThan(50);
  });

  it('refuses a bad script with one line per problem, naming the field', () => {
    expect(() => parseFaultScript({ latency: 'normal:3', ws: [{ stream: 'both' }], rest: [{ action: { type: 'reject', code: 2019 } }] })).toThrow(
      /faults\.latency: .*\n {2}faults\.rest\[0\]\.action\.code: .*\n {2}faults\.ws\[0\]\.stream: /,
    );
  });
});

describe('REST faults', () => {
  it('latency: a base delay and a spike on the Nth request', async () => {
    lx.setFaults({ latency: 60, rest: [{ path: '/fapi/v1/time', nth: [2], action: { type: 'latency', ms: 250 } }] });
    const timed = async (): Promise<number> => {
      const t = Date.now();
      await ex.fetchTime();
      return Date.now() - t;
    };
    const a = await timed();
    const b = await timed();
    expect(a).toBeGreaterThanOrEqual(55);
    expect(b).toBeGreaterThanOrEqual(300);
    expect(lx.state().counters.faults['latency-spike']).toBe(1);
  });

  it('429 carries Retry-After and -1003; ccxt raises DDoSProtection', async () => {
    lx.setFaults({ rest: [{ path: '/fapi/v1/depth', action: { type: 'status', status: 429, retryAfter: 7 } }] });
    const r = await raw(lx, 'GET', '/fapi/v1/depth', { symbol: 'BTCUSDT' });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('7');
    expect(r.json).toMatchObject({ code: -1003 });
    await expect(ex.fetchOrderBook(BTC)).rejects.toBeInstanceOf(ccxt.DDoSProtection);
  });

  it('418 and 5xx by path and method', async () => {
    lx.setFaults({
      rest: [
        { method: 'GET', path: '/fapi/v1/ticker/*', nth: [1], action: { type: 'status', status: 418 } },
        { method: 'GET', path: '/fapi/v1/premiumIndex', action: { type: 'status', status: 502 } },
      ],
    });
    await expect(ex.fetchTicker(BTC)).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    await expect(ex.fetchTicker(BTC)).resolves.toMatchObject({ symbol: BTC });
    const r = await raw(lx, 'GET', '/fapi/v1/premiumIndex', { symbol: 'BTCUSDT' });
    expect(r.status).toBe(502);
    await expect(ex.fetchFundingRate(BTC)).rejects.toBeInstanceOf(ccxt.OperationFailed);
    expect(lx.state().counters.faults).toMatchObject({ 'status-418': 1, 'status-502': 2 });
  });

  it('timeout after processing: the order exists, the retry is refused as a duplicate, one order per client id', async () => {
    lx.setFaults({ rest: [{ method: 'POST', path: '/fapi/v1/order', nth: [1], action: { type: 'timeout', process: true } }] });
    await expect(ex.createOrder(BTC, 'market', 'buy', 0.01, undefined, { clientOrderId: 'dup-1' })).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    expect(lx.state().orders.find((o) => o.clientOrderId === 'dup-1')?.status).toBe('FILLED');
    await expect(ex.createOrder(BTC, 'market', 'buy', 0.01, undefined, { clientOrderId: 'dup-1' })).rejects.toThrow(/ClientOrderId is duplicated/);
    expect((await ex.fetchOrder('', BTC, { clientOrderId: 'dup-1' })).status).toBe('closed');
    expect(lx.state().counters.ordersByClientOrderId['dup-1']).toBe(1);
    // The re-send did reach the venue (2 placements); it was refused, so still one order.
    expect(lx.state().counters.placementsByClientOrderId['dup-1']).toBe(2);
  });

  it('timeout without processing (hang or reset): no order, the retry goes through', async () => {
    lx.setFaults({
      rest: [
        { method: 'POST', path: '/fapi/v1/order', nth: [1], action: { type: 'timeout', process: false } },
        { method: 'POST', path: '/fapi/v1/order', nth: [2], action: { type: 'timeout', process: false, reset: true } },
      ],
    });
    await expect(ex.createOrder(BTC, 'market', 'buy', 0.01, undefined, { clientOrderId: 'lost-1' })).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    await expect(ex.createOrder(BTC, 'market', 'buy', 0.01, undefined, { clientOrderId: 'lost-1' })).rejects.toBeInstanceOf(ccxt.NetworkError);
    expect(lx.state().counters.ordersByClientOrderId['lost-1']).toBeUndefined();
    expect(lx.state().counters.placementsByClientOrderId['lost-1']).toBeUndefined(); // never processed
    await ex.createOrder(BTC, 'market', 'buy', 0.01, undefined, { clientOrderId: 'lost-1' });
    expect(lx.state().counters.ordersByClientOrderId['lost-1']).toBe(1);
    expect(lx.state().counters.placementsByClientOrderId['lost-1']).toBe(1);
    expect(lx.state().counters.faults).toMatchObject({ 'timeout-dropped': 2, 'timeout-processed': 1 });
  });

  it('order rejects: scripted codes, and by probability from the seeded RNG', async () => {
    lx.setFaults({
      rest: [
        { method: 'POST', path: '/fapi/v1/order', nth: [1], action: { type: 'reject', code: -2019 } },
        { method: 'POST', path: '/fapi/v1/order', nth: [2], action: { type: 'reject', code: -2010, msg: 'Account has insufficient balance for requested action.' } },
      ],
    });
    await expect(ex.createOrder(BTC, 'market', 'sell', 0.01)).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
    await expect(ex.createOrder(BTC, 'market', 'sell', 0.01)).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
    lx.setFaults({ rest: [{ method: 'POST', path: '/fapi/v1/order', probability: 0.5, action: { type: 'reject', code: -2010 } }] });
    let rejected = 0;
    for (let i = 0; i < 12; i++) {
      try {
        await ex.createOrder(BTC, 'market', i % 2 === 0 ? 'sell' : 'buy', 0.01);
      } catch (e) {
        expect(e).toBeInstanceOf(ccxt.InvalidOrder);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
    expect(rejected).toBeLessThan(12);
  });

  it('a 503 whose request was processed: execution status unknown, the order exists', async () => {
    lx.setFaults({ rest: [{ method: 'POST', path: '/fapi/v1/order', nth: [1], action: { type: 'status', status: 503, process: true } }] });
    await expect(ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, { clientOrderId: 'unk-1' })).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    expect(lx.state().counters.ordersByClientOrderId['unk-1']).toBe(1);
  });
});

describe('stream faults', () => {
  it('drops market and user WebSocket connections; clients reconnect', async () => {
    const p = ex.watchTrades(BTC);
    await until(() => (lx.state().streams['btcusdt@trade'] ?? 0) > 0, 3000, 'trade subscription');
    lx.setFaults({ ws: [{ stream: 'market', nth: [1] }] });
    for (let i = 0; i < 6; i++) lx.advance(20_000);
    await expect(within(p, 3000, 'dropped watch')).rejects.toBeInstanceOf(ccxt.NetworkError);
    lx.setFaults({});
    const again = ex.watchTrades(BTC);
    await until(() => (lx.state().streams['btcusdt@trade'] ?? 0) > 0, 3000, 'resubscription');
    for (let i = 0; i < 6; i++) lx.advance(20_000);
    expect((await within(again, 3000, 'reconnected watch')).length).toBeGreaterThan(0);

    const u = await userStream();
    lx.setFaults({ ws: [{ stream: 'user', nth: [1] }] });
    const closed = new Promise((res) => u.ws.once('close', res));
    await ex.createOrder(BTC, 'market', 'buy', 0.01);
    await within(closed, 3000, 'user stream drop');
    expect(u.msgs).toHaveLength(0);
    expect(lx.state().counters.faults).toMatchObject({ 'ws-drop-market': 1, 'ws-drop-user': 1 });
    expect(lx.dropConnections('market')).toBeGreaterThanOrEqual(0);
  });

  it('user events duplicated, dropped, and delivered before the REST ack', async () => {
    const u = await userStream();
    lx.setFaults({ userStream: [{ action: 'duplicate', events: 'fills' }] });
    await ex.createOrder(BTC, 'market', 'buy', 0.01);
    await until(() => trades(u.msgs).length >= 2, 3000, 'duplicated fill');
    expect(trades(u.msgs)[0]).toEqual(trades(u.msgs)[1]);

    u.msgs.length = 0;
    lx.setFaults({ userStream: [{ action: 'drop', events: 'fills' }] });
    await ex.createOrder(BTC, 'market', 'sell', 0.01);
    await until(() => u.msgs.some((m) => m.e === 'ACCOUNT_UPDATE'), 3000, 'account update');
    expect(trades(u.msgs)).toHaveLength(0);
    expect(u.msgs.some((m) => m.o?.['x'] === 'NEW')).toBe(true);

    u.log.length = 0;
    lx.setFaults({ userStream: [{ action: 'beforeAck', events: 'all' }] });
    await raw(lx, 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' }, { signed: true }).then(() => u.log.push('ack'));
    expect(u.log.indexOf('ack')).toBeGreaterThan(u.log.indexOf('ws:ORDER_TRADE_UPDATE:TRADE'));
    expect(u.log.indexOf('ws:ORDER_TRADE_UPDATE:TRADE')).toBeGreaterThanOrEqual(0);
    u.ws.close();
  });

  it('forced partial fills: one fill becomes several TRADE events', async () => {
    const u = await userStream();
    lx.setFaults({ partialFills: { pieces: 4 } });
    const o = await ex.createOrder(BTC, 'market', 'buy', 0.02);
    await until(() => trades(u.msgs).length >= 4, 3000, 'split fills');
    const t = trades(u.msgs);
    expect(t.map((m) => m.o?.['X'])).toEqual(['PARTIALLY_FILLED', 'PARTIALLY_FILLED', 'PARTIALLY_FILLED', 'FILLED']);
    expect(new Set(t.map((m) => m.o?.['t'])).size).toBe(4);
    expect((await ex.fetchMyTrades(BTC)).filter((x) => x.order === o.id)).toHaveLength(4);
    u.ws.close();
  });
});

describe('external actions (the venue website)', () => {
  it('orders placed, canceled and a position closed by hand reach the user stream', async () => {
    const u = await userStream();
    const bid = (await ex.fetchOrderBook(BTC, 1)).bids[0]?.[0] as number;
    const o = lx.external.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: 0.01, price: bid - 5, clientOrderId: 'web-1' }) as { orderId: number };
    expect((await ex.fetchOpenOrders(BTC)).map((x) => x.clientOrderId)).toContain('web-1');
    lx.external.cancelOrder('BTCUSDT', o.orderId);
    lx.external.placeOrder({ symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', quantity: 0.01, price: bid + 50 });
    lx.external.cancelAll('BTCUSDT');
    lx.external.closePosition('BTCUSDT');
    await until(() => u.msgs.some((m) => m.e === 'ACCOUNT_UPDATE'), 3000, 'close fill');
    await tick(20);
    const xs = u.msgs.filter((m) => m.e === 'ORDER_TRADE_UPDATE').map((m) => m.o?.['x']);
    expect(xs).toEqual(expect.arrayContaining(['NEW', 'CANCELED', 'TRADE']));
    expect(await ex.fetchPositions()).toEqual([]);
    u.ws.close();
    const counts = Object.values(lx.state().counters.ordersByClientOrderId);
    expect(Math.max(...counts)).toBe(1);
    expect(lx.state().counters.internalErrors).toEqual([]);
  });
});

describe('request weight', () => {
  it('counts weight per minute, answers 429 with Retry-After, then bans with 418', async () => {
    const t = Date.UTC(2030, 0, 1, 0, 0, 10);
    const rl = await startLocalExchange({ mode: 'manual', now: () => t, faults: { rateLimit: { weightPerMinute: 5, banAfter429: 2, banSeconds: 90 } } });
    try {
      const seen: [number, string | null, string | null][] = [];
      for (let i = 0; i < 9; i++) {
        const r = await raw(rl, 'GET', '/fapi/v1/time');
        seen.push([r.status, r.headers.get('x-mbx-used-weight-1m'), r.headers.get('retry-after')]);
      }
      expect(seen.slice(0, 5).map((s) => s[0])).toEqual([200, 200, 200, 200, 200]);
      expect(seen.slice(0, 5).map((s) => s[1])).toEqual(['1', '2', '3', '4', '5']);
      expect(seen[5]).toEqual([429, '6', '50']);
      expect(seen[6]?.[0]).toBe(429);
      expect(seen[7]).toEqual([418, '8', '90']);
      expect(seen[8]?.[0]).toBe(418);
    } finally {
      await rl.close();
    }
  });
});
