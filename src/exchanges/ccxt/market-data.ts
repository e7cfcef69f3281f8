/**
 * Live market data through ccxt: WebSocket (ccxt.pro watch*) where the venue has it, REST polling
 * (through the rate limiter, like every request) where it does not. Candles become Bars when they close (when the next candle starts;
 * after missing candles, a feed cut, the closed bar is taken from REST, not the last update that arrived); trades
 * and best bid/ask become ticks; the funding rate in force becomes a FundingRateUpdate at each
 * settlement time. Every loop survives disconnects with backoff; a refused key halts.
 */
import type { OHLCV } from 'ccxt';
import { HaltError, OrderRejectedError, makeBar, type Bar, type MarketData, type MarketDataPort, type MarketDataRequest, type Symbol } from '../../engine/index.ts';
import type { MarketIndex, VenueMarket } from './markets.ts';
import type { Requester } from './requester.ts';
import { runLoop } from './run-loop.ts';

export { intervalOf, timeframeOf } from './timeframes.ts';
import { intervalOf, timeframeOf } from './timeframes.ts';

export class CcxtMarketData implements MarketDataPort {
  private running = false;
  /** Loops that are connected and receiving. */
  readonly health = new Map<string, { ok: boolean; lastAt: number; error?: string }>();
  /** The next funding settlement per symbol as the venue announces it (time, epoch ms; predicted rate). */
  readonly fundingOutlook = new Map<string, { readonly nextTime: number; readonly rate: number }>();

  constructor(
    private readonly r: Requester,
    private readonly markets: MarketIndex,
    private readonly onHalt: (e: HaltError) => void,
    /** REST polling period when the venue has no stream (default: a quarter bar for bars, 1 s for ticks). */
    private readonly pollMs?: number,
  ) {}

  /** The last `limit` closed bars (none for 0: the request still checks the interval). A bar interval the venue does not serve for the market is a HaltError naming those it does. */
  async history(symbol: Symbol, interval: number, limit: number): Promise<Bar[]> {
    const m = this.markets.market(symbol);
    const now = this.r.now();
    const tf = timeframeOf(interval);
    let rows: OHLCV[];
    try {
      rows = await this.r.retrying('fetchOHLCV', (c) => c.fetchOHLCV(m.ccxtSymbol, tf, now - (limit + 1) * interval, limit + 1));
    } catch (err) {
      throw err instanceof OrderRejectedError ? await this.refusedBars(m, tf, err) : err;
    }
    const bars = rows.filter((k) => (k[0] as number) + interval <= now).map((k) => toBar(m.symbol, interval, k));
    return limit > 0 ? bars.slice(-limit) : []; // slice(-0) would keep them all
  }

  /**
   * The bars opened in [from, before) as the venue closed them (REST), oldest first: a candle the
   * stream may have cut short (one bar), or the bars that closed before the stream's first candle.
   * What the venue does not give is left out (then it is missing, a gap downstream, rather than a
   * truncated bar passed on as final).
   */
  private async closedBars(m: VenueMarket, interval: number, from: number, before: number): Promise<Bar[]> {
    try {
      const n = Math.min(1000, Math.ceil((before - from) / interval));
      const rows = await this.r.call('fetchOHLCV', (c) => c.fetchOHLCV(m.ccxtSymbol, timeframeOf(interval), from, n));
      return rows
        .filter((r) => (r[0] as number) >= from && (r[0] as number) < before)
        .sort((a, b) => (a[0] as number) - (b[0] as number))
        .map((k) => toBar(m.symbol, interval, k));
    } catch (err) {
      if (err instanceof HaltError) throw err;
      return [];
    }
  }

  /**
   * The venue refused a market's bars of one interval. Venues name their intervals for the whole
   * exchange (ccxt's `timeframes`) but may serve fewer per market, so the others are asked for one
   * bar each (only on this failure path) to say which it does serve.
   */
  private async refusedBars(m: VenueMarket, tf: string, err: OrderRejectedError): Promise<HaltError> {
    const others = timeframesToTry(this.r.client.timeframes, tf);
    // Through the rate limiter like any request; one that fails is not served (or not now), and left out.
    const answers = await Promise.allSettled(others.map((other) => this.r.call('fetchOHLCV', (c) => c.fetchOHLCV(m.ccxtSymbol, other, undefined, 1))));
    const served = others.filter((_, i) => answers[i]?.status === 'fulfilled');
    if (served.length === 0) return new HaltError(`the venue refused ${m.symbol}'s ${tf} bars (${err.message}) and served no other bar interval either. Nothing was traded.`);
    return new HaltError(
      `the venue does not serve ${tf} bars for ${m.symbol} (it answered: ${err.message}); it serves ${served.join(', ')}. Nothing was traded. Pass --timeframe ${served[0]} (or another it serves).`,
    );
  }

