/**
 * Performance statistics of a run, from its equity curve and fills. Pure functions over floats
 * (statistics need no exactness; the ledger keeps that).
 *
 * Conventions: returns are simple returns between consecutive equity samples; Sharpe is their mean
 * over their sample standard deviation, annualized with the number of samples in a 365.25-day year
 * (crypto trades every day), risk-free rate 0. Max drawdown is the largest fall from a running peak,
 * as a fraction of that peak. A trade is a round trip: from flat (or a flip) back to flat.
 */
import type { OrderFilled } from '../model/events.ts';
import { RollingStats } from './indicators.ts';

const YEAR_MS = 365.25 * 86_400_000;

export interface RoundTrip {
  readonly symbol: string;
  readonly open: number;
  readonly close: number;
  readonly side: 'long' | 'short';
  /** Net of fees, quote currency. */
  readonly pnl: number;
}

/** Closed round trips from fills in time order (an open position at the end is not a trade yet). */
export function roundTrips(fills: readonly OrderFilled[]): RoundTrip[] {
  const out: RoundTrip[] = [];
  const open = new Map<string, { qty: number; flow: number; since: number }>();
  for (const f of fills) {
    const signed = f.side === 'buy' ? f.lastQty : -f.lastQty;
    const fee = Number(f.fee);
    let st = open.get(f.symbol) ?? { qty: 0, flow: 0, since: f.tsEvent };
    if (st.qty === 0) st = { qty: 0, flow: 0, since: f.tsEvent };
    const after = st.qty + signed;
    const flips = st.qty !== 0 && Math.sign(after) !== Math.sign(st.qty) && Math.abs(after) > 1e-12;
    if (flips) {
      // Split the fill: the part that closes, then the part that opens the other way.
      const closing = Math.abs(st.qty) / f.lastQty;
      const flow = st.flow - signed * closing * f.lastPx - fee * closing;
      out.push({ symbol: f.symbol, open: st.since, close: f.tsEvent, side: st.qty > 0 ? 'long' : 'short', pnl: flow });
      const rest = 1 - closing;
      open.set(f.symbol, { qty: after, flow: -signed * rest * f.lastPx - fee * rest, since: f.tsEvent });
      continue;
    }
    const flow = st.flow - signed * f.lastPx - fee;
    if (Math.abs(after) < 1e-12) {
      out.push({ symbol: f.symbol, open: st.since, close: f.tsEvent, side: st.qty > 0 ? 'long' : 'short', pnl: flow });
      open.set(f.symbol, { qty: 0, flow: 0, since: f.tsEvent });
    } else {
      open.set(f.symbol, { qty: after, flow, since: st.since });
    }
  }
  return out;
}

export interface Summary {
  readonly startEquity: number;
  readonly endEquity: number;
  readonly netPnl: number;
  /** endEquity / startEquity - 1. */
  readonly returnPct: number;
  readonly fees: number;
  /** Funding received (negative when paid). */
  readonly funding: number;
  readonly fills: number;
  readonly trades: number;
  /** Share of closed trades with positive net PnL; NaN without trades. */
  readonly winRate: number;
  readonly sharpe: number;
  /** Fraction of the running peak, 0..1. */
  readonly maxDrawdown: number;
  readonly maxDrawdownAbs: number;
  /** Share of samples with a position open, 0..1. */
  readonly exposure: number;
  /** Mean gross exposure over mean equity. */
  readonly avgLeverage: number;
}

export interface SummaryInput {
  readonly startEquity: number;
  readonly equity: ArrayLike<number>;
  readonly exposure: ArrayLike<number>;
  /** Time between samples, ms (the bar interval). */
  readonly intervalMs: number;
  readonly fills: readonly OrderFilled[];
  readonly fees: number;
  readonly funding: number;
}

export function sharpe(equity: ArrayLike<number>, start: number, intervalMs: number): number {
  let prev = start;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i] as number;
    const r = prev !== 0 ? e / prev - 1 : 0;
    sum += r;
    sumSq += r * r;
    prev = e;
  }
  return sharpeOfMoments(sum, sumSq, equity.length, intervalMs);
}

/** Mean over sample standard deviation of per-interval returns, annualized; 0 when undefined. */
export function annualizedSharpe(r: ArrayLike<number>, intervalMs: number): number {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < r.length; i++) {
    const x = r[i] as number;
    sum += x;
    sumSq += x * x;
  }
  return sharpeOfMoments(sum, sumSq, r.length, intervalMs);
}

/** annualizedSharpe from the sum and the sum of squares of n returns (so a pass need not keep them). */
export function sharpeOfMoments(sum: number, sumSq: number, n: number, intervalMs: number): number {
  if (n < 2) return 0;
  const mean = sum / n;
  const variance = (sumSq - n * mean * mean) / (n - 1);
  return variance > 0 ? (mean / Math.sqrt(variance)) * Math.sqrt(YEAR_MS / intervalMs) : 0;
}

export function maxDrawdown(equity: ArrayLike<number>, start: number): { frac: number; abs: number } {
  let peak = start;
  let frac = 0;
  let abs = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i] as number;
    if (e > peak) peak = e;
    const dd = peak - e;
    if (dd > abs) abs = dd;
    if (peak > 0 && dd / peak > frac) frac = dd / peak;
  }
  return { frac, abs };
}

