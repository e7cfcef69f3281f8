/**
 * Calibration: the simulated venue's models fitted from one recorded session (`parity calibrate`).
 * Pure: a SessionRecording in, models and what they were fitted from out (docs/calibration.md).
 *
 * - latency: every order request that left for the venue (`o` entries) paired with the first
 *   answer to it in the kernel's messages (accepted, rejected or filled for a submit; canceled or
 *   cancel-rejected for a cancel), in local wall time: the time from the request until the engine
 *   knew. That is what the simulator's latency stands for (its answer reaches the engine when the
 *   command arrives), so the samples are kept as they are: an empirical model, bootstrapped.
 * - fees: the rate each live fill was charged (fee / notional), the median per liquidity side.
 * - slippage: each live taker order's volume-weighted fill price against the decision price (the
 *   last price of its symbol when the strategy decided), in bps, adverse positive; fitted by least
 *   squares as y = a + b x, with x = 10^4 sigma sqrt(Q / V) (the simulator's square-root term, sigma
 *   and V those of the bar the order filled in). a becomes `fixedBps` and b `impact`; the spread is
 *   set to 0 because a, measured from the decision price, already holds the half spread paid.
 *   Neither may be negative (a venue does not pay to trade): b < 0, or sizes and bars too alike to
 *   tell b from a, refits a alone (the mean) with b = 0.
 * - partial fills: the share of taker orders filled in more than one piece, and their pieces per
 *   order: the simulator's fills.takerPieces.
 *   The simulator fills a taker in one piece, so they are measured and reported, not applied.
 */
import type { LoggedMessage, MarketData, OrderFilled, SubmitOrder } from '../../engine/index.ts';
import type { VenueModels } from '../../paper/index.ts';
import { warmupOf, type SessionRecording } from '../../persistence/recording.ts';

/** Most latency samples a model file keeps: beyond it, this many evenly spaced quantiles of them. */
export const MAX_LATENCY_SAMPLES = 5000;

export interface SlippageFit {
  /** Taker orders fitted. */
  readonly n: number;
  readonly fixedBps: number;
  readonly impact: number;
  /** Share of the slippage's variance the fit explains (NaN with fewer than 2 orders or no variance). */
  readonly r2: number;
  /** Mean observed slippage, bps. */
  readonly meanBps: number;
  readonly p95Bps: number;
  /** Why the impact is 0 when it is (not identifiable, or fitted negative); absent when fitted. */
  readonly note?: string;
}

export interface Calibration {
  readonly latency: { readonly n: number; readonly p50Ms: number; readonly p90Ms: number; readonly p99Ms: number; readonly kept: number } | null;
  readonly fees: { readonly makerFills: number; readonly takerFills: number; readonly maker: number | null; readonly taker: number | null };
  readonly slippage: SlippageFit | null;
  /** Taker orders filled live, those filled in more than one piece, their share, pieces per order (all), and pieces per order among the split ones. */
  readonly partialFills: { readonly orders: number; readonly inPieces: number; readonly share: number; readonly piecesPerOrder: number; readonly piecesWhenSplit: number };
}

export interface Fitted {
  readonly models: VenueModels;
  readonly calibration: Calibration;
  /** What was left as it was, and why (too few samples...). */
  readonly notes: readonly string[];
}

/** The q-quantile (0..1) of sorted numbers, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/** Request-to-answer times, ms, in request order. */
export function latencySamples(s: SessionRecording): number[] {
  const answers = new Map<string, { submit: number[]; cancel: number[] }>();
  const SUBMIT = new Set(['OrderAccepted', 'OrderRejected', 'OrderFilled']);
  const CANCEL = new Set(['OrderCanceled', 'OrderCancelRejected']);
  for (const { w, m } of s.messages) {
    const id = (m as { clientOrderId?: string }).clientOrderId;
    if (id === undefined) continue;
    const kind = SUBMIT.has(m.type) ? 'submit' : CANCEL.has(m.type) ? 'cancel' : undefined;
    if (kind === undefined) continue;
    let a = answers.get(id);
    if (a === undefined) answers.set(id, (a = { submit: [], cancel: [] }));
    a[kind].push(w);
  }
  const out: number[] = [];
  for (const r of s.requests) {
    if (r.kind === 'modify') continue;
    const at = answers.get(r.id)?.[r.kind].find((w) => w >= r.w);
    if (at !== undefined) out.push(at - r.w);
  }
  return out;
}

