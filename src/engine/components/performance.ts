/**
 * Performance statistics of a run, from its equity curve and fills. Pure functions over floats
 * (statistics need no exactness; the ledger keeps that).
 *
 * Conventions: returns are simple returns between consecutive equity samples; Sharpe is their mean
 * over their sample standard deviation, annualized with the number of samples in a 365.25-day year
 * (crypto trades every day), risk-free rate 0. Max drawdown is the largest fall from a running peak,
 * as a fraction of that peak. A trade is a round trip: from flat (or a flip) back to flat. The split
 * by volatility regime is in regimes.ts.
 */
import type { OrderFilled } from '../model/events.ts';

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
  const { equity, exposure } = s;
  const n = equity.length;
  const end = n > 0 ? (equity[n - 1] as number) : s.startEquity;
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
    const x = exposure[i] as number;
    const e = equity[i] as number;
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
