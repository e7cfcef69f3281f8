/**
 * Commands: imperative requests that flow from strategies (or the operator) to a venue.
 * A command is a plain readonly object and is never mutated after it is sent.
 */
import type { Price, Qty } from './units.ts';
import type { ClientOrderId, StrategyId, Symbol } from './ids.ts';

export type OrderSide = 'buy' | 'sell';
export type OrderType = 'market' | 'limit';
/** gtc: rests until canceled; ioc: fill what you can now, cancel the rest; fok: all or nothing. */
export type TimeInForce = 'gtc' | 'ioc' | 'fok';

export interface SubmitOrder {
  readonly type: 'SubmitOrder';
  readonly strategyId: StrategyId;
  readonly clientOrderId: ClientOrderId;
  readonly symbol: Symbol;
  readonly side: OrderSide;
  readonly orderType: OrderType;
  /** Base units, on the lot grid. */
  readonly qty: Qty;
  /** Limit price on the tick grid; absent for market orders. */
  readonly price?: Price;
  readonly timeInForce: TimeInForce;
  /** Maker only: the venue rejects the order rather than let it take liquidity. */
  readonly postOnly: boolean;
  /** May only reduce an existing position. */
  readonly reduceOnly: boolean;
  readonly tsInit: number;
}

export interface CancelOrder {
  readonly type: 'CancelOrder';
  readonly strategyId: StrategyId;
  readonly clientOrderId: ClientOrderId;
  readonly symbol: Symbol;
  readonly tsInit: number;
}

export interface ModifyOrder {
  readonly type: 'ModifyOrder';
  readonly strategyId: StrategyId;
  readonly clientOrderId: ClientOrderId;
  readonly symbol: Symbol;
  readonly qty?: Qty;
  readonly price?: Price;
  readonly tsInit: number;
}

export interface CancelAllOrders {
  readonly type: 'CancelAllOrders';
  /** Only this strategy's orders; all strategies when absent. */
  readonly strategyId?: StrategyId;
  /** Only this symbol; all symbols when absent. */
  readonly symbol?: Symbol;
  readonly tsInit: number;
}

export type TradingCommand = SubmitOrder | CancelOrder | ModifyOrder | CancelAllOrders;
