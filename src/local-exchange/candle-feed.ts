/**
 * Replays a candle file as a live market. Bar `warmupBars` opens at the exchange's start; earlier
 * bars are history. Each bar plays as the path open -> nearer extreme -> farther extreme -> close
 * at 0, 1/3, 2/3 of the bar and its last millisecond. At each point the feed rebuilds a DERIVED
 * book (one-tick spread around the price, ten levels a side sized from the previous bar's volume)
 * as a depth diff with a gapless U/u/pu chain, then prints a DERIVED trade carrying a quarter of
 * the bar's volume. None of the book or trade detail is in the data: only the bar's OHLCV is real.
 */
import type { BarSeries } from '../engine/index.ts';
import type { BarRow, BarSource } from './bars.ts';
import { Book, type Level } from './book.ts';
import { floorTo, fromNumber, maxx, toNumber, type Fixed } from './decimal.ts';
import type { Feed, FeedEvent } from './feed.ts';
import type { MarketSpec } from './markets.ts';

const LEVELS = 10;
const FIRST_UPDATE_ID = 1_000_000;

interface Path {
  readonly price: readonly Fixed[];
  readonly qty: readonly Fixed[];
  readonly buyerMaker: readonly boolean[];
}

export class CandleFeed implements Feed {
  readonly book = new Book();
  readonly bars: BarSource;
  readonly shift: number;
  readonly interval: number;
  /** Current bar index and the next path point in it (0..3; 4 = the bar is done). */
  private cur: number;
  private k = 0;
  private last: Fixed;
  /** Completed bars as rows (the 24h ticker reads a day of them on every update). */
  private readonly rows: BarRow[] = [];
  /** The last path computed (the current bar's: each of its four steps and partial rows reuse it). */
  private cached: { readonly i: number; readonly path: Path } | undefined;

  constructor(
    readonly symbol: string,
    private readonly s: BarSeries,
    private readonly spec: MarketSpec,
    warmupBars: number,
    start: number,
  ) {
    if (s.length <= warmupBars) throw new Error(`${symbol}: the data has ${s.length} bars, not more than warmupBars (${warmupBars})`);
    this.interval = s.interval;
    this.cur = warmupBars;
    this.shift = start - (s.ts[warmupBars] as number);
    this.last = fromNumber(s.close[warmupBars - 1] ?? s.open[warmupBars] ?? 0);
    this.book.updateId = FIRST_UPDATE_ID;
    this.book.time = start;
    const self = this;
    this.bars = {
      interval: s.interval,
      count: () => self.cur,
      bar: (i: number) => (self.rows[i] ??= self.row(i, 4)),
      partial: () => (self.k > 0 && self.k < 4 && self.cur < s.length ? self.row(self.cur, self.k) : undefined),
    };
  }

  lastPrice(): Fixed {
    return this.last;
  }

  private openTime(i: number): number {
    return (this.s.ts[i] as number) + this.shift;
  }

  private pointTime(i: number, k: number): number {
    const I = this.interval;
    const off = k === 0 ? 0 : k === 1 ? Math.floor(I / 3) : k === 2 ? Math.floor((2 * I) / 3) : I - 1;
    return this.openTime(i) + off;
  }

  nextTime(): number | undefined {
    return this.cur < this.s.length ? this.pointTime(this.cur, this.k) : undefined;
  }

  /** The bar's path: prices, derived trade sizes and aggressor sides. Pure in the data, so cached. */
  path(i: number): Path {
    const c = this.cached;
    if (c !== undefined && c.i === i) return c.path;
    const path = this.computePath(i);
    this.cached = { i, path };
    return path;
  }

  private computePath(i: number): Path {
    const o = fromNumber(this.s.open[i] as number);
    const h = fromNumber(this.s.high[i] as number);
    const l = fromNumber(this.s.low[i] as number);
    const c = fromNumber(this.s.close[i] as number);
    const highFirst = h - o < o - l || (h - o === o - l && c < o);
    const price = highFirst ? [o, h, l, c] : [o, l, h, c];
    const vol = fromNumber(this.s.volume[i] as number);
    const quarter = floorTo(vol / 4n, this.spec.step);
    const qty = [quarter, quarter, quarter, vol - 3n * quarter];
    const prev = i > 0 ? fromNumber(this.s.close[i - 1] as number) : o;
    const buyerMaker: boolean[] = [];
    let before = prev;
    let m = false;
    for (const p of price) {
      if (p !== before) m = p < before;
      buyerMaker.push(m);
      before = p;
    }
    return { price, qty, buyerMaker };
  }

