/**
 * Liquidation of a perpetual position in a cross-margin account, as Binance USD-M does it: the one
 * pure rule the simulated venue (src/paper) and the local exchange (src/local-exchange) share, so
 * both liquidate the same position at the same price with the same fee.
 *
 * - Margin balance = wallet + unrealized PnL of every position at its mark; maintenance margin =
 *   the sum over positions of `notional x rate - maintAmount` of the bracket the notional falls in
 *   (instrument.ts). The account is liquidated when the margin balance falls to or below the
 *   maintenance margin ("margin ratio 100%").
 * - For one position, with the rest of the account at its marks, that happens at Binance's
 *   liquidation price (its published formula, one-way mode):
 *   `LP = (WB - TMM1 + UPNL1 + cum - side x |q| x EP) / (|q| x MMR - side x |q|)`, solved bracket by
 *   bracket until the notional at LP lies in the bracket used. Margin balance minus maintenance is
 *   continuous and monotonic in the mark, so the mark reaching LP is exactly the trigger.
 * - The position is closed in full at LP, snapped to the tick against the trader (a long sells at
 *   the tick below, a short buys at the tick above: the margin balance there is at or below the
 *   maintenance margin, so the trigger holds at the fill price). Binance takes over at the
 *   liquidation price and the clearance fee absorbs what the liquidation leaves: the fee is
 *   `rate x notional`, capped at the margin balance left after the close (never below 0), which for
 *   small positions (bracket rate below the fee rate) is all of it, as Binance's Liquidation
 *   Protocols page describes ("already bankrupt when first entering liquidation"). No trading
 *   commission is charged on top. The fee is rounded to 1e-8 (Binance's commission precision).
 *   Only the tick rounding of the price can leave less than nothing (a position whose maintenance
 *   margin is below one tick of its size): then no fee, and the deficit stays on the wallet.
 *
 * Plain numbers (floats) on purpose: both callers pass the same doubles (the exact books converted
 * once), so both get the same price and the same fee text.
 */
import type { OrderSide } from './commands.ts';
import { formatScaled } from './fixed.ts';
import { maintenanceMargin, snapPrice, type Instrument, type LeverageTier } from './instrument.ts';
import type { Decimal, Price, Qty } from './units.ts';

/**
 * Clearance fee rate when the instrument does not give one: 0.75%, the rate of 102 of the 122
 * symbols in the real exchangeInfo capture of 2021-07-22 (data/README.md).
 */
export const DEFAULT_LIQUIDATION_FEE = 0.0075;

/** One open position: signed size (base units) and signed cost (size x average entry, quote). */
export interface MarginPosition {
  readonly qty: number;
  readonly cost: number;
}

/** The rest of the cross account as one position sees it, at the marks of the other positions. */
export interface CrossAccount {
  /** Wallet balance (quote): deposits + realized PnL - fees + funding. */
  readonly wallet: number;
  /** Maintenance margin of the other positions (quote). */
  readonly otherMaintenance: number;
  /** Unrealized PnL of the other positions (quote). */
  readonly otherUnrealized: number;
}

/** Margin balance and maintenance margin of the account with this position marked at `price`. */
export function marginAt(tiers: readonly LeverageTier[], pos: MarginPosition, acct: CrossAccount, price: number): { balance: number; maintenance: number } {
  return {
    balance: acct.wallet + acct.otherUnrealized + pos.qty * price - pos.cost,
    maintenance: acct.otherMaintenance + maintenanceMargin(tiers, pos.qty * price),
  };
}

/**
 * Binance's liquidation price of the position, or undefined when there is no positive one: a long
 * the wallet covers, or a position under water at any price because of the rest of the account
 * (then one of the other positions is past its own liquidation price and goes first).
 */
export function liquidationPrice(tiers: readonly LeverageTier[], pos: MarginPosition, acct: CrossAccount): number | undefined {
  const q = pos.qty;
  const aq = Math.abs(q);
  if (aq === 0 || tiers.length === 0) return undefined;
  const base = acct.wallet - acct.otherMaintenance + acct.otherUnrealized - pos.cost;
  for (let i = 0; i < tiers.length; i++) {
    const t = tiers[i] as LeverageTier;
    const p = (base + t.maintAmount) / (aq * t.maintMarginRate - q);
    if (!(p > 0) || !Number.isFinite(p)) continue;
    const n = aq * p;
    // Float noise at a bracket edge: both neighbours then give the same price.
    const tol = 1e-9 * Math.max(1, n);
    if (n >= t.floor - tol && (n < t.cap + tol || i === tiers.length - 1)) return p;
  }
  return undefined;
}

/** Where a position is liquidated: the side of the closing order and its price, which is also the trigger (the mark at or beyond it). */
export interface LiquidationTrigger {
  /** The liquidation order's side: sell for a long, buy for a short. */
  readonly side: OrderSide;
  /** The liquidation price on the tick grid. A long is liquidated when the mark is at or below it, a short at or above. */
  readonly price: Price;
}

export function liquidationTrigger(inst: Instrument, pos: MarginPosition, acct: CrossAccount): LiquidationTrigger | undefined {
  const tiers = inst.tiers;
  if (tiers === undefined || pos.qty === 0) return undefined;
  const lp = liquidationPrice(tiers, pos, acct);
  if (lp === undefined) return undefined;
  const side: OrderSide = pos.qty > 0 ? 'sell' : 'buy';
  // Against the trader: the sell at the tick below (snapPrice rounds a buy down), the buy at the tick above.
  const price = snapPrice(inst, lp, side === 'sell' ? 'buy' : 'sell');
  return price > 0 ? { side, price } : undefined;
}

/** True when a mark at `price` liquidates the position of trigger `t`. */
export function liquidates(t: LiquidationTrigger, price: number): boolean {
  return t.side === 'sell' ? price <= t.price : price >= t.price;
}

export interface LiquidationFill {
  readonly side: OrderSide;
  readonly price: Price;
  /** The whole position, unsigned. */
  readonly qty: Qty;
  /** The clearance fee charged on the fill, quote currency, 8 decimals. */
  readonly fee: Decimal;
}

/** The fill that closes the position at the trigger's price, with the clearance fee (see the header). */
export function liquidationFill(inst: Instrument, pos: MarginPosition, acct: CrossAccount, t: LiquidationTrigger): LiquidationFill {
  const qty = Math.abs(pos.qty);
  const left = acct.wallet + acct.otherUnrealized + pos.qty * t.price - pos.cost;
  const rate = inst.liquidationFee ?? DEFAULT_LIQUIDATION_FEE;
  const fee = Math.max(0, Math.min(rate * qty * t.price, left));
  return { side: t.side, price: t.price, qty, fee: formatScaled(Math.round(fee * 1e8), 8) };
}
