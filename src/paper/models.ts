/**
 * Cost and timing models of the simulated venue. Pure and deterministic: randomness comes only from
 * the injected Rng. All rates are fractions (4 bps = 0.0004).
 */
import { formatFixed, product, type Rng } from '../engine/index.ts';

export interface FeeModel {
  /** Fraction of notional charged to resting (maker) fills; negative for a rebate. */
  readonly maker: number;
  /** Fraction of notional charged to aggressive (taker) fills. */
  readonly taker: number;
}

/** Exact fee for a fill, as a decimal string in the quote currency. */
export function feeFor(model: FeeModel, liquidity: 'maker' | 'taker', price: number, qty: number): string {
  const rate = liquidity === 'maker' ? model.maker : model.taker;
  return formatFixed(product(price, qty, rate));
}

/**
 * Bid/ask spread assumed when only trades or bars are known: takers pay half of it.
 * With quote data the venue uses the real bid and ask instead.
 */
export interface SpreadModel {
  readonly bps: number;
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

/** Adverse fractional price move for a taker fill of `qty` in a bar with the given range and volume. */
export function slippageFraction(model: SlippageModel, spread: SpreadModel, qty: number, sigma: number, volume: number): number {
  let f = (spread.bps / 2 + model.fixedBps) / 10_000;
  if (model.impact > 0 && sigma > 0) {
    const participation = volume > 0 ? qty / volume : 1;
    f += model.impact * sigma * Math.sqrt(participation);
  }
  return f;
}

/** One-way latency from the engine to the venue, in ms. */
export type LatencyModel =
  | { readonly kind: 'fixed'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  /** Log-normal with the given median and 99th percentile; heavy right tail like real networks. */
  | { readonly kind: 'lognormal'; readonly medianMs: number; readonly p99Ms: number };

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
}

export interface VenueModels {
  readonly fees: FeeModel;
  readonly spread: SpreadModel;
  readonly slippage: SlippageModel;
  readonly latency: LatencyModel;
  readonly fills: FillPolicy;
}

/** Binance USD-M default tier: 2 bps maker, 5 bps taker; no spread, slippage or latency. */
export const DEFAULT_MODELS: VenueModels = {
  fees: { maker: 0.0002, taker: 0.0005 },
  spread: { bps: 0 },
  slippage: { fixedBps: 0, impact: 0 },
  latency: { kind: 'fixed', ms: 0 },
  fills: { maxParticipation: 0.1 },
};