  private tradeId(i: number, k: number): number {
    return i * 4 + k + 1;
  }

  /** Bar i as played through its first `points` path points. */
  private row(i: number, points: number): BarRow {
    const p = this.path(i);
    let h = p.price[0] as Fixed;
    let l = h;
    let v = 0n;
    let q = 0;
    let n = 0;
    let tbv = 0n;
    let tbq = 0;
    let f = 0;
    let L = 0;
    for (let k = 0; k < points; k++) {
      const px = p.price[k] as Fixed;
      const qty = p.qty[k] as Fixed;
      if (px > h) h = px;
      if (px < l) l = px;
      if (qty <= 0n) continue;
      const quote = toNumber(px) * toNumber(qty);
      v += qty;
      q += quote;
      n++;
      if (!p.buyerMaker[k]) {
        tbv += qty;
        tbq += quote;
      }
      const id = this.tradeId(i, k);
      if (f === 0) f = id;
      L = id;
    }
    return { t: this.openTime(i), o: p.price[0] as Fixed, h, l, c: p.price[points - 1] as Fixed, v, q, n, tbv, tbq, f, L };
  }

  /** The derived book around price `p`: ten levels a side, one-tick spread. */
  private derivedLevels(p: Fixed, buyerMaker: boolean, i: number): { bids: Level[]; asks: Level[] } {
    const tick = this.spec.tick;
    const bid0 = buyerMaker ? p : p - tick;
    const ask0 = buyerMaker ? p + tick : p;
    const ref = fromNumber(this.s.volume[i > 0 ? i - 1 : i] as number);
    const bids: Level[] = [];
    const asks: Level[] = [];
    for (let j = 0; j < LEVELS; j++) {
      const q = maxx(this.spec.minQty, floorTo((ref * BigInt(j + 1)) / 40n, this.spec.step));
      const b = bid0 - BigInt(j) * tick;
      if (b > 0n) bids.push([b, q]);
      asks.push([ask0 + BigInt(j) * tick, q]);
    }
    return { bids, asks };
  }

  private diffTo(next: { bids: Level[]; asks: Level[] }): { bids: Level[]; asks: Level[] } {
    const side = (name: 'bids' | 'asks', levels: Level[]): Level[] => {
      const out: Level[] = [];
      const want = new Map(levels.map(([p, q]) => [p, q]));
      for (const [p] of this.book.top(name, Number.MAX_SAFE_INTEGER)) if (!want.has(p)) out.push([p, 0n]);
      for (const [p, q] of levels) if (this.book.qtyAt(name, p) !== q) out.push([p, q]);
      return out;
    };
    return { bids: side('bids', next.bids), asks: side('asks', next.asks) };
  }

  step(): FeedEvent[] {
    const i = this.cur;
    const k = this.k;
    const ts = this.pointTime(i, k);
    const path = this.path(i);
    const price = path.price[k] as Fixed;
    const buyerMaker = path.buyerMaker[k] as boolean;
    const events: FeedEvent[] = [];
    const diff = this.diffTo(this.derivedLevels(price, buyerMaker, i));
    if (diff.bids.length > 0 || diff.asks.length > 0) {
      const pu = this.book.updateId;
      this.book.applyDiff(diff.bids, diff.asks, pu + 1, ts);
      events.push({ kind: 'depth', ts, U: pu + 1, u: pu + 1, pu, bids: diff.bids, asks: diff.asks });
      events.push({ kind: 'bookTicker', ts });
    }
    this.last = price;
    const qty = path.qty[k] as Fixed;
    if (qty > 0n) events.push({ kind: 'trade', ts, id: this.tradeId(i, k), price, qty, buyerMaker });
    this.k = k + 1;
    events.push({ kind: 'bar', ts, barTime: this.openTime(i), closed: this.k === 4 });
    if (this.k === 4) {
      this.cur++;
      this.k = 0;
    }
    return events;
  }
}
