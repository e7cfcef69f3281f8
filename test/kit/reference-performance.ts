/**
 * The statistics as they were before the one-pass rewrite (commit b82b31d, src/engine/components/performance.ts),
 * kept verbatim as the reference the one-pass versions must equal (test/engine/performance-one-pass.test.ts).
 */
/* eslint-disable */
import type { OrderFilled } from '../../src/engine/model/events.ts';
import { RollingStats } from '../../src/engine/components/indicators.ts';

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
  const r: number[] = [];
  let prev = start;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i] as number;
    r.push(prev !== 0 ? e / prev - 1 : 0);
    prev = e;
  }
  return annualizedSharpe(r, intervalMs);
}

/** Mean over sample standard deviation of per-interval returns, annualized; 0 when undefined. */
export function annualizedSharpe(r: readonly number[], intervalMs: number): number {
  const n = r.length;
  if (n < 2) return 0;
  let sum = 0;
  let sumSq = 0;
  for (const x of r) {
    sum += x;
    sumSq += x * x;
  }
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

export function summarize(s: SummaryInput): Summary {
  const n = s.equity.length;
  const end = n > 0 ? (s.equity[n - 1] as number) : s.startEquity;
  const trips = roundTrips(s.fills);
  const wins = trips.filter((t) => t.pnl > 0).length;
  let inMarket = 0;
  let expSum = 0;
  let eqSum = 0;
  for (let i = 0; i < n; i++) {
    const x = s.exposure[i] as number;
    if (x > 0) inMarket++;
    expSum += x;
    eqSum += s.equity[i] as number;
  }
  const dd = maxDrawdown(s.equity, s.startEquity);
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
    sharpe: sharpe(s.equity, s.startEquity, s.intervalMs),
    maxDrawdown: dd.frac,
    maxDrawdownAbs: dd.abs,
    exposure: n > 0 ? inMarket / n : 0,
    avgLeverage: eqSum !== 0 ? expSum / eqSum : 0,
  };
}

// The result types are the product's own (only the computation is kept as it was).
export type { Regime, RegimeStats } from '../../src/engine/components/regimes.ts';
import type { Regime, RegimeStats } from '../../src/engine/components/regimes.ts';

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
 * Splits a run into terciles of rolling realized volatility and reports each, per bar: a period
 * ends at each sample taken at a bar's close (and at the last sample), so samples between closes
 * fold into the bar they fall in. A bar is classified by the volatility known at the close of the
 * last bar that closed before its own close (bar i - 1 for bar i), found by time.
 */
export function regimeBreakdown(input: {
  readonly close: ArrayLike<number>;
  readonly barTs: ArrayLike<number>;
  readonly times: ArrayLike<number>;
  readonly equity: ArrayLike<number>;
  readonly exposure: ArrayLike<number>;
  readonly startEquity: number;
  readonly intervalMs: number;
  readonly fills: readonly OrderFilled[];
  readonly window: number;
}): RegimeStats[] {
  const vol = rollingVolatility(input.close, input.window);
  const known: number[] = [];
  for (let i = 1; i < vol.length; i++) if (!Number.isNaN(vol[i - 1] as number)) known.push(vol[i - 1] as number);
  if (known.length < 3) return [];
  known.sort((a, b) => a - b);
  const q1 = known[Math.floor(known.length / 3)] as number;
  const q2 = known[Math.floor((2 * known.length) / 3)] as number;
  const bounds: Record<Regime, [number, number]> = {
    low: [known[0] as number, q1],
    mid: [q1, q2],
    high: [q2, known[known.length - 1] as number],
  };
  const classOf = (v: number): Regime => (v < q1 ? 'low' : v < q2 ? 'mid' : 'high');
  const acc: Record<Regime, { eq: number[]; pnl: number; bars: number; fills: number; inMarket: number }> = {
    low: { eq: [], pnl: 0, bars: 0, fills: 0, inMarket: 0 },
    mid: { eq: [], pnl: 0, bars: 0, fills: 0, inMarket: 0 },
    high: { eq: [], pnl: 0, bars: 0, fills: 0, inMarket: 0 },
  };
  // A fill counts in the period whose return it moves: (times[i-1], times[i]], the first sample
  // taken at or after it (fills land inside a bar, after latency, not on its timestamps).
  const fillsAt = new Uint32Array(input.equity.length);
  const fillTimes = input.fills.map((f) => f.tsEvent).sort((x, y) => x - y);
  for (let i = 0, j = 0; i < input.equity.length; i++) {
    const t = input.times[i] as number;
    while (j < fillTimes.length && (fillTimes[j] as number) <= t) {
      (fillsAt[i] as number)++;
      j++;
    }
  }
  const closes = new Set(Array.from(input.barTs, (b) => b + input.intervalMs));
  const n = input.equity.length;
  for (let i = 1, start = 0; i < n; i++) {
    if (i < n - 1 && !closes.has(input.times[i] as number)) continue; // between closes: the bar goes on
    const from = start;
    start = i;
    // The last bar that closed (opened one interval earlier) before the period's end was sampled.
    let last = -1;
    for (let b = 0; b < input.barTs.length; b++) if ((input.barTs[b] as number) + input.intervalMs < (input.times[i] as number)) last = b;
    if (last < 0) continue;
    const v = vol[last] as number;
    if (Number.isNaN(v)) continue;
    const a = acc[classOf(v)];
    const prev = input.equity[from] as number;
    const cur = input.equity[i] as number;
    a.pnl += cur - prev;
    a.bars++;
    a.eq.push(prev !== 0 ? cur / prev - 1 : 0);
    if ((input.exposure[i] as number) > 0) a.inMarket++;
    for (let k = from + 1; k <= i; k++) a.fills += fillsAt[k] as number;
  }
  const regimes: Regime[] = ['low', 'mid', 'high'];
  return regimes.map((regime) => {
    const a = acc[regime];
    const [volFrom, volTo] = bounds[regime];
    return { regime, volFrom, volTo, bars: a.bars, pnl: a.pnl, sharpe: annualizedSharpe(a.eq, input.intervalMs), fills: a.fills, exposure: a.bars > 0 ? a.inMarket / a.bars : 0 };
  });
}
