/**
 * marketData faults through ccxt's real watchers: a spike is one print or closing kline `pct` off
 * the true price on the wire only (REST, matching and fills keep the true price: a twin exchange
 * without the fault fills identically), and a silence withholds a market's streams for a window of
 * exchange time while the sockets stay open (ping/pong) and then resumes. Bad rules are refused
 * with one message naming the field.
 */
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createRng } from '../../src/engine/index.ts';
import { toNumber } from '../../src/local-exchange/decimal.ts';
import { FaultEngine } from '../../src/local-exchange/fault-engine.ts';
import { spikedPrice } from '../../src/local-exchange/market-faults.ts';
import { FaultScriptError, parseFaultScript, startLocalExchange, type LocalExchange, type LocalExchangeEvent, type LocalExchangeOptions } from '../../src/local-exchange/index.ts';
import { client, raw, tick, until, XRP, type Client } from './kit.ts';

const T0 = Date.UTC(2026, 0, 5);
const MIN = 60_000;
const TICK = 0.0001; // XRPUSDT's tickSize (real 2021-07-22 filters)

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of closers.splice(0).reverse()) await f();
});

async function exchange(opts: LocalExchangeOptions = {}): Promise<{ lx: LocalExchange; log: LocalExchangeEvent[] }> {
  const log: LocalExchangeEvent[] = [];
  const lx = await startLocalExchange({ mode: 'manual', startTime: T0, seed: 5, onEvent: (e) => log.push(e), ...opts });
  closers.push(() => lx.close());
  return { lx, log };
}

async function ccxtOn(lx: LocalExchange): Promise<Client> {
  const ex = await client(lx);
  await ex.loadMarkets();
  closers.push(() => ex.close());
  return ex;
}

/** Calls a ccxt watcher in a loop (as a session does), keeping everything it returned. */
function collect<T>(watch: () => Promise<T[]>): T[] {
  const out: T[] = [];
  let stopped = false;
  closers.push(async () => {
    stopped = true;
  });
  void (async () => {
    while (!stopped) {
      try {
        out.push(...(await watch()));
      } catch {
        return; // the client closed
      }
    }
  })();
  return out;
}

const faultsOf = (log: LocalExchangeEvent[], kind: string): Extract<LocalExchangeEvent, { type: 'fault' }>[] =>
  log.filter((e): e is Extract<LocalExchangeEvent, { type: 'fault' }> => e.type === 'fault' && e.kind === kind);

const spiked = (price: number, pct: number): number => Math.round((price * (1 + pct / 100)) / TICK) * TICK;

async function signed(lx: LocalExchange, method: string, path: string, params: Record<string, string>): Promise<unknown> {
  return (await raw(lx, method, path, params, { signed: true })).json;
}

