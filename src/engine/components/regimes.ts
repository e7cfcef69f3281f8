/**
 * The regime split of a run: its samples grouped by terciles of rolling realized volatility, and
 * each group's PnL, Sharpe, fills and exposure. Pure functions over floats, like performance.ts.
 *
 * Invariants: sample i is classified by the volatility known at the close of bar i - 1 (no
 * hindsight about the bar whose PnL it attributes). The figures are bit for bit those of the
 * straightforward version this replaced (a RollingStats fed each return, a copy of the known
 * volatilities, two quickselects over it): the same doubles, summed in the same order, because
 * tests and golden fixtures pin them. What changed is the number of passes and copies over the
 * samples, most of the split's time on 2M bars.
 */
import type { OrderFilled } from '../model/events.ts';
import { requireWindow, stdOf } from './indicators.ts';
import { sharpeOfMoments } from './performance.ts';

export type Regime = 'low' | 'mid' | 'high';

export interface RegimeStats {
  readonly regime: Regime;
  /** Realized volatility range of the regime (per-bar stdev of log returns). */
  readonly volFrom: number;
  readonly volTo: number;
  readonly bars: number;
  /** Equity change accumulated over the regime's bars, quote currency. */
  readonly pnl: number;
  readonly sharpe: number;
  /** Fills that happened in the regime's bars. */
  readonly fills: number;
  /** Share of the regime's bars with a position open. */
  readonly exposure: number;
}

/**
 * Rolling realized volatility: the standard deviation of the last `window` log returns of `close`,
 * known at the close of each bar (NaN until `window` returns exist). The same numbers as feeding
 * each return to a RollingStats and reading its std, in one pass that writes each element once.
 * Into `into` when given (at least as long as `close`; the result is a view of its start).
 */
export function rollingVolatility(close: ArrayLike<number>, window: number, into?: Float64Array): Float64Array {
  requireWindow(window);
  const n = close.length;
  if (into !== undefined && into.length < n) throw new RangeError(`rollingVolatility: ${into.length} places for ${n} bars`);
  const out = into === undefined ? new Float64Array(n) : into.subarray(0, n);
  const ring = new Float64Array(window);
  let sum = 0;
  let sumSq = 0;
  let prev = close[0] as number;
  if (n > 0) out[0] = NaN;
  // Bars 1 .. window: the window fills; bar `window` is the first with a volatility.
  const filling = Math.min(n - 1, window);
  for (let i = 1; i <= filling; i++) {
    const c = close[i] as number;
    const x = Math.log(c / prev);
    prev = c;
    ring[i - 1] = x;
    sum += x;
    sumSq += x * x;
    out[i] = i === window ? stdOf(sum, sumSq, window) : NaN;
  }
  // Then each return replaces the oldest (RollingStats' order: both subtractions, then both additions).
  let oldest = 0;
  for (let i = window + 1; i < n; i++) {
    const c = close[i] as number;
    const x = Math.log(c / prev);
    prev = c;
    const old = ring[oldest] as number;
    sum -= old;
    sumSq -= old * old;
    ring[oldest] = x;
    if (++oldest === window) oldest = 0;
    sum += x;
    sumSq += x * x;
    out[i] = stdOf(sum, sumSq, window);
  }
  return out;
}

/**
 * The market's side of the split: each bar's rolling volatility and the terciles of the ones the
 * samples are classified by. It depends on the closes and the window alone, not on the run, so a
 * caller may compute it beside the run (on another thread) and hand it to `regimeBreakdown`.
 */
export interface VolatilityRegimes {
  readonly vol: Float64Array;
  readonly split: { readonly lowest: number; readonly q1: number; readonly q2: number; readonly highest: number } | undefined;
}

/** See rollingVolatility for `into`. */
export function volatilityRegimes(close: ArrayLike<number>, window: number, into?: Float64Array): VolatilityRegimes {
  const vol = rollingVolatility(close, window, into);
  // The volatilities known at samples 1 .. n - 1 are vol[0 .. length - 2].
  return { vol, split: terciles(vol, Math.max(0, vol.length - 1)) };
}

/**
 * Splits a run into terciles of rolling realized volatility and reports each. The periods are the
 * bars: from one bar's close (its sample) to the next's. A sample between two closes (a funding
 * payment) folds into the bar it falls in, whose return, PnL and fills include it, so every
 * figure is per bar whatever else was sampled. A bar is classified by the volatility known at the
 * close before it (bar i by bar i - 1's), so the split uses no hindsight about the bar whose PnL it
 * attributes. Samples and bars are matched by time (`barTs`, `intervalMs`), not by index. The
 * last sample ends a period too, a bar close or not. `regimes`, when given, is
 * `volatilityRegimes(close, window)`; else it is computed, into `volInto` when given.
 */
