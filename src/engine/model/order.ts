/**
 * The order record and the pure function that applies an order event to it.
 *
 * Invariants: `filledQty` is the exact sum of the distinct fills applied (re-snapped to the lot
 * grid after each addition, so float drift never accumulates); a fill is identified by its
 * tradeId and applied at most once; the status only moves along the transition table.
 */
import type { Price, Qty } from './units.ts';
import type { OrderSide, OrderType, SubmitOrder, TimeInForce } from './commands.ts';
import type { OrderEvent, OrderFilled } from './events.ts';
import type { ClientOrderId, StrategyId, Symbol, TradeId, VenueOrderId } from './ids.ts';
import { transition, type OrderEventKind, type OrderStatus } from './order-state.ts';
import { pow10Number } from './fixed.ts';

export interface Order {
  readonly clientOrderId: ClientOrderId;
  readonly strategyId: StrategyId;
  readonly symbol: Symbol;
  readonly side: OrderSide;
  readonly orderType: OrderType;
  readonly qty: Qty;
  /** Limit price; undefined for market orders. */
  readonly price: Price | undefined;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly status: OrderStatus;
  readonly venueOrderId: VenueOrderId | undefined;
  /** Base units filled so far. */
  readonly filledQty: Qty;
  /** Volume-weighted average fill price (0 before the first fill). */
  readonly avgPx: Price;
  /** Trade ids already applied, for idempotent fill handling. */
  readonly tradeIds: readonly TradeId[];
  /** Decimals of the lot grid, to add quantities exactly. */
  readonly qtyDecimals: number;
  readonly tsInit: number;
  readonly tsLast: number;
  /** Last reason given by the venue or the risk gate (deny, reject, cancel-reject). */
  readonly reason: string | undefined;
}

export function createOrder(cmd: SubmitOrder, qtyDecimals: number): Order {
  return {
    clientOrderId: cmd.clientOrderId,
    strategyId: cmd.strategyId,
    symbol: cmd.symbol,
    side: cmd.side,
    orderType: cmd.orderType,
    qty: cmd.qty,
    price: cmd.price,
    timeInForce: cmd.timeInForce,
    postOnly: cmd.postOnly,
    reduceOnly: cmd.reduceOnly,
    status: 'initialized',
    venueOrderId: undefined,
    filledQty: 0,
    avgPx: 0,
    tradeIds: [],
    qtyDecimals,
    tsInit: cmd.tsInit,
    tsLast: cmd.tsInit,
    reason: undefined,
  };
}

/**
 * The order with its changing fields given (every one, positionally: no object of changes to
 * allocate on the hot path). Built as one literal so every order has the same shape (fast).
 */
function update(
  o: Order,
  status: OrderStatus,
  tsLast: number,
  venueOrderId: VenueOrderId | undefined,
  qty: Qty,
  price: Price | undefined,
  filledQty: Qty,
  avgPx: Price,
  tradeIds: readonly TradeId[],
  reason: string | undefined,
): Order {
  return {
    clientOrderId: o.clientOrderId,
    strategyId: o.strategyId,
    symbol: o.symbol,
    side: o.side,
    orderType: o.orderType,
    qty,
    price,
    timeInForce: o.timeInForce,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    status,
    venueOrderId,
    filledQty,
    avgPx,
    tradeIds,
    qtyDecimals: o.qtyDecimals,
    tsInit: o.tsInit,
    tsLast,
    reason,
  };
}

export type ApplyOutcome = { readonly kind: 'applied'; readonly order: Order; readonly overfill?: boolean } | { readonly kind: 'duplicate' } | { readonly kind: 'invalid'; readonly reason: string };

const KIND: Record<Exclude<OrderEvent['type'], 'OrderFilled'>, OrderEventKind> = {
  OrderDenied: 'Denied',
  OrderSubmitted: 'Submitted',
  OrderAccepted: 'Accepted',
  OrderRejected: 'Rejected',
  OrderPendingCancel: 'PendingCancel',
  OrderPendingUpdate: 'PendingUpdate',
  OrderCancelRejected: 'CancelRejected',
  OrderModifyRejected: 'ModifyRejected',
  OrderModifyDenied: 'ModifyDenied',
  OrderUpdated: 'Updated',
  OrderCanceled: 'Canceled',
  OrderExpired: 'Expired',
};

