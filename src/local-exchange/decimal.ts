/**
 * Exact decimal helpers for the local exchange, on top of the engine's fixed-18 bigints.
 *
 * Every price, quantity, fee and balance the local exchange keeps is a `Fixed` (bigint scaled by
 * 10^18); floats appear only in derived statistics (quote volumes). Formatting pads to the
 * market's grid the way Binance prints numbers ("61800.20", "0.010") without ever rounding a
 * value that is reported as a balance or a fill. The arithmetic itself is the engine's
 * (src/engine/fixed.ts, plain functions, not the simulator); only what the engine lacks is here.
 */
import { ONE, abs, div, divRound, formatFixed, fromNumber, mul, parseFixed, toNumber, type Fixed } from '../engine/index.ts';

export type { Fixed };
/** mul/div round half-even at 1e-18 (exact when the decimals add up to at most 18); toNumber is correctly rounded. */
export { ONE, abs, div, fromNumber, formatFixed, mul, parseFixed, toNumber };

/** Decimal string, padded with zeros to at least `minDecimals` (never rounds). */
export function fmt(v: Fixed, minDecimals = 0): string {
  const s = formatFixed(v);
  if (minDecimals <= 0) return s;
  const dot = s.indexOf('.');
  const have = dot < 0 ? 0 : s.length - dot - 1;
  if (have >= minDecimals) return s;
  return (dot < 0 ? `${s}.` : s) + '0'.repeat(minDecimals - have);
}

/**
 * Number of decimals of a fixed-18 value, ignoring trailing zeros (0.0100 -> 2). Not the engine's
 * `decimalsOf`, which takes a float step: a request quantity can carry more digits than a float
 * keeps ("1.00000000000000001" is 1 as a number), and the precision check (-1111) must see them.
 */
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