export function regimeBreakdown(input: {
  /** Each bar's close and open time (the series' ts); a bar closes, and is sampled, `intervalMs` after it opens. */
  readonly close: ArrayLike<number>;
  readonly barTs: ArrayLike<number>;
  /** The run's samples: times, equity and exposure at each. */
  readonly times: ArrayLike<number>;
  readonly equity: ArrayLike<number>;
  readonly exposure: ArrayLike<number>;
  readonly startEquity: number;
  readonly intervalMs: number;
  readonly fills: readonly OrderFilled[];
  readonly window: number;
  readonly regimes?: VolatilityRegimes;
  readonly volInto?: Float64Array;
}): RegimeStats[] {
  const { vol, split } = input.regimes ?? volatilityRegimes(input.close, input.window, input.volInto);
  if (split === undefined) return [];
  const { q1, q2 } = split;
  // A fill counts in the period whose return it moves: the one holding the first sample taken at
  // or after it (fills land inside a bar, after latency, not on its timestamps).
  const fillTimes = Float64Array.from(input.fills, (f) => f.tsEvent).sort();
  const acc = [new RegimeSums(), new RegimeSums(), new RegimeSums()] as const;
  const [low, mid, high] = acc;
  const { times, equity, exposure, barTs, intervalMs } = input;
  const bars = vol.length;
  let j = 0;
  let closed = 0; // bars that closed before the current sample
  let start = 0; // the sample the current period began at
  let fillsIn = 0; // fills in the current period
  const n = equity.length;
  for (let i = 0; i < n; i++) {
    const t = times[i] as number;
    while (j < fillTimes.length && (fillTimes[j] as number) <= t) {
      fillsIn++;
      j++;
    }
    while (closed < bars && (barTs[closed] as number) + intervalMs < t) closed++;
    if (i === 0) {
      fillsIn = 0; // the first sample is where the run starts from
      continue;
    }
    // Not a bar's close (a funding payment between closes): the bar goes on.
    if (i < n - 1 && !(closed < bars && (barTs[closed] as number) + intervalMs === t)) continue;
    const v = closed === 0 ? NaN : (vol[closed - 1] as number);
    if (v === v) {
      const prev = equity[start] as number;
      const cur = equity[i] as number;
      const r = prev !== 0 ? cur / prev - 1 : 0;
      const g = v < q1 ? low : v < q2 ? mid : high;
      g.add(cur - prev, r, (exposure[i] as number) > 0, fillsIn);
    } // else NaN: no volatility known before this bar
    start = i;
    fillsIn = 0;
  }
  const bounds: Record<Regime, [number, number]> = { low: [split.lowest, q1], mid: [q1, q2], high: [q2, split.highest] };
  const regimes: Regime[] = ['low', 'mid', 'high'];
  return regimes.map((regime, c) => {
    const [volFrom, volTo] = bounds[regime];
    const g = acc[c] as RegimeSums;
    const b = g.bars;
    return {
      regime,
      volFrom,
      volTo,
      bars: b,
      pnl: g.pnl,
      sharpe: sharpeOfMoments(g.rSum, g.rSumSq, b, input.intervalMs),
      fills: g.fills,
      exposure: b > 0 ? g.inMarket / b : 0,
    };
  });
}

/** One regime's running sums, in sample order: PnL, bars, fills, bars in the market, the return moments. */
class RegimeSums {
  pnl = 0;
  bars = 0;
  fills = 0;
  inMarket = 0;
  rSum = 0;
  rSumSq = 0;

  add(pnl: number, r: number, inMarket: boolean, fills: number): void {
    this.pnl += pnl;
    this.bars++;
    this.rSum += r;
    this.rSumSq += r * r;
    if (inMarket) this.inMarket++;
    this.fills += fills;
  }
}

/** Where the high 32 bits of a float64 sit in a Uint32Array view of it (this machine's byte order). */
const HI = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f ? 1 : 0;
/**
 * A histogram bucket is a double's top 20 bits: sign, exponent and 8 mantissa bits. For doubles
 * >= 0 (volatilities are square roots) the buckets are in the doubles' order, equal doubles share
 * one, and the largest, +Infinity's, is 0x7ff00.
 */