describe('marketData spike', () => {
  it('one print goes out pct off the true price on watchTrades; REST, the mark and the fills keep the truth', async () => {
    const script = { marketData: [{ action: 'spike' as const, pct: 50, direction: 'up' as const, symbols: ['XRPUSDT'], streams: ['trade' as const], nth: [3] }] };
    const { lx, log } = await exchange({ faults: script });
    const { lx: twin } = await exchange();
    const ex = await ccxtOn(lx);
    const wire = collect(() => ex.watchTrades(XRP));
    await until(() => (lx.state().streams['xrpusdt@trade'] ?? 0) > 0, 5000, 'trade subscription');

    // The same orders on both: a market buy, and a resting sell 8% above the market that a +50%
    // print would fill if the spike reached matching.
    const last = Number(((await raw(lx, 'GET', '/fapi/v1/ticker/price', { symbol: 'XRPUSDT' })).json as { price: string }).price);
    const limit = (Math.round((last * 1.08) / TICK) * TICK).toFixed(4);
    for (const x of [lx, twin]) {
      expect(await signed(x, 'POST', '/fapi/v1/order', { symbol: 'XRPUSDT', side: 'BUY', type: 'MARKET', quantity: '100' })).toMatchObject({ status: 'FILLED' });
      expect(await signed(x, 'POST', '/fapi/v1/order', { symbol: 'XRPUSDT', side: 'SELL', type: 'LIMIT', timeInForce: 'GTC', quantity: '50', price: limit })).toMatchObject({ status: 'NEW' });
    }
    lx.advance(15 * MIN);
    twin.advance(15 * MIN);

    const truth = (await raw(lx, 'GET', '/fapi/v1/trades', { symbol: 'XRPUSDT', limit: '1000' })).json as { id: number; price: string; time: number }[];
    const printed = truth.filter((t) => t.time > T0 && t.time <= T0 + 15 * MIN);
    expect(printed.length).toBeGreaterThanOrEqual(8);
    await until(() => wire.length >= printed.length, 5000, 'every print on the wire');
    const byId = new Map(printed.map((t) => [String(t.id), Number(t.price)]));
    const off = wire.filter((t) => Math.abs((t.price as number) - (byId.get(String(t.id)) as number)) > TICK / 2);
    expect(off).toHaveLength(1);
    const bad = off[0] as (typeof wire)[number];
    const trueOfBad = byId.get(String(bad.id)) as number;
    expect(bad.price).toBeCloseTo(spiked(trueOfBad, 50), 6);
    expect(bad.id).toBe(String(printed[2]?.id)); // nth: [3], counted over the prints the rule saw

    // Logged and counted as a spike, naming the print and both prices.
    expect(lx.state().counters.faults['market-spike']).toBe(1);
    expect(faultsOf(log, 'market-spike').map((e) => e.detail)).toEqual([expect.stringContaining(`XRPUSDT trade #${String(bad.id)} trade:`)]);
    expect(faultsOf(log, 'market-spike')[0]?.detail).toContain('(+50%)');

    // Matching never saw it: the true high stays under the resting sell, which did not fill, and
    // the fills, orders and mark are those of the twin that had no fault.
    const bars = (await raw(lx, 'GET', '/fapi/v1/klines', { symbol: 'XRPUSDT', interval: '5m', startTime: String(T0), limit: '3' })).json as string[][];
    expect(Math.max(...bars.map((b) => Number(b[2])))).toBeLessThan(Number(limit));
    expect(spiked(trueOfBad, 50)).toBeGreaterThan(Number(limit));
    const a = lx.state();
    const b = twin.state();
    expect(a.orders.find((o) => o.type === 'LIMIT')?.status).toBe('NEW');
    expect(a.trades).toEqual(b.trades);
    expect(a.orders).toEqual(b.orders);
    expect(a.positions).toEqual(b.positions);
    const mark = async (x: LocalExchange): Promise<unknown> => ((await raw(x, 'GET', '/fapi/v1/premiumIndex', { symbol: 'XRPUSDT' })).json as { markPrice: string }).markPrice;
    expect(await mark(lx)).toBe(await mark(twin));
  });

  it('one closing kline goes out pct off on watchOHLCV (close, and the low stretched to it); REST klines keep the true bar', async () => {
    const { lx, log } = await exchange({ faults: { marketData: [{ action: 'spike', pct: 20, direction: 'down', symbols: ['XRPUSDT'], streams: ['kline'], limit: 1 }] } });
    const ex = await ccxtOn(lx);
    const candles = collect(() => ex.watchOHLCV(XRP, '5m'));
    await until(() => (lx.state().streams['xrpusdt@kline_5m'] ?? 0) > 0, 5000, 'kline subscription');
    lx.advance(10 * MIN + 1);
    await until(() => candles.some((c) => c[0] === T0 + 10 * MIN), 5000, 'the third bar opening');
    await tick(50);
    const seen = new Map(candles.map((c) => [c[0] as number, c]));
    const truth = ((await raw(lx, 'GET', '/fapi/v1/klines', { symbol: 'XRPUSDT', interval: '5m', startTime: String(T0), limit: '2' })).json as string[][]).map((k) => k.slice(0, 5).map(Number));
    const [first, second] = truth as [number[], number[]];
    const wireFirst = seen.get(T0) as number[];
    expect(wireFirst[4]).toBeCloseTo(spiked(first[4] as number, -20), 6);
    expect(wireFirst[3]).toBeCloseTo(Math.min(first[3] as number, spiked(first[4] as number, -20)), 6);
    expect(wireFirst.slice(1, 3)).toEqual(first.slice(1, 3)); // open and high untouched
    expect(seen.get(T0 + 5 * MIN)?.slice(1, 5)).toEqual(second.slice(1, 5)); // limit: 1, the next bar is true
    expect(faultsOf(log, 'market-spike').map((e) => e.detail)).toEqual([expect.stringMatching(/^XRPUSDT kline_5m 2026-01-05T00:00:00.000Z close kline: .* \(-20%\), on the wire only$/)]);
    expect(lx.state().counters.faults['market-spike']).toBe(1);
  });
});

