/**
 * Data feeds for the backtest: time-ordered streams of market data. Bars are held column-wise in
 * typed arrays (8 bytes per value, no object per row until the bar is delivered), and several
 * feeds merge into one stream ordered by `tsInit`, ties broken by feed order (deterministic).
 */
import type { Symbol } from '../model/ids.ts';
import type { Bar, MarketData } from '../model/market-data.ts';

/** Column-wise bars of one symbol, ascending by open time. */
export interface BarSeries {
  readonly symbol: Symbol;
  /** Bar length, ms. */
  readonly interval: number;
  readonly length: number;
  /** Open times, epoch ms. */
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export interface DataFeed {
  /** Total number of items. */
  readonly size: number;
  /** `tsInit` of the next item, or Infinity when exhausted. */
  peekTime(): number;
  /** The next item; only call when peekTime() is finite. */
  next(): MarketData;
}

export class BarFeed implements DataFeed {
  private i: number;
  readonly size: number;
  constructor(
    private readonly s: BarSeries,
    from = 0,
    private readonly to = s.length,
  ) {
    this.i = from;
    this.size = to - from;
  }
  peekTime(): number {
    return this.i < this.to ? (this.s.ts[this.i] as number) + this.s.interval : Infinity;
  }
  next(): Bar {
    const s = this.s;
    const i = this.i++;
    const ts = s.ts[i] as number;
    return {
      type: 'bar',
      symbol: s.symbol,
      interval: s.interval,
      tsEvent: ts,
      tsInit: ts + s.interval,
      open: s.open[i] as number,
      high: s.high[i] as number,
      low: s.low[i] as number,
      close: s.close[i] as number,
      volume: s.volume[i] as number,
    };
  }
}

/** A feed over messages already in memory, which must be sorted by tsInit. */
export class ArrayFeed implements DataFeed {
  private i = 0;
  readonly size: number;
  constructor(private readonly items: readonly MarketData[]) {
    this.size = items.length;
    for (let k = 1; k < items.length; k++) {
      if ((items[k] as MarketData).tsInit < (items[k - 1] as MarketData).tsInit) throw new RangeError(`ArrayFeed: item ${k} is out of time order`);
    }
  }
  peekTime(): number {
    return this.i < this.items.length ? (this.items[this.i] as MarketData).tsInit : Infinity;
  }
  next(): MarketData {
    return this.items[this.i++] as MarketData;
  }
}

/** Merges feeds by tsInit; on equal times the earlier feed in the list goes first. */
export function mergeFeeds(feeds: readonly DataFeed[]): DataFeed {
  if (feeds.length === 1) return feeds[0] as DataFeed;
  const size = feeds.reduce((n, f) => n + f.size, 0);
  const pick = (): DataFeed | undefined => {
    let best: DataFeed | undefined;
    let bestT = Infinity;
    for (const f of feeds) {
      const t = f.peekTime();
      if (t < bestT) {
        best = f;
        bestT = t;
      }
    }
    return best;
  };
  return {
    size,
    peekTime: () => pick()?.peekTime() ?? Infinity,
    next: () => (pick() as DataFeed).next(),
  };
}
