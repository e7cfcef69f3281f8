/**
 * Cost and timing models of the simulated venue. Pure and deterministic: randomness comes only from
 * the injected Rng. All rates are fractions (4 bps = 0.0004).
 */
import { decimalsOf, formatFixed, formatScaled, product, type Instrument, type Rng } from '../engine/index.ts';

export interface FeeModel {
  /** Fraction of notional charged to resting (maker) fills; negative for a rebate. */
  readonly maker: number;
  /** Fraction of notional charged to aggressive (taker) fills. */
  readonly taker: number;
}

/**
 * Exact fee for a fill, as a decimal string in the quote currency. When price, size and rate are
 * small enough that their scaled product fits in a double (nearly always), the product is computed
 * on integers without bigint; otherwise in fixed-18.
 */
export function feeFor(model: FeeModel, liquidity: 'maker' | 'taker', price: number, qty: number, inst: Instrument): string {
  const rate = liquidity === 'maker' ? model.maker : model.taker;
  const rd = rateDecimals(rate);
  const pd = inst.priceDecimals;
  const qd = inst.qtyDecimals;
  if (rd <= 10) {
    const n = Math.round(price * (POW[pd] as number)) * Math.round(qty * (POW[qd] as number)) * Math.round(rate * (POW[rd] as number));
    if (Math.abs(n) <= Number.MAX_SAFE_INTEGER) {
      const d = pd + qd + rd;
      const text = formatScaled(n, d);
      if (d <= 22) {
        lastFeeText = text;
        // The decimal `text` is exactly n / 10^d, and both are exact doubles (10^d for d <= 22):
        // one correctly rounded division gives the double Number(text) gives.
        lastFeeValue = n === 0 ? 0 : n / (POW22[d] as number);
      }
      return text;
    }
  }
  return formatFixed(product(price, qty, rate));
}

const POW22: Float64Array = Float64Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
let lastFeeText = '0';
let lastFeeValue = 0;

/** Number(fee) of a fee string, without parsing it when it is the one feeFor gave last (a fill's fee, read back by the account). */
export function feeNumber(fee: string): number {
  return fee === lastFeeText ? lastFeeValue : Number(fee);
}

const POW: Float64Array = Float64Array.from({ length: 19 }, (_, i) => 10 ** i);

/** Decimals of a rate, memoized for the last two rates seen (a venue has a maker and a taker rate). */
let lastRateA = NaN;
let lastDecA = 0;
let lastRateB = NaN;
let lastDecB = 0;
function rateDecimals(rate: number): number {
  if (rate === lastRateA) return lastDecA;
  if (rate === lastRateB) return lastDecB;
  const d = decimalsOf(Math.abs(rate) || 1);
  lastRateB = lastRateA;
  lastDecB = lastDecA;
  lastRateA = rate;
  lastDecA = d;
  return d;
}

/**
 * Bid/ask spread assumed when only trades or bars are known: takers pay half of it. It is
 * `bps` of the price plus `ticks` ticks (a market's spread is never below one tick). With quote
 * data the venue uses the real bid and ask instead.
 */
export interface SpreadModel {
  readonly bps: number;
  readonly ticks: number;
}

/**
 * Slippage on taker fills, on top of the spread:
 * - `fixedBps`: a constant adverse move;
 * - `impact`: the square-root law coefficient Y: the price moves by Y x sigma x sqrt(Q / V), with
 *   sigma the bar's range over its open and V its traded volume (0 turns it off).
 */
export interface SlippageModel {
  readonly fixedBps: number;
  readonly impact: number;
}

/**
 * Adverse price move (quote currency, >= 0) for a taker fill of `qty` at reference `price`:
 * half the spread (unless the reference is already the bid/ask), fixed slippage and impact.
 */
export function takerSlippage(m: Pick<VenueModels, 'spread' | 'slippage'>, tickSize: number, price: number, qty: number, sigma: number, volume: number, atTouch: boolean): number {
  let frac = m.slippage.fixedBps / 10_000;
  if (m.slippage.impact > 0 && sigma > 0) frac += m.slippage.impact * sigma * Math.sqrt(volume > 0 ? qty / volume : 1);
  let move = price * frac;
  if (!atTouch) move += (price * m.spread.bps) / 20_000 + (m.spread.ticks * tickSize) / 2;
  return move;
}