/** x rounded to `decimals` places; one correctly rounded division, so grid values come out exact. */
export function roundTo(x: number, decimals: number): number {
  const p = pow10Number(decimals);
  return Math.round(x * p) / p;
}

function applyFill(order: Order, e: OrderFilled): ApplyOutcome {
  if (order.tradeIds.includes(e.tradeId)) return { kind: 'duplicate' };
  if (!(e.lastQty > 0)) return { kind: 'invalid', reason: `fill ${e.tradeId} has non-positive quantity ${e.lastQty}` };
  const filled = roundTo(order.filledQty + e.lastQty, order.qtyDecimals);
  const complete = filled >= order.qty;
  const step = transition(order.status, complete ? 'Filled' : 'PartiallyFilled', order.filledQty > 0);
  if (!step.ok) return { kind: 'invalid', reason: step.reason };
  const avgPx = (order.avgPx * order.filledQty + e.lastPx * e.lastQty) / filled;
  // A literal for the first fill (the usual case): a spread preallocates room for ~16 ids, and every order keeps its list.
  const tradeIds = order.tradeIds.length === 0 ? [e.tradeId] : [...order.tradeIds, e.tradeId];
  const next = update(order, step.status, e.tsEvent, order.venueOrderId ?? e.venueOrderId, order.qty, order.price, filled, avgPx, tradeIds, order.reason);
  // The venue is the truth: an overfill is booked, and flagged so the engine can say so.
  return filled > order.qty ? { kind: 'applied', order: next, overfill: true } : { kind: 'applied', order: next };
}

/** Applies one order event. Pure: returns a new order, or why the event was not applied. */
export function applyOrderEvent(order: Order, e: OrderEvent): ApplyOutcome {
  if (e.clientOrderId !== order.clientOrderId) {
    return { kind: 'invalid', reason: `event for ${e.clientOrderId} applied to ${order.clientOrderId}` };
  }
  if (e.type === 'OrderFilled') return applyFill(order, e);
  // Venues refuse to shrink an order to or below what has traded; a report saying so is corrupt.
  if (e.type === 'OrderUpdated' && !(e.qty > order.filledQty)) {
    return { kind: 'invalid', reason: `update to ${e.qty} is not above the filled quantity ${order.filledQty}` };
  }
  const step = transition(order.status, KIND[e.type], order.filledQty > 0);
  if (!step.ok) return { kind: 'invalid', reason: step.reason };
  const o = order;
  let next: Order;
  switch (e.type) {
    case 'OrderAccepted':
      next = update(o, step.status, e.tsEvent, e.venueOrderId ?? o.venueOrderId, o.qty, o.price, o.filledQty, o.avgPx, o.tradeIds, o.reason);
      break;
    case 'OrderDenied':
    case 'OrderRejected':
    case 'OrderCancelRejected':
    case 'OrderModifyRejected':
    case 'OrderModifyDenied':
      next = update(o, step.status, e.tsEvent, o.venueOrderId, o.qty, o.price, o.filledQty, o.avgPx, o.tradeIds, e.reason);
      break;
    case 'OrderUpdated':
      next = update(o, step.status, e.tsEvent, o.venueOrderId, e.qty, e.price ?? o.price, o.filledQty, o.avgPx, o.tradeIds, o.reason);
      break;
    default:
      next = update(o, step.status, e.tsEvent, o.venueOrderId, o.qty, o.price, o.filledQty, o.avgPx, o.tradeIds, o.reason);
      break;
  }
  return { kind: 'applied', order: next };
}

/** Quantity still working at the venue. */
export function leavesQty(order: Order): number {
  return Math.max(0, roundTo(order.qty - order.filledQty, order.qtyDecimals));
}