/** The summary in one pass over the equity and exposure samples (plus the fills for the trades). */
export function summarize(s: SummaryInput): Summary {
  const n = s.equity.length;
  const end = n > 0 ? (s.equity[n - 1] as number) : s.startEquity;
  const trips = roundTrips(s.fills);
  const wins = trips.filter((t) => t.pnl > 0).length;
  let inMarket = 0;
  let expSum = 0;
  let eqSum = 0;
  let peak = s.startEquity;
  let ddFrac = 0;
  let ddAbs = 0;
  let prev = s.startEquity;
  let rSum = 0;
  let rSumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = s.exposure[i] as number;
    const e = s.equity[i] as number;
    if (x > 0) inMarket++;
    expSum += x;
    eqSum += e;
    if (e > peak) peak = e;
    const dd = peak - e;
    if (dd > ddAbs) ddAbs = dd;
    if (peak > 0 && dd / peak > ddFrac) ddFrac = dd / peak;
    const r = prev !== 0 ? e / prev - 1 : 0;
    rSum += r;
    rSumSq += r * r;
    prev = e;
  }
  return {
    startEquity: s.startEquity,
    endEquity: end,
    netPnl: end - s.startEquity,
    returnPct: s.startEquity !== 0 ? end / s.startEquity - 1 : 0,
    fees: s.fees,
    funding: s.funding,
    fills: s.fills.length,
    trades: trips.length,
    winRate: trips.length > 0 ? wins / trips.length : NaN,
    sharpe: sharpeOfMoments(rSum, rSumSq, n, s.intervalMs),
    maxDrawdown: ddFrac,
    maxDrawdownAbs: ddAbs,
    exposure: n > 0 ? inMarket / n : 0,
    avgLeverage: eqSum !== 0 ? expSum / eqSum : 0,
  };
}

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
 * known at the close of each bar (NaN until `window` returns exist).
 */
export function rollingVolatility(close: ArrayLike<number>, window: number): Float64Array {
  const out = new Float64Array(close.length).fill(NaN);
  const stats = new RollingStats(window);
  for (let i = 1; i < close.length; i++) {
    stats.update(Math.log((close[i] as number) / (close[i - 1] as number)));
    if (stats.ready) out[i] = stats.std;
  }
  return out;
}

/**
 * Splits a run into terciles of rolling realized volatility and reports each. Sample i (bar i) is
 * classified by the volatility known at the close of bar i - 1, so the split uses no hindsight
 * about the bar whose PnL it attributes.
 */
export function regimeBreakdown(input: {
  readonly close: ArrayLike<number>;
  readonly times: ArrayLike<number>;
  readonly equity: ArrayLike<number>;
  readonly exposure: ArrayLike<number>;
  readonly startEquity: number;
  readonly intervalMs: number;
  readonly fills: readonly OrderFilled[];
  readonly window: number;
}): RegimeStats[] {
  const vol = rollingVolatility(input.close, input.window);
  // The terciles of the volatilities known at each sample: two order statistics (selection, O(n)), no sort.
  const known = new Float64Array(Math.max(0, vol.length - 1));
  let m = 0;
  let lowest = Infinity;
  let highest = -Infinity;
  for (let i = 1; i < vol.length; i++) {
    const v = vol[i - 1] as number;
    if (Number.isNaN(v)) continue;
    known[m++] = v;
    if (v < lowest) lowest = v;
    if (v > highest) highest = v;
  }
  if (m < 3) return [];
  const k1 = Math.floor(m / 3);
  const k2 = Math.floor((2 * m) / 3);
  const q1 = select(known, 0, m, k1);
  const q2 = select(known, k1 + 1 > k2 ? k1 : k1 + 1, m, k2);
  const bounds: Record<Regime, [number, number]> = { low: [lowest, q1], mid: [q1, q2], high: [q2, highest] };
  // Per regime (0 low, 1 mid, 2 high): PnL, bars, fills, bars in the market, and the return moments.
  const pnl = new Float64Array(3);
  const bars = new Float64Array(3);
  const fillsIn = new Float64Array(3);
  const inMarket = new Float64Array(3);
  const rSum = new Float64Array(3);
  const rSumSq = new Float64Array(3);
  // A fill counts in the period whose return it moves: (times[i-1], times[i]], the first sample
  // taken at or after it (fills land inside a bar, after latency, not on its timestamps).
  const fillTimes = Float64Array.from(input.fills, (f) => f.tsEvent).sort();
  let j = 0;
  const n = input.equity.length;
  for (let i = 0; i < n; i++) {
    const t = input.times[i] as number;
    let fillsAt = 0;
    while (j < fillTimes.length && (fillTimes[j] as number) <= t) {
      fillsAt++;
      j++;
    }
    if (i === 0) continue;
    const v = vol[i - 1] as number;
    if (Number.isNaN(v)) continue;
    const c = v < q1 ? 0 : v < q2 ? 1 : 2;
    const prev = input.equity[i - 1] as number;
    const cur = input.equity[i] as number;
    pnl[c] = (pnl[c] as number) + (cur - prev);
    bars[c] = (bars[c] as number) + 1;
    const r = prev !== 0 ? cur / prev - 1 : 0;
    rSum[c] = (rSum[c] as number) + r;
    rSumSq[c] = (rSumSq[c] as number) + r * r;
    if ((input.exposure[i] as number) > 0) inMarket[c] = (inMarket[c] as number) + 1;
    fillsIn[c] = (fillsIn[c] as number) + fillsAt;
  }
  const regimes: Regime[] = ['low', 'mid', 'high'];
  return regimes.map((regime, c) => {
    const [volFrom, volTo] = bounds[regime];
    const b = bars[c] as number;
    return {
      regime,
      volFrom,
      volTo,
      bars: b,
      pnl: pnl[c] as number,
      sharpe: sharpeOfMoments(rSum[c] as number, rSumSq[c] as number, b, input.intervalMs),
      fills: fillsIn[c] as number,
      exposure: b > 0 ? (inMarket[c] as number) / b : 0,
    };
  });
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
