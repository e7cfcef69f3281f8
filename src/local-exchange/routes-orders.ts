/**
 * Order endpoints: POST/GET/DELETE/PUT /fapi/v1/order, openOrders, allOrders, allOpenOrders.
 * Request parameters are parsed strictly (Binance codes for a missing, malformed or unsupported
 * parameter); the order commands themselves live in order-entry.ts. Responses are RESULT-type:
 * the order's state after the request was processed (a market order comes back FILLED).
 */
import { err, mandatory, notRequired } from './errors.ts';
import { cancelAll, cancelOrder, modifyOrder, placeOrder, type OrderRef } from './order-entry.ts';
import type { OrderType, TimeInForce } from './orders.ts';
import type { Ctx, RouteTable } from './router.ts';
import { marketParam, window } from './routes-public.ts';
import { orderJson } from './shapes.ts';

const SIDES = ['BUY', 'SELL'] as const;
const TYPES = ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'] as const;
const TIFS = ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'] as const;

function orderRef(c: Ctx): OrderRef {
  const orderId = c.p.int('orderId');
  const clientOrderId = c.p.str('origClientOrderId');
  if (orderId !== undefined) return { orderId };
  if (clientOrderId !== undefined) return { clientOrderId };
  throw err(-1102, "Param 'orderId' or 'origClientOrderId' must be sent, but both were empty/null!");
}

function checkPositionSide(c: Ctx): void {
  const ps = c.p.str('positionSide');
  if (ps !== undefined && ps !== 'BOTH') throw err(-4061, "Order's position side does not match user's setting.");
}

function newOrder(c: Ctx): Record<string, unknown> {
  const ms = marketParam(c);
  const side = c.p.oneOf('side', SIDES, -1117);
  if (side === undefined) throw mandatory('side');
  const type = c.p.oneOf('type', TYPES, -1116);
  if (type === undefined) throw mandatory('type');
  if (type !== 'LIMIT' && type !== 'MARKET') throw err(-1116, `Order type ${type} is not supported by the local exchange.`);
  checkPositionSide(c);
  if (c.p.bool('closePosition') === true) throw notRequired('closePosition');
  if (c.p.has('stopPrice')) throw notRequired('stopPrice');
  const quantity = c.p.decimal('quantity');
  if (quantity === undefined) throw mandatory('quantity');
  const price = c.p.decimal('price');
  let tif: TimeInForce = 'GTC';
  if (type === 'LIMIT') {
    const t = c.p.oneOf('timeInForce', TIFS, -1115);
    if (t === undefined) throw mandatory('timeInForce');
    if (t === 'GTD') throw err(-1115);
    tif = t;
    if (price === undefined) throw mandatory('price');
  } else if (price !== undefined) throw notRequired('price');
  const resp = c.p.str('newOrderRespType');
  if (resp !== undefined && resp !== 'ACK' && resp !== 'RESULT') throw err(-1136, 'Invalid newOrderRespType');
  const clientOrderId = c.p.str('newClientOrderId');
  const o = placeOrder(c.v, {
    symbol: ms.spec.symbol,
    side,
    type: type as OrderType,
    timeInForce: tif,
    quantity,
    reduceOnly: c.p.bool('reduceOnly') ?? false,
    origin: 'api',
    ...(price === undefined ? {} : { price }),
    ...(clientOrderId === undefined ? {} : { clientOrderId }),
  });
  return orderJson(o, ms.spec, false);
}

export const orderRoutes: RouteTable = {
  'POST /fapi/v1/order': { auth: 'signed', handle: newOrder },
  'GET /fapi/v1/order': {
    auth: 'signed',
    handle: (c) => {
      const ms = marketParam(c);
      const o = c.v.orders.get(ms.spec.symbol, orderRef(c));
      if (o === undefined) throw err(-2013);
      return orderJson(o, ms.spec, true);
    },
  },
  'DELETE /fapi/v1/order': {
    auth: 'signed',
    handle: (c) => {
      const ms = marketParam(c);
      return orderJson(cancelOrder(c.v, ms.spec.symbol, orderRef(c)), ms.spec, false);
    },
  },
  'PUT /fapi/v1/order': {
    auth: 'signed',
    handle: (c) => {
      const ms = marketParam(c);
      const ref = orderRef(c);
      const side = c.p.oneOf('side', SIDES, -1117);
      if (side === undefined) throw mandatory('side');
      const quantity = c.p.decimal('quantity');
      if (quantity === undefined) throw mandatory('quantity');
      const price = c.p.decimal('price');
      if (price === undefined) throw mandatory('price');
      return orderJson(modifyOrder(c.v, { symbol: ms.spec.symbol, ref, side, quantity, price }), ms.spec, false);
    },
  },
  'GET /fapi/v1/openOrders': {
    auth: 'signed',
    handle: (c) => {
      const sym = c.p.str('symbol');
      if (sym !== undefined) marketParam(c);
      return c.v.orders.open(sym).map((o) => orderJson(o, (c.v.market(o.symbol) ?? marketParam(c)).spec, true));
    },
  },
  'GET /fapi/v1/allOrders': {
    auth: 'signed',
    handle: (c) => {
      const ms = marketParam(c);
      const rows = window(c.v.orders.list(ms.spec.symbol), c, (o) => o.time, 500, 1000, { param: 'orderId', of: (o) => o.orderId });
      return rows.map((o) => orderJson(o, ms.spec, true));
    },
  },
  'DELETE /fapi/v1/allOpenOrders': {
    auth: 'signed',
    handle: (c) => {
      cancelAll(c.v, marketParam(c).spec.symbol);
      return { code: 200, msg: 'The operation of cancel all open order is done.' };
    },
  },
};