  async subscribe(req: MarketDataRequest, sink: (d: MarketData) => void): Promise<void> {
    this.running = true;
    const has = this.r.client.has;
    for (const sym of req.symbols) {
      const m = this.markets.market(sym);
      if (req.barInterval !== undefined) {
        const interval = req.barInterval;
        let current: OHLCV | undefined;
        const from = req.barsFrom?.[sym];
        const onCandles = async (rows: OHLCV[]): Promise<void> => {
          for (const k of [...rows].sort((a, b) => (a[0] as number) - (b[0] as number))) {
            // Bars that closed between the caller's warm-up and the stream's first candle: from REST, first.
            if (current === undefined && from !== undefined && (k[0] as number) > from) for (const b of await this.closedBars(m, interval, from, k[0] as number)) sink(b);
            if (current !== undefined && (k[0] as number) > (current[0] as number)) {
              // Candles missing between them: the feed was cut, maybe before this one's last updates (its close).
              const cut = (k[0] as number) > (current[0] as number) + interval;
              const open = current[0] as number;
              const bar = cut ? (await this.closedBars(m, interval, open, open + interval))[0] : toBar(m.symbol, interval, current);
              if (bar !== undefined && (from === undefined || bar.tsEvent >= from)) sink(bar); // the warm-up's bars are not sent again
            }
            if (current === undefined || (k[0] as number) >= (current[0] as number)) current = k;
          }
        };
        if (has['watchOHLCV'] === true) this.loop(`bars ${sym}`, async (c) => onCandles(await c.watchOHLCV(m.ccxtSymbol, timeframeOf(interval))));
        else
          this.poll(`bars ${sym}`, this.pollMs ?? Math.max(1000, interval / 4), async () =>
            onCandles(await this.r.call('fetchOHLCV', (c) => c.fetchOHLCV(m.ccxtSymbol, timeframeOf(interval), undefined, 3))),
          );
      }
      if (req.trades === true) {
        const seen = new Set<string>();
        const onTrades = (list: Awaited<ReturnType<typeof this.r.client.watchTrades>>): void => {
          for (const t of list) {
            const id = String(t.id);
            if (seen.has(id)) continue;
            seen.add(id);
            if (seen.size > 10_000) seen.clear();
            const ts = t.timestamp ?? this.r.now();
            sink({
              type: 'trade',
              symbol: m.symbol,
              tsEvent: ts,
              tsInit: this.r.now(),
              price: t.price ?? 0,
              qty: t.amount ?? 0,
              aggressor: t.side === 'sell' ? 'sell' : t.side === 'buy' ? 'buy' : 'unknown',
              tradeId: id,
            });
          }
        };
        if (has['watchTrades'] === true) this.loop(`trades ${sym}`, async (c) => onTrades(await c.watchTrades(m.ccxtSymbol)));
        else this.poll(`trades ${sym}`, this.pollMs ?? 1000, async () => onTrades(await this.r.call('fetchTrades', (c) => c.fetchTrades(m.ccxtSymbol, undefined, 100))));
      }
      if (req.quotes === true) {
        const onTicker = (t: { bid?: number; ask?: number; bidVolume?: number; askVolume?: number; timestamp?: number }): void => {
          if (t.bid === undefined || t.ask === undefined) return;
          const ts = t.timestamp ?? this.r.now();
          sink({ type: 'quote', symbol: m.symbol, tsEvent: ts, tsInit: this.r.now(), bid: t.bid, bidQty: t.bidVolume ?? 0, ask: t.ask, askQty: t.askVolume ?? 0 });
        };
        if (has['watchBidsAsks'] === true)
          this.loop(`quotes ${sym}`, async (c) => {
            const all = await c.watchBidsAsks([m.ccxtSymbol]);
            const t = all[m.ccxtSymbol];
            if (t !== undefined) onTicker(t as Parameters<typeof onTicker>[0]);
          });
        else this.poll(`quotes ${sym}`, this.pollMs ?? 1000, async () => onTicker((await this.r.call('fetchTicker', (c) => c.fetchTicker(m.ccxtSymbol))) as Parameters<typeof onTicker>[0]));
      }
      if (req.funding === true) {
        let next: number | undefined;
        let rate = 0;
        /** The last mark seen and its venue time: until the funding time moves on, the mark just before the settlement. */
        let last: { readonly mark: number; readonly ts: number } | undefined;
        const onFunding = (nextTime: number | undefined, r: number | undefined, p: number | undefined, ts: number): void => {
          const seen = p !== undefined && Number.isFinite(p) ? { mark: p, ts } : undefined;
          if (nextTime !== undefined && next !== undefined && nextTime > next) {
            // What the stream shows of the settlement: the rate it announced, and the mark nearer to
            // the funding time of the last update before it and the first after it. ccxt's watch
            // hands over only the latest of updates that arrive together, so the one sent at the
            // settlement may never be seen, and the first seen after it may be minutes later (a moved
            // mark): the venue's own record of the settlement is asked for first.
            const time = next;
            const streamed = { rate, mark: nearest(time, last, seen) };
            void this.settlement(m, time, streamed).then((f) => {
              if (this.running) sink({ type: 'funding', symbol: m.symbol, tsEvent: time, tsInit: this.r.now(), rate: f.rate, ...(f.mark === undefined ? {} : { markPrice: f.mark }) });
            });
          }
          if (seen !== undefined) last = seen;
          if (nextTime !== undefined) next = nextTime;
          if (r !== undefined && Number.isFinite(r)) rate = r;
          if (next !== undefined) this.fundingOutlook.set(m.symbol, { nextTime: next, rate });
        };
        const num = (x: unknown): number | undefined => (x === undefined || x === null || x === '' ? undefined : Number(x));
        if (has['watchMarkPrice'] === true)
          this.loop(`funding ${sym}`, async (c) => {
            const t = await c.watchMarkPrice(m.ccxtSymbol);
            const info = (t.info ?? {}) as Record<string, unknown>;
            onFunding(num(info['T']), num(info['r']), t.markPrice ?? num(info['p']), num(info['E']) ?? t.timestamp ?? this.r.now());
          });
        else
          this.poll(`funding ${sym}`, this.pollMs ?? 30_000, async () => {
            const f = await this.r.call('fetchFundingRate', (c) => c.fetchFundingRate(m.ccxtSymbol));
            onFunding(f.fundingTimestamp, f.fundingRate, f.markPrice, f.timestamp ?? this.r.now());
          });
      }
    }
  }