/** A raw market connection that counts what it receives. */
async function rawStream(lx: LocalExchange, stream: string): Promise<{ ws: WebSocket; got: unknown[]; closed: () => boolean }> {
  const ws = new WebSocket(`ws://127.0.0.1:${lx.port}/ws/${stream}`);
  const got: unknown[] = [];
  let closed = false;
  ws.on('message', (d) => got.push(JSON.parse(d.toString())));
  ws.on('close', () => (closed = true));
  await new Promise((r) => ws.once('open', r));
  closers.push(async () => ws.terminate());
  return { ws, got, closed: () => closed };
}

describe('marketData silence', () => {
  it('a market sends nothing for the window (sockets open, pings answered, other markets flowing), then resumes', async () => {
    const { lx, log } = await exchange();
    const ex = await ccxtOn(lx);
    const trades = collect(() => ex.watchTrades(XRP));
    const xrp = await rawStream(lx, 'xrpusdt@trade');
    const btc = await rawStream(lx, 'btcusdt@trade');
    await until(() => (lx.state().streams['xrpusdt@trade'] ?? 0) >= 2, 5000, 'trade subscriptions');
    lx.setFaults({ marketData: [{ action: 'silence', afterSec: 300, forSec: 600, symbols: ['XRPUSDT'] }] });
    const connections = lx.state().connections.market;

    lx.advanceTo(T0 + 5 * MIN); // before the window: the bar's prints go out
    await until(() => trades.length > 0 && xrp.got.length > 0, 5000, 'prints before the silence');
    await tick(100);
    const before = { ccxt: trades.length, raw: xrp.got.length, btc: btc.got.length };

    lx.advanceTo(T0 + 15 * MIN - 1); // the whole window: two XRP bars of prints withheld
    await tick(300);
    expect(trades.length).toBe(before.ccxt);
    expect(xrp.got.length).toBe(before.raw);
    expect(btc.got.length).toBeGreaterThan(before.btc); // the rule names XRPUSDT only
    const pong = new Promise<boolean>((r) => xrp.ws.once('pong', () => r(true)));
    xrp.ws.ping();
    expect(await pong).toBe(true);
    expect(xrp.closed()).toBe(false);
    expect(lx.state().connections.market).toBe(connections);
    expect(lx.state().counters.faults['market-silence']).toBe(1);
    expect(faultsOf(log, 'market-silence')[0]?.detail).toBe('XRPUSDT, every market stream: nothing sent from 2026-01-05T00:05:00.000Z for 600 s (connections stay open)');

    lx.advanceTo(T0 + 20 * MIN); // after the window: the streams resume on the same sockets
    await until(() => trades.length > before.ccxt && xrp.got.length > before.raw, 5000, 'prints after the silence');
    const resumed = trades.slice(before.ccxt);
    expect(Math.min(...resumed.map((t) => t.timestamp as number))).toBeGreaterThanOrEqual(T0 + 15 * MIN);
    expect(lx.state().connections.market).toBe(connections);
    expect(faultsOf(log, 'market-resume')).toHaveLength(1);
    expect(faultsOf(log, 'market-resume')[0]?.detail).toMatch(/^XRPUSDT, every market stream: streams resume at 2026-01-05T00:15:00.000Z after [1-9]\d* message\(s\) withheld$/);
  });
});

