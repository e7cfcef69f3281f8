/**
 * A price-level order book (the public market's book, not our orders). Levels are exact decimals;
 * each side keeps its prices sorted best-first so the top of book, REST depth and a taker's walk
 * are cheap. `updateId` is the Binance `lastUpdateId` / diff `u` the book is at: every change goes
 * through `applyDiff`, so the REST snapshot and the diff stream can never disagree.
 */
import type { Fixed } from './decimal.ts';

export type BookSide = 'bids' | 'asks';
export type Level = readonly [price: Fixed, qty: Fixed];

class Side {
  /** Best first: descending for bids, ascending for asks. */
  readonly prices: Fixed[] = [];
  readonly qty = new Map<Fixed, Fixed>();
  constructor(private readonly descending: boolean) {}

  private better(a: Fixed, b: Fixed): boolean {
    return this.descending ? a > b : a < b;
  }

  /** Index of the first price not better than p. */
  private search(p: Fixed): number {
    let lo = 0;
    let hi = this.prices.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.better(this.prices[mid] as Fixed, p)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  set(p: Fixed, q: Fixed): void {
    const had = this.qty.has(p);
    if (q <= 0n) {
      if (!had) return;
      this.qty.delete(p);
      this.prices.splice(this.search(p), 1);
      return;
    }
    this.qty.set(p, q);
    if (!had) this.prices.splice(this.search(p), 0, p);
  }

  clear(): void {
    this.prices.length = 0;
    this.qty.clear();
  }
}

export class Book {
  private readonly sides = { bids: new Side(true), asks: new Side(false) };
  updateId = 0;
  /** Virtual time of the last change (the snapshot's `E`/`T`). */
  time = 0;

  applyDiff(bids: readonly Level[], asks: readonly Level[], updateId: number, time: number): void {
    for (const [p, q] of bids) this.sides.bids.set(p, q);
    for (const [p, q] of asks) this.sides.asks.set(p, q);
    this.updateId = updateId;
    this.time = time;
  }

  reset(bids: readonly Level[], asks: readonly Level[], updateId: number, time: number): void {
    this.sides.bids.clear();
    this.sides.asks.clear();
    this.applyDiff(bids, asks, updateId, time);
  }

  best(side: BookSide): Level | undefined {
    const s = this.sides[side];
    const p = s.prices[0];
    return p === undefined ? undefined : [p, s.qty.get(p) as Fixed];
  }

  /** Quantity at exactly `price` (0 if no level). */
  qtyAt(side: BookSide, price: Fixed): Fixed {
    return this.sides[side].qty.get(price) ?? 0n;
  }

  /** The best `n` levels of a side. */
  top(side: BookSide, n: number): Level[] {
    const s = this.sides[side];
    const out: Level[] = [];
    for (let i = 0; i < s.prices.length && i < n; i++) {
      const p = s.prices[i] as Fixed;
      out.push([p, s.qty.get(p) as Fixed]);
    }
    return out;
  }

  /** Levels best-first, lazily (a taker's walk stops early). */
  *levels(side: BookSide): Generator<Level> {
    const s = this.sides[side];
    for (let i = 0; i < s.prices.length; i++) {
      const p = s.prices[i] as Fixed;
      yield [p, s.qty.get(p) as Fixed];
    }
  }
}