  async close(): Promise<void> {
    this.running = false;
  }

  /**
   * The rate and mark of the settlement at `time` as the venue records them (Binance's funding
   * history states the mark each settlement was paid at), else, when the venue has no such record
   * (an older venue, a row not yet published, a failed request), what the stream showed.
   */
  private async settlement(m: VenueMarket, time: number, streamed: { readonly rate: number; readonly mark: number | undefined }): Promise<{ rate: number; mark: number | undefined }> {
    if (this.r.client.has['fetchFundingRateHistory'] !== true) return streamed;
    try {
      const rows = await this.r.call('fetchFundingRateHistory', (c) => c.fetchFundingRateHistory(m.ccxtSymbol, time, 1));
      const row = rows.find((x) => x.timestamp === time);
      const info = (row?.info ?? {}) as Record<string, unknown>;
      const mark = Number(info['markPrice']);
      if (row?.fundingRate === undefined || info['markPrice'] === undefined || info['markPrice'] === '' || !(mark > 0)) return streamed;
      return { rate: row.fundingRate, mark };
    } catch (err) {
      if (err instanceof HaltError) this.onHalt(err);
      return streamed; // a failed lookup leaves the stream's figures
    }
  }

  private loop(name: string, once: (c: Requester['client']) => Promise<void>): void {
    void runLoop({
      sleep: (ms) => this.r.sleep(ms),
      running: () => this.running,
      once: () => once(this.r.client),
      onStatus: (e) => this.health.set(name, { ok: e === undefined, lastAt: this.r.now(), ...(e === undefined ? {} : { error: e.message }) }),
      onHalt: (e) => {
        this.running = false;
        this.onHalt(e);
      },
    });
  }

  /** REST polling, for venues without a stream: each request goes through the rate limiter. */
  private poll(name: string, everyMs: number, once: () => Promise<void>): void {
    this.loop(name, async () => {
      await once();
      await this.r.sleep(everyMs);
    });
  }
}

/** Of two marks seen around funding time `t`, the one nearer to it in venue time (the later on a tie), if any. */
export function nearest(t: number, before: { readonly mark: number; readonly ts: number } | undefined, after: { readonly mark: number; readonly ts: number } | undefined): number | undefined {
  if (before === undefined || after === undefined) return (after ?? before)?.mark;
  return Math.abs(before.ts - t) < Math.abs(after.ts - t) ? before.mark : after.mark;
}

/** The venue's other named intervals that Parity can use (n minutes, hours or days), shortest first. */
function timeframesToTry(named: Readonly<Record<string, unknown>> | undefined, except: string): string[] {
  const usable: [string, number][] = [];
  for (const tf of Object.keys(named ?? {})) {
    if (tf === except) continue;
    try {
      usable.push([tf, intervalOf(tf)]);
    } catch {
      // 1w, 1M: not an interval Parity's bars can have.
    }
  }
  return usable.sort((a, b) => a[1] - b[1]).map(([tf]) => tf);
}

function toBar(symbol: Symbol, interval: number, k: OHLCV): Bar {
  return makeBar(symbol, interval, k[0] as number, k[1] as number, k[2] as number, k[3] as number, k[4] as number, (k[5] as number | undefined) ?? 0);
}