const BUCKET_SHIFT = 12;
const BUCKETS = 1 << 19;

/**
 * The lowest, highest and the two tercile boundaries (the floor(m/3)-th and floor(2m/3)-th
 * smallest, what a sorted copy holds there) of the m non-NaN values of vol[0, end), all >= 0;
 * undefined when m < 3. One pass counts the values per bucket of their top bits, which names the
 * bucket each rank falls in (and the lowest and highest non-empty ones); a second collects those
 * buckets' values (a few thousand on real data), and `select` finishes within them. No copy of the
 * values, no pass that moves them.
 */
function terciles(vol: Float64Array, end: number): { lowest: number; q1: number; q2: number; highest: number } | undefined {
  const bits = new Uint32Array(vol.buffer, vol.byteOffset, 2 * vol.length);
  const hist = new Uint32Array(BUCKETS);
  let m = 0;
  for (let i = 0; i < end; i++) {
    const v = vol[i] as number;
    if (v !== v) continue; // NaN: no volatility known yet
    m++;
    const b = (bits[2 * i + HI] as number) >>> BUCKET_SHIFT;
    hist[b] = (hist[b] as number) + 1;
  }
  if (m < 3) return undefined;
  const k1 = Math.floor(m / 3);
  const k2 = Math.floor((2 * m) / 3);
  // The first and last non-empty buckets, and the buckets holding ranks k1 <= k2 with the ranks within them.
  let bLo = -1;
  let b1 = -1;
  let r1 = 0;
  let b2 = 0;
  let r2 = 0;
  let bHi = 0;
  for (let b = 0, below = 0; b < BUCKETS; b++) {
    const count = hist[b] as number;
    if (count === 0) continue;
    if (bLo < 0) bLo = b;
    if (b1 < 0 && k1 < below + count) {
      b1 = b;
      r1 = k1 - below;
    }
    if (k2 < below + count && below <= k2) {
      b2 = b;
      r2 = k2 - below;
    }
    bHi = b;
    below += count;
  }
  const in1 = new Float64Array(hist[b1] as number);
  const in2 = b2 === b1 ? in1 : new Float64Array(hist[b2] as number);
  let n1 = 0;
  let n2 = 0;
  let lowest = Infinity;
  let highest = -Infinity;
  for (let i = 0; i < end; i++) {
    const b = (bits[2 * i + HI] as number) >>> BUCKET_SHIFT;
    if (b !== b1 && b !== b2 && b !== bLo && b !== bHi) continue;
    const v = vol[i] as number;
    if (v !== v) continue; // a NaN whose payload shares +Infinity's bucket
    if (b === bLo && v < lowest) lowest = v;
    if (b === bHi && v > highest) highest = v;
    if (b === b1) in1[n1++] = v;
    else if (b === b2) in2[n2++] = v;
  }
  const q1 = select(in1, 0, in1.length, r1);
  const q2 = b2 === b1 ? select(in1, r1 + 1 > r2 ? r1 : r1 + 1, in1.length, r2) : select(in2, 0, in2.length, r2);
  return { lowest, q1, q2, highest };
}

/**
 * The k-th smallest of a[lo, hi) (what a sorted copy holds at index k), rearranging a[lo, hi) so
 * that a[k] is it, everything before k is <= it and everything after >= it. Quickselect with a
 * median-of-three pivot, expected O(n); a range that shrinks too slowly is sorted instead.
 */
export function select(a: Float64Array, lo: number, hi: number, k: number): number {
  let budget = 2 * Math.ceil(Math.log2(hi - lo + 2)) + 8;
  while (hi - lo > 16) {
    if (budget-- === 0) {
      a.subarray(lo, hi).sort();
      return a[k] as number;
    }
    const mid = (lo + hi) >>> 1;
    const x = a[lo] as number;
    const y = a[mid] as number;
    const z = a[hi - 1] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    // Three-way partition: [lo, lt) < pivot, [lt, gt) == pivot, [gt, hi) > pivot.
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i < gt) {
      const v = a[i] as number;
      if (v < pivot) {
        a[i] = a[lt] as number;
        a[lt++] = v;
        i++;
      } else if (v > pivot) {
        a[i] = a[--gt] as number;
        a[gt] = v;
      } else i++;
    }
    if (k < lt) hi = lt;
    else if (k >= gt) lo = gt;
    else return pivot;
  }
  a.subarray(lo, hi).sort();
  return a[k] as number;
}