/** Ordinary least squares of y on x with an intercept; undefined when x has no spread. */
export function leastSquares(x: readonly number[], y: readonly number[]): { a: number; b: number; r2: number } | undefined {
  const n = x.length;
  if (n < 2) return undefined;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx <= 1e-12 * Math.max(1, mx * mx) * n) return undefined;
  const b = sxy / sxx;
  const a = my - b * mx;
  return { a, b, r2: syy === 0 ? NaN : (b * sxy) / syy };
}

/** The taker orders' slippage against the decision price, and the square-root regressor of each. */
export function takerObservations(s: SessionRecording): { x: number[]; y: number[] } {
  const data: MarketData[] = [...warmupOf(s.header), ...s.data.map((p) => p.d)];
  const decisions = new Map<string, { sub: SubmitOrder; n: number }>();
  const fills = new Map<string, OrderFilled[]>();
  for (const { n, m } of s.messages) {
    if (m.type === 'SubmitOrder' && m.orderType === 'market') decisions.set(m.clientOrderId, { sub: m, n });
    else if (m.type === 'OrderFilled' && m.liquidity === 'taker' && m.liquidation !== true) fills.set(m.clientOrderId, [...(fills.get(m.clientOrderId) ?? []), m]);
  }
  const x: number[] = [];
  const y: number[] = [];
  for (const [id, fs] of fills) {
    const d = decisions.get(id);
    if (d === undefined) continue;
    const ref = lastPrice(data, d.sub.symbol, d.n - 1);
    const bar = nextBar(data, d.sub.symbol, d.n);
    if (ref === undefined || ref <= 0) continue;
    const qty = fs.reduce((q, f) => q + f.lastQty, 0);
    if (qty <= 0) continue;
    const vwap = fs.reduce((v, f) => v + f.lastQty * f.lastPx, 0) / qty;
    const side = d.sub.side === 'buy' ? 1 : -1;
    y.push((side * (vwap - ref) * 10_000) / ref);
    const sigma = bar !== undefined && bar.open > 0 ? (bar.high - bar.low) / bar.open : 0;
    const share = bar !== undefined && bar.volume > 0 ? qty / bar.volume : 1;
    x.push(10_000 * sigma * Math.sqrt(share));
  }
  return { x, y };
}

function lastPrice(data: readonly MarketData[], symbol: string, upTo: number): number | undefined {
  for (let i = Math.min(upTo, data.length - 1); i >= 0; i--) {
    const d = data[i] as MarketData;
    if (d.symbol !== symbol) continue;
    if (d.type === 'bar') return d.close;
    if (d.type === 'trade') return d.price;
    if (d.type === 'quote') return (d.bid + d.ask) / 2;
  }
  return undefined;
}

function nextBar(data: readonly MarketData[], symbol: string, from: number): Extract<MarketData, { type: 'bar' }> | undefined {
  for (let i = Math.max(0, from); i < data.length; i++) {
    const d = data[i] as MarketData;
    if (d.type === 'bar' && d.symbol === symbol) return d;
  }
  return undefined;
}

export function fitSlippage(x: readonly number[], y: readonly number[]): SlippageFit | null {
  const n = y.length;
  if (n === 0) return null;
  const mean = y.reduce((s, v) => s + v, 0) / n;
  const p95Bps = quantile(
    [...y].sort((a, b) => a - b),
    0.95,
  );
  const ls = leastSquares(x, y);
  if (ls !== undefined && ls.b >= 0 && ls.a >= 0) return { n, fixedBps: ls.a, impact: ls.b, r2: ls.r2, meanBps: mean, p95Bps };
  const note =
    ls === undefined
      ? 'sizes and bars too alike to tell impact from a constant: the mean slippage is fixedBps'
      : ls.b < 0
        ? `the fitted impact came out negative (${ls.b.toFixed(3)}): refitted as a constant, impact 0`
        : `the fitted constant came out negative (${ls.a.toFixed(3)} bps): refitted as a constant, impact 0`;
  return { n, fixedBps: Math.max(0, mean), impact: 0, r2: NaN, meanBps: mean, p95Bps, note };
}

