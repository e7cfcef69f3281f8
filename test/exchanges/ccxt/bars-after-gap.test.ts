/**
 * A bar from the WebSocket becomes final when the next candle starts. When the feed was cut in the
 * middle of a bar (a silence, a dropped connection) that bar's last updates, its close among them,
 * never arrived: what ccxt holds for it is a truncated bar. It must not be passed on as the
 * venue's bar: the adapter takes the closed bar from the venue's REST klines instead. Likewise the
 * bars that close between a session's warm-up and the stream's first candle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bar, MarketData } from '../../../src/engine/index.ts';
import { CcxtMarketData } from '../../../src/exchanges/ccxt/index.ts';
import { localVenue, settle, type LocalVenue } from '../../kit/local-venue.ts';

const BAR = 300_000;

describe('a candle cut short by a feed gap', () => {
  let v: LocalVenue;
  beforeAll(async () => {
    v = await localVenue({}, ['XRPUSDT']);
  });
  afterAll(async () => v.close());

  it('is emitted as the venue closed it (REST klines), not as the last update that arrived', async () => {
    const md = new CcxtMarketData(v.conn.requester, v.conn.marketIndex, () => undefined);
    const got: Bar[] = [];
    await md.subscribe({ symbols: [...v.conn.markets.values()].map((m) => m.symbol), barInterval: BAR }, (d: MarketData) => void (d.type === 'bar' && got.push(d)));
    const topic = 'xrpusdt@kline_5m';
    for (let i = 0; i < 100 && (v.lx.state().streams[topic] ?? 0) === 0; i++) await settle(50);
    const t0 = v.lx.serverTime();
    v.lx.advance(BAR);
    await settle(200);
    v.lx.advance(BAR);
    await settle(200);
    // The streams go quiet half-way through the third bar, for three bars.
    v.lx.setFaults({ marketData: [{ action: 'silence', afterSec: 150, forSec: 3 * (BAR / 1000), symbols: ['XRPUSDT'] }] });
    for (let i = 0; i < 4; i++) {
      v.lx.advance(BAR);
      await settle(200);
    }
    v.lx.advance(BAR); // the next bar starts and closes: the cut one is final now
    for (let i = 0; i < 100 && !got.some((b) => b.tsEvent >= t0 + 5 * BAR); i++) await settle(50);
    await md.close();
    const res = await fetch(`${v.lx.url}/fapi/v1/klines?symbol=XRPUSDT&interval=5m&startTime=${t0}&limit=10`);
    const truth = new Map(((await res.json()) as string[][]).map((k) => [Number(k[0]), { open: Number(k[1]), high: Number(k[2]), low: Number(k[3]), close: Number(k[4]) }]));
    const cut = t0 + 2 * BAR;
    expect(got.map((b) => b.tsEvent)).toContain(cut);
    for (const b of got) expect({ t: b.tsEvent, open: b.open, high: b.high, low: b.low, close: b.close }).toEqual({ t: b.tsEvent, ...truth.get(b.tsEvent) });
    // The bars the silence withheld entirely stay missing (a gap, counted downstream), not invented.
    expect(got.map((b) => b.tsEvent).filter((t) => t > cut && t < t0 + 5 * BAR)).toEqual([]);
  });

  it("bars that closed between the warm-up and the stream's first candle are delivered first, from REST; none of the warm-up again", async () => {
    const md = new CcxtMarketData(v.conn.requester, v.conn.marketIndex, () => undefined);
    const klines = async (start: number): Promise<Map<number, { open: number; high: number; low: number; close: number }>> => {
      const res = await fetch(`${v.lx.url}/fapi/v1/klines?symbol=XRPUSDT&interval=5m&startTime=${start}&limit=20`);
      return new Map(((await res.json()) as string[][]).map((k) => [Number(k[0]), { open: Number(k[1]), high: Number(k[2]), low: Number(k[3]), close: Number(k[4]) }]));
    };
    // The bar forming now; the caller's warm-up ended three bars before it (a slow start-up).
    const forming = Math.max(...(await klines(v.lx.serverTime() - 2 * BAR)).keys());
    const from = forming - 3 * BAR;
    const got: Bar[] = [];
    const sym = [...v.conn.markets.values()].map((m) => m.symbol);
    await md.subscribe({ symbols: sym, barInterval: BAR, barsFrom: { [sym[0] as string]: from } }, (d: MarketData) => void (d.type === 'bar' && got.push(d)));
    const topic = 'xrpusdt@kline_5m';
    for (let i = 0; i < 100 && (v.lx.state().streams[topic] ?? 0) < 2; i++) await settle(50);
    v.lx.advance(BAR); // the forming bar closes; the stream's first candle comes
    v.lx.advance(BAR);
    for (let i = 0; i < 100 && !got.some((b) => b.tsEvent >= forming); i++) await settle(50);
    await md.close();
    const truth = await klines(from - BAR);
    expect(got.map((b) => b.tsEvent).slice(0, 4)).toEqual([from, from + BAR, from + 2 * BAR, forming]);
    for (const b of got) expect({ t: b.tsEvent, open: b.open, high: b.high, low: b.low, close: b.close }).toEqual({ t: b.tsEvent, ...truth.get(b.tsEvent) });
    expect(new Set(got.map((b) => b.tsEvent)).size).toBe(got.length); // none twice
  });
});
