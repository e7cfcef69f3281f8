/**
 * Order commands: new, cancel, amend, cancel-all, close-position. Checks run in a fixed order
 * (client id, filters, reduce-only, post-only, FOK, margin) and a rejected command changes nothing:
 * no order is created for it and its client id stays free, as with Binance's -5021/-5022 ("will
 * not be recorded"). An accepted command creates at most one order per client id, ever.
 */
import type { Side } from './account.ts';
import { div, int, maxx, minx, mul, type Fixed } from './decimal.ts';
import { err, invalidValue, mandatory } from './errors.ts';
import { afterFills, closable, crosses, emitOrder, endOrder, execute, fillable, take } from './execution.ts';
import { checkClientOrderId, checkNotional, checkPrice, checkQuantity } from './order-rules.ts';
import { isOpen, remaining, type Order, type OrderType, type TimeInForce } from './orders.ts';
import type { MarketState, Venue } from './venue.ts';

export interface NewOrder {
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly quantity: Fixed;
  /** Required for LIMIT. */
  readonly price?: Fixed;
  readonly reduceOnly: boolean;
  readonly clientOrderId?: string;
  readonly origin: 'api' | 'external';
}

export interface OrderRef {
  readonly orderId?: number;
  readonly clientOrderId?: string;
}

/** Initial margin an order needs: the part that opens or grows a position, at `price`, over leverage. */
function marginNeeded(v: Venue, ms: MarketState, side: Side, qty: Fixed, price: Fixed, reduceOnly: boolean): Fixed {
  if (reduceOnly) return 0n;
  const opening = maxx(0n, qty - closable(v, ms.spec.symbol, side));
  return div(mul(opening, price), int(ms.leverage));
}

function rest(ms: MarketState, o: Order): void {
  o.queueAhead = ms.feed.book.qtyAt(o.side === 'BUY' ? 'bids' : 'asks', o.price);
}

/** Takes what is marketable now; returns whether anything filled. */
function takeNow(v: Venue, ms: MarketState, o: Order, limit?: Fixed): boolean {
  let want = remaining(o);
  if (o.reduceOnly) want = minx(want, closable(v, o.symbol, o.side));
  let any = false;
  for (const [p, q] of take(ms, o.side, want, limit)) if (execute(v, ms, o, q, p, false) > 0n) any = true;
  if (any) afterFills(v, ms);
  return any;
}

export function placeOrder(v: Venue, req: NewOrder): Order {
  const ms = v.marketOrThrow(req.symbol);
  const spec = ms.spec;
  const coid = req.clientOrderId ?? v.orders.newClientOrderId(req.origin === 'api' ? 'local-' : 'web_');
  checkClientOrderId(coid);
  v.orders.notePlacement(coid);
  if (v.orders.hasClientOrderId(coid)) throw err(-4116);
  const mark = ms.feed.lastPrice();
  checkQuantity(spec, req.quantity, req.type);
  const limit = req.type === 'LIMIT' ? req.price : undefined;
  if (req.type === 'LIMIT') {
    if (limit === undefined) throw mandatory('price');
    checkPrice(spec, limit, mark);
  }
  const best = ms.feed.book.best(req.side === 'BUY' ? 'asks' : 'bids');
  const ref = limit ?? best?.[0] ?? mark;
  checkNotional(spec, req.quantity, ref, req.reduceOnly);
  if (req.reduceOnly && closable(v, req.symbol, req.side) === 0n) throw err(-2022);
  if (req.timeInForce === 'GTX' && limit !== undefined && best !== undefined && crosses(req.side, limit, best[0])) throw err(-5022);
  if (req.timeInForce === 'FOK' && fillable(ms, req.side, req.quantity, limit) < req.quantity) throw err(-5021);
  const need = marginNeeded(v, ms, req.side, req.quantity, ref, req.reduceOnly);
  if (need > 0n && need > v.accountView().available) throw err(-2019);

  const o: Order = {
    orderId: v.orders.newOrderId(),
    clientOrderId: coid,
    symbol: req.symbol,
    side: req.side,
    type: req.type,
    timeInForce: req.type === 'MARKET' ? 'GTC' : req.timeInForce,
    price: limit ?? 0n,
    origQty: req.quantity,
    executedQty: 0n,
    cumQuote: 0n,
    status: 'NEW',
    reduceOnly: req.reduceOnly,
    time: v.now,
    updateTime: v.now,
    queueAhead: 0n,
    origin: req.origin,
  };
  v.orders.add(o);
  emitOrder(v, ms, o, 'NEW');
  takeNow(v, ms, o, limit);
  if (isOpen(o)) {
    if (req.type === 'MARKET' || req.timeInForce === 'IOC' || req.timeInForce === 'FOK') endOrder(v, ms, o, 'EXPIRED');
    else rest(ms, o);
  }
  return o;
}

