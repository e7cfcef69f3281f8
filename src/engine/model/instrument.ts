/**
 * Instruments: what can be traded and on which grid.
 *
 * Prices are multiples of `tickSize`, quantities multiples of `lotSize`. Every price or quantity
 * that enters an order or a fill is snapped here, so the rest of the engine may treat them as
 * exact grid values. Snapping never makes an order more aggressive than asked: buy prices round
 * down, sell prices round up, quantities round toward zero.
 */
import type { Price, Qty } from './units.ts';
import { decimalsOf, pow10Number } from './fixed.ts';
import type { Symbol } from './ids.ts';

export type InstrumentKind = 'spot' | 'perpetual';

/**
 * One leverage bracket of a perpetual (Binance USD-M `GET /fapi/v1/leverageBracket`, ccxt's
 * leverage tiers): a position whose notional lies in [floor, cap) may use at most `maxLeverage` and
 * must keep `maintMarginRate * notional - maintAmount` as maintenance margin (quote currency).
 */
export interface LeverageTier {
  /** Notional floor, inclusive, quote currency. */
  readonly floor: number;
  /** Notional cap, exclusive, quote currency. */
  readonly cap: number;
  readonly maxLeverage: number;
  /** Maintenance margin rate, e.g. 0.004 for 0.4%. */
  readonly maintMarginRate: number;
  /** Maintenance amount ("cum" at Binance): what the rate overstates for the brackets below, quote currency. */
  readonly maintAmount: number;
}

/** The bracket a position of `notional` (absolute, quote currency) falls in; the last one beyond the caps. */
export function tierFor(tiers: readonly LeverageTier[], notional: number): LeverageTier | undefined {
  const n = Math.abs(notional);
  for (const t of tiers) if (n < t.cap) return t;
  return tiers[tiers.length - 1];
}

/** Maintenance margin of a position of `notional` (quote currency), 0 without tiers. */
export function maintenanceMargin(tiers: readonly LeverageTier[] | undefined, notional: number): number {
  if (tiers === undefined || tiers.length === 0) return 0;
  const t = tierFor(tiers, notional) as LeverageTier;
  return Math.max(0, Math.abs(notional) * t.maintMarginRate - t.maintAmount);
}

export interface Instrument {
  readonly symbol: Symbol;
  readonly base: string;
  readonly quote: string;
  readonly kind: InstrumentKind;
  /** Smallest price increment, in quote currency. */
  readonly tickSize: number;
  /** Smallest quantity increment, in base units. */
  readonly lotSize: number;
  /** Smallest order quantity, in base units (>= lotSize). */
  readonly minQty: number;
  /** Largest order quantity, in base units (Infinity when the venue sets none). */
  readonly maxQty: number;
  /** Smallest order notional (price x qty), in quote currency; 0 when none. */
  readonly minNotional: number;
  readonly priceDecimals: number;
  readonly qtyDecimals: number;
  /** Perpetuals: the venue's leverage brackets, lowest notional first (absent when unknown). */
  readonly tiers?: readonly LeverageTier[];
  /** Perpetuals: the venue's liquidation (clearance) fee rate, a fraction of the notional liquidated (absent when unknown). */
  readonly liquidationFee?: number;
}

export interface InstrumentSpec {
  readonly symbol: Symbol;
  readonly base?: string;
  readonly quote?: string;
  readonly kind?: InstrumentKind;
  readonly tickSize: number;
  readonly lotSize: number;
  readonly minQty?: number;
  readonly maxQty?: number;
  readonly minNotional?: number;
  readonly tiers?: readonly LeverageTier[];
  readonly liquidationFee?: number;
}

const QUOTES = ['USDT', 'USDC', 'FDUSD', 'BUSD', 'USD', 'BTC', 'ETH', 'EUR'];

/** Splits "BTCUSDT" into base and quote by the usual quote suffixes. */
export function splitSymbol(sym: string): { base: string; quote: string } {
  const clean = sym.replace(/[-/:_]/g, '').toUpperCase();
  for (const q of QUOTES) {
    if (clean.endsWith(q) && clean.length > q.length) return { base: clean.slice(0, -q.length), quote: q };
  }
  return { base: clean, quote: 'USDT' };
}

export function makeInstrument(spec: InstrumentSpec): Instrument {
  const { tickSize, lotSize } = spec;
  if (!(tickSize > 0) || !(lotSize > 0)) {
    throw new RangeError(`instrument ${spec.symbol}: tickSize and lotSize must be > 0`);
  }
  const split = splitSymbol(spec.symbol);
  return {
    symbol: spec.symbol,
    base: spec.base ?? split.base,
    quote: spec.quote ?? split.quote,
    kind: spec.kind ?? 'spot',
    tickSize,
    lotSize,
    minQty: Math.max(spec.minQty ?? lotSize, lotSize),
    maxQty: spec.maxQty ?? Infinity,
    minNotional: spec.minNotional ?? 0,
    priceDecimals: decimalsOf(tickSize),
    qtyDecimals: decimalsOf(lotSize),
    ...(spec.tiers === undefined ? {} : { tiers: spec.tiers }),
    ...(spec.liquidationFee === undefined ? {} : { liquidationFee: spec.liquidationFee }),
  };
}

const EPS = 1e-9;

function toSteps(x: number, step: number): number {
  return x / step;
}

/**
 * n steps of `step` as the exact grid number: n x (step in units of 10^-decimals) is an exact
 * integer, and one division by a power of ten rounds it correctly (3 x 0.1 -> 0.3, not 0.30000000000000004).
 */
function fromSteps(n: number, step: number, decimals: number): number {
  const p = pow10Number(decimals);
  return (n * Math.round(step * p)) / p;
}

/** Quantity rounded toward zero to a whole number of lots. */
export function snapQty(inst: Instrument, qty: number): Qty {
  const steps = toSteps(Math.abs(qty), inst.lotSize);
  const whole = Math.floor(steps + EPS);
  return Math.sign(qty) * fromSteps(whole, inst.lotSize, inst.qtyDecimals);
}

/** Price rounded to the tick, never more aggressive than asked (buy down, sell up). */
export function snapPrice(inst: Instrument, price: number, side: 'buy' | 'sell'): Price {
  const steps = toSteps(price, inst.tickSize);
  const whole = side === 'buy' ? Math.floor(steps + EPS) : Math.ceil(steps - EPS);
  return fromSteps(whole, inst.tickSize, inst.priceDecimals);
}

/** True when x is a whole multiple of step, within float noise. */
export function onGrid(x: number, step: number): boolean {
  const s = x / step;
  return Math.abs(s - Math.round(s)) < 1e-7;
}
