/**
 * Can a strategy's order size trade at all? A size parameter below a market's lot size, minimum
 * quantity or minimum notional gets every order the strategy sends denied ("quantity must be > 0
 * (got 0)"), quietly, for as long as it runs. Checked once at start, the same way for a backtest
 * and a session, against each market, the notional at the last known price. Pure: parameters,
 * instruments and prices in, problems out; the smallest value that trades is computed exactly.
 */
import { formatFixed, fromNumber, product } from '../model/fixed.ts';
import { snapQty, type Instrument } from '../model/instrument.ts';
import type { AnyStrategyDefinition, Params } from '../model/strategy.ts';

/** A market to check against, with its last known price (undefined: none yet). */
export interface SizedMarket {
  readonly instrument: Instrument;
  readonly price: number | undefined;
}

export interface SizeProblem {
  readonly param: string;
  readonly value: number;
  readonly market: SizedMarket;
  /** The value on the market's lot grid (0 when it rounds away). */
  readonly snapped: number;
  /** The smallest value that trades on this market (at its price, when known). */
  readonly smallest: number;
}

const SIZE_NAME = /^(size|qty)$/i;

/** The numeric parameters that are order sizes: named size or qty, or declared in `sizeParams`. */
export function sizeParamsOf(def: AnyStrategyDefinition, params: Params): string[] {
  const declared: readonly string[] = def.sizeParams ?? [];
  return Object.keys(params).filter((k) => typeof params[k] === 'number' && (SIZE_NAME.test(k) || declared.includes(k)));
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;

/** Smallest quantity (base units) one order may have on this market: whole lots, >= minQty, notional >= minimum at `price`. */
export function smallestTradable(inst: Instrument, price: number | undefined): number {
  const lot = fromNumber(inst.lotSize);
  let lots = ceilDiv(fromNumber(inst.minQty), lot);
  const priced = price !== undefined && price > 0 && inst.minNotional > 0;
  if (priced) {
    const need = ceilDiv(fromNumber(inst.minNotional), product(inst.lotSize, price));
    if (need > lots) lots = need;
  }
  let qty = Number(formatFixed(lots * lot));
  // The risk gate compares a float notional: make sure it agrees, a lot more if rounding says so.
  while (priced && price * qty < inst.minNotional) qty = Number(formatFixed(fromNumber(qty) + lot));
  return qty;
}

/** Every size parameter that cannot trade on some market, one problem per parameter and market. */
export function checkOrderSizes(def: AnyStrategyDefinition, params: Params, markets: readonly SizedMarket[]): SizeProblem[] {
  const out: SizeProblem[] = [];
  for (const param of sizeParamsOf(def, params)) {
    const value = params[param] as number;
    for (const market of markets) {
      const smallest = smallestTradable(market.instrument, market.price);
      const snapped = snapQty(market.instrument, value);
      if (!(snapped >= smallest)) out.push({ param, value, market, snapped, smallest });
    }
  }
  return out;
}

/** "XRPUSDT trades in lots of 0.1 with a minimum notional of 5 USDT at 1.0498": the terms that set the smallest size. */
export function marketTerms(m: SizedMarket): string {
  const i = m.instrument;
  const lots = `in lots of ${i.lotSize}${i.minQty > i.lotSize ? `, at least ${i.minQty}` : ''}`;
  const notional =
    i.minNotional > 0
      ? `${i.minQty > i.lotSize ? ',' : ''} with a minimum notional of ${i.minNotional} ${i.quote}${m.price === undefined ? ' (no price known yet to check it)' : ` at ${m.price}`}`
      : '';
  return `${i.symbol} trades ${lots}${notional}`;
}
