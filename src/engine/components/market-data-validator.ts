/**
 * The bad-market-data breaker: one validator for every market data event (bars, trades, quotes,
 * funding and the mark price funding carries), in every mode. `check` says whether an event may go
 * on to the matcher and the strategies, and if not, the class of fault; the caller drops it.
 *
 * Invariants:
 * - Pure and deterministic: the verdict depends on the event, the engine time passed in, and the
 *   events accepted before it (per symbol and kind), nothing else.
 * - O(1) per event, and no allocation on the good path (a map lookup when the symbol changes, a
 *   few comparisons and multiplications); the stream state is created once per symbol and kind.
 * - A dropped event changes no reference (last time, last price, the return variance), so a spike
 *   does not poison what the next good event is compared with.
 * - A gap (missing bars) is counted, never dropped: the bar after it is real data. A slot a dropped
 *   bar filled is not a gap (the bar was there, bad).
 * - A real level shift is not refused forever: after `rebaseAfter` jumps in a row on one stream the
 *   next one is taken as the new level (the ones before it stay dropped).
 *
 * Classes, checked in this order (the first that applies names the drop): see docs/data-quality.md.
 */
import type { Symbol } from '../model/ids.ts';
import type { Bar, FundingRateUpdate, MarketData, QuoteTick, TradeTick } from '../model/market-data.ts';

export const DATA_FAULTS = ['nonFinite', 'nonPositive', 'ohlc', 'volume', 'crossed', 'spread', 'future', 'backwards', 'duplicate', 'spike', 'mark', 'sigma', 'funding'] as const;
/** Why an event was dropped. */
export type DataFault = (typeof DATA_FAULTS)[number];

export interface ValidationConfig {
  /** Off: every event passes (counts stay zero). Default true. */
  readonly enabled: boolean;
  /** A move beyond this fraction of the last good price (bar high/low/close, trade price, quote mid) is a spike. Default 0.15. */
  readonly spikePct: number;
  /** A close-to-close return beyond this many standard deviations of recent returns is a jump. Default 12. */
  readonly sigma: number;
  /** ...and only when the return is also beyond this fraction (calm markets have tiny sigmas). Default 0.04. */
  readonly sigmaMinPct: number;
  /** Returns seen before the sigma test applies. Default 30. */
  readonly sigmaWarmup: number;
  /** Returns in the exponential variance's window (alpha = 2 / (n + 1)). Default 100. */
  readonly sigmaWindow: number;
  /** A price beyond this fraction of a fresh mark is refused. Default 0.1. */
  readonly markPct: number;
  /** A mark is fresh this long after it arrived, ms. Default 60000. */
  readonly markMaxAgeMs: number;
  /** Quotes whose spread exceeds this fraction of the mid are refused. Default 0.05. */
  readonly maxSpreadPct: number;
  /** Venue time may run ahead of the engine clock by this much, ms. Default 5000. */
  readonly futureToleranceMs: number;
  /** Funding rates beyond ±this fraction per interval are refused. Default 0.05. */
  readonly maxFundingRate: number;
  /** Jumps in a row on one stream after which the next is accepted as a new level. Default 3. */
  readonly rebaseAfter: number;
}

export const DEFAULT_VALIDATION: ValidationConfig = {
  enabled: true,
  spikePct: 0.15,
  sigma: 12,
  sigmaMinPct: 0.04,
  sigmaWarmup: 30,
  sigmaWindow: 100,
  markPct: 0.1,
  markMaxAgeMs: 60_000,
  maxSpreadPct: 0.05,
  futureToleranceMs: 5_000,
  maxFundingRate: 0.05,
  rebaseAfter: 3,
};

/** What the validator refused and noticed so far. */
export interface DataQuality {
  /** Events dropped, all classes. */
  readonly dropped: number;
  readonly counts: Readonly<Record<DataFault, number>>;
  /** Bars that arrived after missing ones (kept), and how many bars were missing in all. */
  readonly gaps: number;
  readonly missingBars: number;
}

/** What one stream (a symbol's bars of one interval, its trades, its quotes, its funding) has accepted. */
class Stream {
  lastTs = -Infinity;
  /** Bars: the latest slot a dropped bar filled (a bar that was there, but bad, is not a gap). */
  seenTs = -Infinity;
  /** Last accepted price (bar close, trade price, quote mid); NaN before the first. */
  ref = NaN;
  /** Exponential mean of squared simple returns (per bar), and how many returns it has seen. */
  variance = 0;
  returns = 0;
  /** Jumps refused in a row. */
  jumps = 0;
  lastId = '';
  lastBid = NaN;
  lastAsk = NaN;
  lastBidQty = NaN;
  lastAskQty = NaN;
}