/** Fee rates the live fills were charged, per liquidity side. */
function feeRates(messages: readonly { readonly m: LoggedMessage }[]): { maker: number[]; taker: number[] } {
  const out = { maker: [] as number[], taker: [] as number[] };
  for (const { m } of messages) {
    if (m.type !== 'OrderFilled' || m.liquidation === true) continue;
    const notional = m.lastQty * m.lastPx;
    if (notional > 0) out[m.liquidity].push(Number(m.fee) / notional);
  }
  return out;
}

/** Taker orders only (the simulator's knob is for takers; a resting order fills as the volume lets it). */
function partialFills(messages: readonly { readonly m: LoggedMessage }[]): Calibration['partialFills'] {
  const pieces = new Map<string, number>();
  for (const { m } of messages) if (m.type === 'OrderFilled' && m.liquidity === 'taker') pieces.set(m.clientOrderId, (pieces.get(m.clientOrderId) ?? 0) + 1);
  const orders = pieces.size;
  const split = [...pieces.values()].filter((p) => p > 1);
  const total = [...pieces.values()].reduce((s, p) => s + p, 0);
  return {
    orders,
    inPieces: split.length,
    share: orders === 0 ? 0 : split.length / orders,
    piecesPerOrder: orders === 0 ? 0 : total / orders,
    piecesWhenSplit: split.length === 0 ? 0 : split.reduce((s, p) => s + p, 0) / split.length,
  };
}

const round = (v: number, d: number): number => Math.round(v * 10 ** d) / 10 ** d;

/** The models of `base` with what the session measured fitted in. */
export function calibrate(s: SessionRecording, base: VenueModels): Fitted {
  const notes: string[] = [];
  let models: VenueModels = base;
  const lat = latencySamples(s);
  let latency: Calibration['latency'] = null;
  if (lat.length === 0) {
    notes.push(
      s.header.mode === 'paper'
        ? "no latency samples: a paper session's orders never leave for a venue; the latency is left as the session's"
        : "no order request was answered: the latency is left as the session's",
    );
  } else {
    const sorted = [...lat].sort((a, b) => a - b);
    const kept = sorted.length <= MAX_LATENCY_SAMPLES ? sorted : Array.from({ length: MAX_LATENCY_SAMPLES }, (_, i) => sorted[Math.floor(((i + 0.5) * sorted.length) / MAX_LATENCY_SAMPLES)] as number);
    latency = { n: lat.length, p50Ms: quantile(sorted, 0.5), p90Ms: quantile(sorted, 0.9), p99Ms: quantile(sorted, 0.99), kept: kept.length };
    models = { ...models, latency: { kind: 'empirical', samplesMs: kept } };
  }
  const rates = feeRates(s.messages);
  const median = (xs: number[]): number | null =>
    xs.length === 0
      ? null
      : round(
          quantile(
            [...xs].sort((a, b) => a - b),
            0.5,
          ),
          8,
        );
  const fees = { makerFills: rates.maker.length, takerFills: rates.taker.length, maker: median(rates.maker), taker: median(rates.taker) };
  if (fees.maker === null || fees.taker === null) notes.push(`no ${fees.maker === null ? 'maker' : 'taker'} fills: that fee is left as the session's`);
  models = { ...models, fees: { maker: fees.maker ?? models.fees.maker, taker: fees.taker ?? models.fees.taker } };
  const obs = takerObservations(s);
  const slippage = fitSlippage(obs.x, obs.y);
  if (slippage === null) notes.push("no live taker fill with its decision recorded: slippage, impact and spread are left as the session's");
  else {
    models = { ...models, spread: { bps: 0, ticks: 0 }, slippage: { fixedBps: round(slippage.fixedBps, 4), impact: round(slippage.impact, 6) } };
    if (slippage.note !== undefined) notes.push(slippage.note);
  }
  const pf = partialFills(s.messages);
  if (pf.orders > 0) models = { ...models, fills: { ...models.fills, takerPieces: { share: round(pf.share, 6), pieces: pf.inPieces === 0 ? 1 : round(pf.piecesWhenSplit, 6) } } };
  return { models, calibration: { latency, fees, slippage, partialFills: pf }, notes };
}