/** One-way latency from the engine to the venue, in ms. */
export type LatencyModel =
  | { readonly kind: 'fixed'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  /** Log-normal with the given median and 99th percentile; heavy right tail like real networks. */
  | { readonly kind: 'lognormal'; readonly medianMs: number; readonly p99Ms: number }
  /**
   * The latencies a session measured (`parity calibrate`), drawn with replacement: each draw picks
   * one sample uniformly with the seeded Rng (a bootstrap), so a replay keeps the live distribution,
   * tail included, and stays deterministic for a seed. At least one sample, each >= 0 ms.
   */
  | { readonly kind: 'empirical'; readonly samplesMs: readonly number[] };

const Z99 = 2.3263478740408408;

/** Draws one latency in whole ms (>= 0). */
export function sampleLatency(model: LatencyModel, rng: Rng): number {
  switch (model.kind) {
    case 'fixed':
      return Math.max(0, Math.round(model.ms));
    case 'uniform':
      return Math.max(0, Math.round(model.minMs + rng.next() * (model.maxMs - model.minMs)));
    case 'lognormal': {
      if (model.medianMs <= 0) return 0;
      const sigma = Math.log(Math.max(model.p99Ms, model.medianMs) / model.medianMs) / Z99;
      return Math.max(0, Math.round(model.medianMs * Math.exp(sigma * rng.normal())));
    }
    case 'empirical': {
      const n = model.samplesMs.length;
      if (n === 0) return 0;
      return Math.max(0, Math.round(model.samplesMs[Math.min(n - 1, Math.floor(rng.next() * n))] as number));
    }
  }
}

/** Parses "5", "fixed:5", "uniform:2-20", "lognormal:8,40" (median, p99). */
export function parseLatency(text: string): LatencyModel {
  const t = text.trim();
  let m = /^(?:fixed:)?(\d+(?:\.\d+)?)$/.exec(t);
  if (m) return { kind: 'fixed', ms: Number(m[1]) };
  m = /^uniform:(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(t);
  if (m && Number(m[1]) <= Number(m[2])) return { kind: 'uniform', minMs: Number(m[1]), maxMs: Number(m[2]) };
  m = /^lognormal:(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/.exec(t);
  if (m && Number(m[1]) <= Number(m[2])) return { kind: 'lognormal', medianMs: Number(m[1]), p99Ms: Number(m[2]) };
  throw new RangeError(`latency "${text}" is not one of: <ms>, fixed:<ms>, uniform:<min>-<max>, lognormal:<median>,<p99>`);
}

export interface FillPolicy {
  /**
   * Largest share of the traded volume (per bar, or per trade tick) that resting orders may fill.
   * Taker orders always fill in full, paying impact instead. Default 0.1.
   */
  readonly maxParticipation: number;
  /**
   * With bars only, a taker fill's spread, slippage and impact stop at the fill bar's high (buys)
   * or low (sells), as backtrader's `slip_match` does: no fill outside the traded range. Default
   * true; false lets the costs push a fill beyond the bar.
   */
  readonly rangeCap?: boolean;
  /**
   * Taker orders filled in pieces, as a venue reports an order matched against several resting
   * orders: `share` of taker orders (0..1) come in `pieces` fills on average (>= 2), the quantity
   * split on the lot grid, every piece at the order's price. What `parity calibrate` measures of a
   * live session. Absent: one fill per taker order.
   */
  readonly takerPieces?: { readonly share: number; readonly pieces: number };
}

export interface VenueModels {
  readonly fees: FeeModel;
  readonly spread: SpreadModel;
  readonly slippage: SlippageModel;
  readonly latency: LatencyModel;
  readonly fills: FillPolicy;
}

/**
 * Defaults meant to be honest rather than flattering: Binance USD-M base-tier fees (2 bps maker,
 * 5 bps taker), a one-tick spread, square-root impact with Y = 0.5, a log-normal latency with a
 * 25 ms median and a 120 ms p99, resting orders filling at most 10% of traded volume, and taker
 * fills kept inside the bar's range.
 */
export const DEFAULT_MODELS: VenueModels = {
  fees: { maker: 0.0002, taker: 0.0005 },
  spread: { bps: 0, ticks: 1 },
  slippage: { fixedBps: 0, impact: 0.5 },
  latency: { kind: 'lognormal', medianMs: 25, p99Ms: 120 },
  fills: { maxParticipation: 0.1, rangeCap: true },
};

/** No costs beyond fees and no latency: the idealized fills of a naive backtester (for comparisons). */
export const FRICTIONLESS: Omit<VenueModels, 'fees'> = {
  spread: { bps: 0, ticks: 0 },
  slippage: { fixedBps: 0, impact: 0 },
  latency: { kind: 'fixed', ms: 0 },
  fills: { maxParticipation: 1 },
};