export function cancelOrder(v: Venue, symbol: string, ref: OrderRef): Order {
  const ms = v.marketOrThrow(symbol);
  const o = v.orders.get(symbol, ref);
  if (o === undefined || !isOpen(o)) throw err(-2011);
  endOrder(v, ms, o, 'CANCELED');
  return o;
}

export function cancelAll(v: Venue, symbol: string): Order[] {
  v.marketOrThrow(symbol);
  return v.orders.open(symbol).map((o) => cancelOrder(v, symbol, { orderId: o.orderId }));
}

export interface Amendment {
  readonly symbol: string;
  readonly ref: OrderRef;
  readonly side: Side;
  readonly quantity: Fixed;
  readonly price: Fixed;
}

/** PUT /fapi/v1/order: new price and/or quantity for an open LIMIT order, same order id. */
export function modifyOrder(v: Venue, a: Amendment): Order {
  const ms = v.marketOrThrow(a.symbol);
  const o = v.orders.get(a.symbol, a.ref);
  if (o === undefined || !isOpen(o)) throw err(-2013);
  if (o.type !== 'LIMIT') throw err(-5025);
  if (a.side !== o.side) throw invalidValue('side');
  checkQuantity(ms.spec, a.quantity, 'LIMIT');
  checkPrice(ms.spec, a.price, ms.feed.lastPrice());
  if (a.quantity === o.origQty && a.price === o.price) throw err(-5027);
  const best = ms.feed.book.best(o.side === 'BUY' ? 'asks' : 'bids');
  if (o.timeInForce === 'GTX' && best !== undefined && crosses(o.side, a.price, best[0])) throw err(-5022);
  const before = marginNeeded(v, ms, o.side, remaining(o), o.price, o.reduceOnly);
  const after = marginNeeded(v, ms, o.side, maxx(0n, a.quantity - o.executedQty), a.price, o.reduceOnly);
  if (after > before && after - before > v.accountView().available) throw err(-2019);
  if (a.quantity <= o.executedQty) {
    endOrder(v, ms, o, 'CANCELED');
    return o;
  }
  const lostPriority = a.price !== o.price || a.quantity > o.origQty;
  o.price = a.price;
  o.origQty = a.quantity;
  o.updateTime = v.now;
  if (lostPriority) rest(ms, o);
  emitOrder(v, ms, o, 'AMENDMENT');
  takeNow(v, ms, o, o.price);
  return o;
}

/** A market order for the whole position (the website's "close" button). */
export function closePosition(v: Venue, symbol: string): Order | undefined {
  v.marketOrThrow(symbol);
  const q = v.account.positions.get(symbol)?.qty ?? 0n;
  if (q === 0n) return undefined;
  return placeOrder(v, { symbol, side: q > 0n ? 'SELL' : 'BUY', type: 'MARKET', timeInForce: 'GTC', quantity: q > 0n ? q : -q, reduceOnly: true, origin: 'external' });
}