class SymbolState {
  barInterval = 0;
  bars: Stream | undefined;
  /** Bars of other intervals than the first seen (rare). */
  otherBars: Map<number, Stream> | undefined;
  readonly trades = new Stream();
  readonly quotes = new Stream();
  readonly funding = new Stream();
  mark = NaN;
  markAt = -Infinity;

  barStream(interval: number): Stream {
    if (this.bars === undefined) {
      this.barInterval = interval;
      this.bars = new Stream();
    }
    if (interval === this.barInterval) return this.bars;
    this.otherBars ??= new Map();
    let s = this.otherBars.get(interval);
    if (s === undefined) this.otherBars.set(interval, (s = new Stream()));
    return s;
  }
}

const fin = Number.isFinite;

export class MarketDataValidator {
  readonly config: ValidationConfig;
  private readonly symbols = new Map<Symbol, SymbolState>();
  private readonly counts: Record<DataFault, number>;
  private dropped = 0;
  private gaps = 0;
  private missingBars = 0;
  private readonly alpha: number;
  /** The last symbol judged and its state: a feed is mostly one symbol at a time, so most events skip the map. */
  private lastSymbol: Symbol | undefined;
  private lastState: SymbolState | undefined;

  constructor(config: Partial<ValidationConfig> = {}) {
    this.config = { ...DEFAULT_VALIDATION, ...config };
    this.alpha = 2 / (this.config.sigmaWindow + 1);
    this.counts = Object.fromEntries(DATA_FAULTS.map((f) => [f, 0])) as Record<DataFault, number>;
  }

  /** The verdict on `d` at engine time `now` (ms): undefined to pass it on, else the fault (counted; drop the event). */
  check(d: MarketData, now: number): DataFault | undefined {
    if (!this.config.enabled) return undefined;
    let st = this.lastState;
    if (d.symbol !== this.lastSymbol || st === undefined) {
      st = this.symbols.get(d.symbol);
      if (st === undefined) this.symbols.set(d.symbol, (st = new SymbolState()));
      this.lastSymbol = d.symbol;
      this.lastState = st;
    }
    let fault: DataFault | undefined;
    switch (d.type) {
      case 'bar': {
        fault = this.bar(d, st, now);
        if (fault !== undefined && fault !== 'future' && fault !== 'backwards' && fault !== 'duplicate' && fin(d.tsEvent)) {
          const s = st.barStream(d.interval);
          if (d.tsEvent > s.seenTs && d.tsEvent <= now + this.config.futureToleranceMs) s.seenTs = d.tsEvent;
        }
        break;
      }
      case 'trade':
        fault = this.trade(d, st, now);
        break;
      case 'quote':
        fault = this.quote(d, st, now);
        break;
      case 'funding':
        fault = this.fundingRate(d, st, now);
        break;
    }
    if (fault !== undefined) {
      this.counts[fault]++;
      this.dropped++;
    }
    return fault;
  }

  /** A copy of the counts. */
  get quality(): DataQuality {
    return { dropped: this.dropped, counts: { ...this.counts }, gaps: this.gaps, missingBars: this.missingBars };
  }

  private time(ts: number, s: Stream, now: number): DataFault | undefined {
    if (ts > now + this.config.futureToleranceMs) return 'future';
    if (ts < s.lastTs) return 'backwards';
    return undefined;
  }

  /** Spike, mark and sigma tests of a price against the stream's reference; `hi`/`lo` are the extremes of the event. */
  private jump(price: number, hi: number, lo: number, s: Stream, st: SymbolState, now: number, steps: number): DataFault | undefined {
    const c = this.config;
    let fault: DataFault | undefined;
    const ref = s.ref;
    if (ref === ref) {
      if (hi / ref - 1 > c.spikePct || 1 - lo / ref > c.spikePct) fault = 'spike';
    }
    if (fault === undefined && now - st.markAt <= c.markMaxAgeMs) {
      const m = st.mark;
      if (hi / m - 1 > c.markPct || 1 - lo / m > c.markPct) fault = 'mark';
    }
    if (fault === undefined && ref === ref && s.returns >= c.sigmaWarmup) {
      const r = Math.abs(price / ref - 1);
      if (r > c.sigmaMinPct && r * r > c.sigma * c.sigma * s.variance * steps) fault = 'sigma';
    }
    if (fault === undefined) {
      s.jumps = 0;
      return undefined;
    }
    if (++s.jumps > c.rebaseAfter) {
      // The market stayed there: a new level, not a bad print. Start its statistics afresh.
      s.jumps = 0;
      s.returns = 0;
      s.variance = 0;
      s.ref = NaN;
      return undefined;
    }
    return fault;
  }

  /** Books an accepted price into the stream's reference and its return variance. */
  private accept(price: number, ts: number, s: Stream, steps: number): void {
    const ref = s.ref;
    if (ref === ref) {
      const r = price / ref - 1;
      const r2 = steps === 1 ? r * r : (r * r) / steps;
      s.variance = s.returns === 0 ? r2 : s.variance + this.alpha * (r2 - s.variance);
      s.returns++;
    }
    s.ref = price;
    s.lastTs = ts;
  }