describe('marketData validation', () => {
  it('refuses negative pct, unknown actions and forSec <= 0 with one line each, naming the field', async () => {
    const bad = { marketData: [{ action: 'spike', pct: -5 }, { action: 'flood' }, { action: 'silence', forSec: 0 }, { action: 'silence', afterSec: -1, forSec: 5, streams: ['candles'] }] };
    expect(() => parseFaultScript(bad)).toThrow(FaultScriptError);
    const lines = (() => {
      try {
        parseFaultScript(bad);
      } catch (e) {
        return (e as Error).message
          .split('\n')
          .slice(1)
          .map((l) => l.trim());
      }
      return [];
    })();
    expect(lines).toEqual([
      'faults.marketData[0].pct: expected a percent > 0 away from the true price',
      'faults.marketData[1].action: expected "spike" or "silence", got "flood"',
      'faults.marketData[2].forSec: expected a silence of more than 0 seconds',
      'faults.marketData[3].afterSec: expected seconds >= 0',
      expect.stringMatching(/^faults\.marketData\[3\]\.streams\[0\]: .*"trade".*"miniTicker"/),
    ]);
    expect(() => parseFaultScript({ marketData: [{ action: 'spike', pct: 150 }] })).toThrow(/faults\.marketData\[0\]\.pct: a spike that may go down must be under 100%/);
    expect(parseFaultScript({ marketData: [{ action: 'spike', pct: 150, direction: 'up' }] }).marketData).toHaveLength(1);
    await expect(startLocalExchange({ mode: 'manual', faults: bad as never })).rejects.toThrow(/faults\.marketData\[1\]\.action/);
    const { lx } = await exchange();
    expect(() => lx.setFaults({ marketData: [{ action: 'silence', forSec: 5, symbols: ['DOGEUSDT'] }] })).toThrow(
      'invalid fault script:\n  faults.marketData[0].symbols[0]: DOGEUSDT is not a market of this exchange (it lists BTCUSDT, XRPUSDT)',
    );
  });
});

describe('marketData properties', () => {
  it('a spiked price is on the tick grid, positive, and pct away from the true price to within half a tick', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 6 }), fc.double({ min: 0.01, max: 99.9, noNaN: true }), fc.boolean(), (ticks, tickExp, pct, up) => {
        const tick = 10n ** BigInt(18 - tickExp); // 10^-tickExp in fixed-18
        const price = BigInt(ticks) * tick;
        const out = spikedPrice(price, pct, up, tick);
        expect(out % tick).toBe(0n);
        expect(out > 0n).toBe(true);
        const want = toNumber(price) * (up ? 1 + pct / 100 : 1 - pct / 100);
        expect(Math.abs(toNumber(out) - want)).toBeLessThanOrEqual(Math.max(toNumber(tick) / 2, want <= toNumber(tick) ? toNumber(tick) : 0) + 1e-9 * want);
      }),
    );
  });

  it('a silence withholds exactly the messages in [set + afterSec, set + afterSec + forSec), logging one start and one resume', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 100 }), fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 60 }), (after, len, steps) => {
        let now = 1_000_000;
        const fired: string[] = [];
        const f = new FaultEngine(
          createRng(1),
          undefined,
          (k) => fired.push(k),
          () => now,
        );
        f.set({ marketData: [{ action: 'silence', afterSec: after / 10, forSec: len / 10, symbols: ['XRPUSDT'], streams: ['trade'] }] });
        const from = 1_000_000 + after * 100;
        const to = from + len * 100;
        let withheld = 0;
        for (const d of steps) {
          now += d;
          const inWindow = now >= from && now < to;
          expect(f.silenced('trade', 'XRPUSDT')).toBe(inWindow);
          expect(f.silenced('kline', 'XRPUSDT')).toBe(false);
          expect(f.silenced('trade', 'BTCUSDT')).toBe(false);
          if (inWindow) withheld++;
        }
        expect(fired.filter((k) => k === 'market-silence')).toHaveLength(withheld > 0 || now >= from ? 1 : 0);
        expect(fired.filter((k) => k === 'market-resume')).toHaveLength(now >= to ? 1 : 0);
      }),
    );
  });
});
