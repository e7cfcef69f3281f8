/**
 * Streaming indicators for strategies: O(1) per update, no allocation after construction.
 *
 * `Sma` keeps its window sum as an error-free double-double, so its value is the correctly rounded
 * sum of the window divided by the period: the same number `math.fsum(window) / period` gives
 * (what backtrader computes). A plain running sum drifts by a few ulps, and a few ulps decide a
 * crossover when two averages nearly tie.
 */

export class Sma {
  private readonly buf: Float64Array;
  private i = 0;
  private n = 0;
  private hi = 0;
  private lo = 0;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`SMA period must be a whole number >= 1 (got ${period})`);
    this.buf = new Float64Array(period);
  }

  /** Adds a value; returns the average once the window is full, NaN before. */
  update(x: number): number {
    const buf = this.buf;
    if (this.n === this.period) {
      this.add(-(buf[this.i] as number));
    } else {
      this.n++;
    }
    buf[this.i] = x;
    this.i = this.i + 1 === this.period ? 0 : this.i + 1;
    this.add(x);
    return this.value;
  }

  get ready(): boolean {
    return this.n === this.period;
  }

  get value(): number {
    return this.n === this.period ? this.hi / this.period : NaN;
  }

  /**
   * hi + lo += x without rounding error (two TwoSum steps, written out: this is the hot loop), then
   * renormalized so that hi is the correctly rounded value of hi + lo.
   */
  private add(x: number): void {
    const hi = this.hi;
    const s = hi + x;
    const bs = s - hi;
    const lo = this.lo + (hi - (s - bs) + (x - bs));
    const t = s + lo;
    const bt = t - s;
    this.lo = s - (t - bt) + (lo - bt);
    this.hi = t;
  }
}

/** Throws the RangeError RollingStats throws for a window that is not a whole number >= 2. */
export function requireWindow(period: number): void {
  if (!Number.isInteger(period) || period < 2) throw new RangeError(`window must be a whole number >= 2 (got ${period})`);
}

/** The population standard deviation of n values from their sum and sum of squares (clamped at 0 against rounding). */
export function stdOf(sum: number, sumSq: number, n: number): number {
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sumSq / n - mean * mean));
}

/** Rolling mean and population standard deviation over a fixed window. */
export class RollingStats {
  private readonly buf: Float64Array;
  private i = 0;
  private n = 0;
  private sum = 0;
  private sumSq = 0;

  constructor(readonly period: number) {
    requireWindow(period);
    this.buf = new Float64Array(period);
  }

  update(x: number): void {
    if (this.n === this.period) {
      const old = this.buf[this.i] as number;
      this.sum -= old;
      this.sumSq -= old * old;
    } else {
      this.n++;
    }
    this.buf[this.i] = x;
    this.i = (this.i + 1) % this.period;
    this.sum += x;
    this.sumSq += x * x;
  }

  get ready(): boolean {
    return this.n === this.period;
  }

  get mean(): number {
    return this.n === 0 ? NaN : this.sum / this.n;
  }

  get std(): number {
    return this.n < 2 ? NaN : stdOf(this.sum, this.sumSq, this.n);
  }
}
