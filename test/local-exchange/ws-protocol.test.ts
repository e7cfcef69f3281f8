/**
 * The WebSocket protocol without ccxt: SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS and their
 * acks, invalid streams, combined-stream wrappers, aggregated klines, ticker and mark-price
 * arrays; and realtime mode pacing virtual time by the wall clock.
 */
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED, startLocalExchange, type LocalExchange } from '../../src/local-exchange/index.ts';
import { until } from './kit.ts';

type Msg = Record<string, unknown>;
let lx: LocalExchange;

async function connect(path: string): Promise<{ ws: WebSocket; msgs: Msg[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${lx.port}${path}`);
  const msgs: Msg[] = [];
  ws.on('message', (d) => msgs.push(JSON.parse(d.toString()) as Msg));
  await new Promise((res, rej) => {
    ws.once('open', res);
    ws.once('error', rej);
  });
  return { ws, msgs };
}

beforeAll(async () => {
  lx = await startLocalExchange({ mode: 'manual' });
});
afterAll(async () => lx.close());

describe('market stream protocol', () => {
  it('acks subscriptions, lists them, rejects unknown streams, and unsubscribes', async () => {
    const { ws, msgs } = await connect('/market/ws/3');
    ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@kline_5m', 'btcusdt@miniTicker', '!markPrice@arr@1s'], id: 1 }));
    ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 2 }));
    ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['dogeusdt@trade'], id: 3 }));
    ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['xrpusdt@kline_1m'], id: 4 }));
    ws.send('not json');
    await until(() => msgs.length >= 5, 3000, 'replies');
    expect(msgs[0]).toEqual({ result: null, id: 1 });
    expect(msgs[1]).toEqual({ result: ['btcusdt@kline_5m', 'btcusdt@miniTicker', '!markPrice@arr@1s'], id: 2 });
    expect(msgs[2]).toMatchObject({ error: { code: 2 }, id: 3 });
    expect(msgs[3]).toMatchObject({ error: { code: 2 }, id: 4 }); // XRPUSDT data is 5m: no 1m klines
    expect(msgs[4]).toHaveProperty('error');
    msgs.length = 0;
    lx.advance(20_000);
    await until(() => msgs.some((m) => m['e'] === 'kline') && msgs.some(Array.isArray), 3000, 'stream data');
    const k = msgs.find((m) => m['e'] === 'kline') as { k: Msg };
    expect(k.k).toMatchObject({ i: '5m', s: 'BTCUSDT', x: false });
    expect((k.k['T'] as number) - (k.k['t'] as number)).toBe(300_000 - 1);
    expect(msgs.find((m) => m['e'] === '24hrMiniTicker')).toMatchObject({ s: 'BTCUSDT' });
    expect((msgs.find(Array.isArray) as unknown as Msg[])[0]).toMatchObject({ e: 'markPriceUpdate', r: '0.00000000' });
    ws.send(JSON.stringify({ method: 'UNSUBSCRIBE', params: ['btcusdt@kline_5m', 'btcusdt@miniTicker', '!markPrice@arr@1s'], id: 5 }));
    await until(() => msgs.some((m) => m['id'] === 5), 3000, 'unsubscribe ack');
    expect(lx.state().streams).toEqual({});
    ws.close();
  });

  it('serves combined streams with the {stream, data} wrapper', async () => {
    const { ws, msgs } = await connect('/stream?streams=btcusdt@aggTrade/xrpusdt@bookTicker');
    await until(() => (lx.state().streams['btcusdt@aggTrade'] ?? 0) > 0, 3000, 'subscription');
    lx.advance(300_000);
    await until(() => msgs.some((m) => m['stream'] === 'btcusdt@aggTrade') && msgs.some((m) => m['stream'] === 'xrpusdt@bookTicker'), 3000, 'wrapped data');
    expect((msgs.find((m) => m['stream'] === 'btcusdt@aggTrade') as { data: Msg }).data).toMatchObject({ e: 'aggTrade', s: 'BTCUSDT' });
    ws.close();
  });

  it('refuses a user stream without a valid listen key', async () => {
    await expect(connect('/private/ws?listenKey=nope')).rejects.toThrow(/400/);
  });
});

describe('realtime mode', () => {
  it('moves virtual time at `speed` times the wall clock', async () => {
    const rt = await startLocalExchange({ speed: 600, markets: [{ kind: 'candles', symbol: 'XRPUSDT', file: BUNDLED.xrpusdt5m }] });
    try {
      const a = rt.serverTime();
      const w = Date.now();
      await new Promise((r) => setTimeout(r, 200));
      const elapsed = (rt.serverTime() - a) / (Date.now() - w);
      expect(elapsed).toBeGreaterThan(400);
      expect(elapsed).toBeLessThan(800);
      rt.advance(8 * 3_600_000); // skips ahead in realtime mode too
      expect(rt.serverTime() - a).toBeGreaterThanOrEqual(8 * 3_600_000);
    } finally {
      await rt.close();
    }
  });
});
