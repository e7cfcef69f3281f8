/**
 * Reports: the venue's truth, as the reconciliation loop reads it. Numbers are grid numbers (see
 * fixed.ts); money amounts that the venue gives as decimals stay exact decimal strings.
 */
import type { Decimal, Price, Qty } from './units.ts';
import type { OrderSide, OrderType } from './commands.ts';
import type { Liquidity } from './events.ts';
import type { ClientOrderId, Symbol, TradeId, VenueOrderId } from './ids.ts';

export type ReportedOrderStatus = 'open' | 'filled' | 'canceled' | 'rejected' | 'expired';

export interface OrderStatusReport {
  readonly venueOrderId: VenueOrderId;
  /** Absent for orders placed outside Parity (by hand, another bot). */
  readonly clientOrderId?: ClientOrderId;
  readonly symbol: Symbol;
  readonly side: OrderSide;
  readonly orderType: OrderType;
  readonly qty: Qty;
  readonly price?: Price;
  readonly filledQty: Qty;
  readonly avgPx: Price;
  readonly status: ReportedOrderStatus;
  readonly reduceOnly: boolean;
  /** Last change at the venue, epoch ms. */
  readonly tsLast: number;
}

export interface FillReport {
  readonly venueOrderId: VenueOrderId;
  readonly clientOrderId?: ClientOrderId;
  readonly tradeId: TradeId;
  readonly symbol: Symbol;
  readonly side: OrderSide;
  readonly qty: Qty;
  readonly price: Price;
  /** Exact fee in the settlement currency. */
  readonly fee: Decimal;
  readonly liquidity: Liquidity;
  readonly ts: number;
}

export interface PositionReport {
  readonly symbol: Symbol;
  /** Signed base units (0: flat, reported with the time it last changed). */
  readonly qty: Qty;
  readonly entryPrice: Price;
  /** When the position last changed at the venue (venue time). */
  readonly ts: number;
}

export interface BalanceReport {
  readonly currency: string;
  /** Wallet balance, exact decimal. */
  readonly total: Decimal;
  /** Available for new orders, exact decimal. */
  readonly free: Decimal;
}

export interface FundingReport {
  readonly id: string;
  readonly symbol: Symbol;
  /** Exact amount credited; negative when paid. */
  readonly amount: Decimal;
  readonly ts: number;
}