  private bar(b: Bar, st: SymbolState, now: number): DataFault | undefined {
    const { open, high, low, close } = b;
    if (!(fin(open) && fin(high) && fin(low) && fin(close) && fin(b.tsEvent))) return 'nonFinite';
    if (!(open > 0 && high > 0 && low > 0 && close > 0)) return 'nonPositive';
    if (!(high >= low && open >= low && open <= high && close >= low && close <= high)) return 'ohlc';
    if (!(b.volume >= 0 && b.volume < Infinity)) return 'volume';
    const s = st.barStream(b.interval);
    const t = this.time(b.tsEvent, s, now);
    if (t !== undefined) return t;
    if (b.tsEvent === s.lastTs) return 'duplicate';
    // The usual bar follows the last one by exactly one interval: one step, nothing missing (no divisions).
    const next = b.tsEvent - s.lastTs === b.interval && b.interval > 0;
    const steps = next || s.lastTs === -Infinity || !(b.interval > 0) ? 1 : Math.max(1, Math.round((b.tsEvent - s.lastTs) / b.interval));
    const j = this.jump(close, high, low, s, st, now, steps);
    if (j !== undefined) return j;
    const last = Math.max(s.lastTs, s.seenTs);
    const missing = (next && last === s.lastTs) || last === -Infinity || !(b.interval > 0) ? 0 : Math.max(0, Math.round((b.tsEvent - last) / b.interval) - 1);
    if (missing > 0) {
      this.gaps++;
      this.missingBars += missing;
    }
    this.accept(close, b.tsEvent, s, steps);
    return undefined;
  }

  private trade(x: TradeTick, st: SymbolState, now: number): DataFault | undefined {
    if (!(fin(x.price) && fin(x.tsEvent))) return 'nonFinite';
    if (!(x.price > 0)) return 'nonPositive';
    if (!(x.qty >= 0 && x.qty < Infinity)) return 'volume';
    const s = st.trades;
    const t = this.time(x.tsEvent, s, now);
    if (t !== undefined) return t;
    if (x.tsEvent === s.lastTs && x.tradeId !== '' && x.tradeId === s.lastId) return 'duplicate';
    const j = this.jump(x.price, x.price, x.price, s, st, now, 1);
    if (j !== undefined) return j;
    s.lastId = x.tradeId;
    this.accept(x.price, x.tsEvent, s, 1);
    return undefined;
  }

  private quote(q: QuoteTick, st: SymbolState, now: number): DataFault | undefined {
    const { bid, ask } = q;
    if (!(fin(bid) && fin(ask) && fin(q.tsEvent))) return 'nonFinite';
    if (!(bid > 0 && ask > 0)) return 'nonPositive';
    if (!(q.bidQty >= 0 && q.bidQty < Infinity && q.askQty >= 0 && q.askQty < Infinity)) return 'volume';
    if (bid >= ask) return 'crossed';
    const mid = (bid + ask) / 2;
    if ((ask - bid) / mid > this.config.maxSpreadPct) return 'spread';
    const s = st.quotes;
    const t = this.time(q.tsEvent, s, now);
    if (t !== undefined) return t;
    if (q.tsEvent === s.lastTs && bid === s.lastBid && ask === s.lastAsk && q.bidQty === s.lastBidQty && q.askQty === s.lastAskQty) return 'duplicate';
    const j = this.jump(mid, mid, mid, s, st, now, 1);
    if (j !== undefined) return j;
    s.lastBid = bid;
    s.lastAsk = ask;
    s.lastBidQty = q.bidQty;
    s.lastAskQty = q.askQty;
    this.accept(mid, q.tsEvent, s, 1);
    return undefined;
  }

  private fundingRate(f: FundingRateUpdate, st: SymbolState, now: number): DataFault | undefined {
    const mark = f.markPrice;
    if (!(fin(f.rate) && fin(f.tsEvent)) || (mark !== undefined && !fin(mark))) return 'nonFinite';
    if (mark !== undefined && !(mark > 0)) return 'nonPositive';
    const s = st.funding;
    const t = this.time(f.tsEvent, s, now);
    if (t !== undefined) return t;
    if (f.tsEvent === s.lastTs) return 'duplicate';
    if (Math.abs(f.rate) > this.config.maxFundingRate) return 'funding';
    if (mark !== undefined) {
      // The mark is itself a price: a bad one must not become the reference others are judged by.
      const last = st.bars?.ref ?? NaN;
      const ref = last === last ? last : st.trades.ref;
      if (ref === ref && Math.abs(mark / ref - 1) > this.config.spikePct) return 'spike';
      st.mark = mark;
      st.markAt = now;
    }
    s.lastTs = f.tsEvent;
    return undefined;
  }
}
