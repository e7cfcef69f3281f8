/**
 * Exact decimal helpers for the local exchange, on top of the engine's fixed-18 bigints.
 *
 * Every price, quantity, fee and balance the local exchange keeps is a `Fixed` (bigint scaled by
 * 10^18); floats appear only in derived statistics (quote volumes). Formatting pads to the
 * market's grid the way Binance prints numbers ("61800.20", "0.010") without ever rounding a
 * value that is reported as a balance or a fill.
 */
import { ONE, divRound, formatFixed, fromNumber, parseFixed, type Fixed } from '../../engine/index.ts';

export type { Fixed };
export { ONE, fromNumber, parseFixed, formatFixed };

export const ZERO = 0n;

/** Decimal string, padded with zeros to at least `minDecimals` (never rounds). */
export function fmt(v: Fixed, minDecimals = 0): string {
  const s = formatFixed(v);
  if (minDecimals <= 0) return s;
  const dot = s.indexOf('.');
  const have = dot < 0 ? 0 : s.length - dot - 1;
  if (have >= minDecimals) return s;
  return (dot < 0 ? `${s}.` : s) + '0'.repeat(minDecimals - have);
}

/** Rounds half-even to `decimals` places, then pads to exactly that many (for display of averages). */
export function fmtRounded(v: Fixed, decimals: number): string {
  const unit = 10n ** BigInt(18 - decimals);
  return fmt(divRound(v, unit) * unit, decimals);
}

/** Number of decimals in a decimal string's fraction, ignoring trailing zeros ("0.0100" -> 2). */
export function decimalsOf(v: Fixed): number {
  const s = formatFixed(v);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** Is `v` an integer multiple of `step` (step > 0)? */
export function onGrid(v: Fixed, step: Fixed): boolean {
  return step > 0n && v % step === 0n;
}

/** Largest multiple of `step` that is <= v (v >= 0). */
export function floorTo(v: Fixed, step: Fixed): Fixed {
  return v - (v % step);
}

/** a * b, exact when the decimals of both add up to at most 18 (prices x quantities x rates). */
export function mulx(a: Fixed, b: Fixed): Fixed {
  return divRound(a * b, ONE);
}

/** a / b rounded half-even at 1e-18. */
export function divx(a: Fixed, b: Fixed): Fixed {
  return divRound(a * ONE, b);
}

export function absx(a: Fixed): Fixed {
  return a < 0n ? -a : a;
}

export function minx(a: Fixed, b: Fixed): Fixed {
  return a < b ? a : b;
}

export function maxx(a: Fixed, b: Fixed): Fixed {
  return a > b ? a : b;
}

/** Fixed-18 of an integer. */
export function int(n: number): Fixed {
  return BigInt(n) * ONE;
}

/** Float of a fixed-18 value, for statistics only. */
export function toFloat(v: Fixed): number {
  return Number(formatFixed(v));
}

/** Strict decimal parser for request parameters: digits with an optional fraction, nothing else. */
const PARAM_DECIMAL = /^([0-9]{1,20})(\.[0-9]{1,20})?$/;
export function parseParamDecimal(text: string): Fixed | undefined {
  if (!PARAM_DECIMAL.test(text)) return undefined;
  return parseFixed(text);
}

/** Shortest decimal of v rounded half-even to `decimals` places (averages and entry prices). */
export function fmtAvg(v: Fixed, decimals = 8): string {
  const unit = 10n ** BigInt(18 - decimals);
  return formatFixed(divRound(v, unit) * unit);
}
