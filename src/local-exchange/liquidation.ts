/**
 * Liquidation on the local exchange, by the rule the simulated venue uses too (the engine's
 * liquidation.ts): cross margin over the real brackets, the mark (the last trade price) at or
 * beyond the position's liquidation price. Then, as Binance does: every open order of the symbol
 * is canceled, and the position is closed in full by the exchange's own order (`autoclose-` + the
 * time in ms + a 6-digit sequence; LIMIT IOC at the liquidation price, like the forceOrders rows in
 * ccxt's binance.js) filled at once at that price. The user stream gets ORDER_TRADE_UPDATE with
 * `x: "CALCULATED"`, `X: "FILLED"` (ws_futures_order_update_liquidation.json), then ACCOUNT_UPDATE;
 * the trade is in /fapi/v1/userTrades with the clearance fee as its commission, and the fee is an
 * INSURANCE_CLEAR income row (no trading commission is charged).
 *
 * The books are exact; the rule takes them as numbers (toNumber, correctly rounded), as the
 * simulator converts its own, so both get the same price and fee for the same position.
 */
import { liquidates, liquidationFill, liquidationTrigger, maintenanceMargin, type CrossAccount, type MarginPosition } from '../engine/index.ts';
import { fmt, fromNumber, mul, parseFixed, toNumber, type Fixed } from './decimal.ts';
import { afterFills, endOrder } from './execution.ts';
import type { Order } from './orders.ts';
import type { ExecutionVenue, MarketState } from './venue-types.ts';
import * as ws from './ws-shapes.ts';

/** The position of `ms` and the rest of the account at the markets' last prices, as numbers. */
function cross(v: ExecutionVenue, ms: MarketState): { pos: MarginPosition; acct: CrossAccount } {
  let otherMaintenance = 0;
  let otherUnrealized = 0;
  let pos: MarginPosition = { qty: 0, cost: 0 };
  for (const other of v.markets.values()) {
    const p = v.account.positions.get(other.spec.symbol);
    if (p === undefined || p.qty === 0n) continue;
    const qty = toNumber(p.qty);
    const cost = toNumber(mul(p.qty, p.entry));
    if (other === ms) {
      pos = { qty, cost };
      continue;
    }
    const mark = toNumber(other.feed.lastPrice());
    otherUnrealized += qty * mark - cost;
    otherMaintenance += maintenanceMargin(other.spec.instrument.tiers, qty * mark);
  }
  return { pos, acct: { wallet: toNumber(v.account.wallet), otherMaintenance, otherUnrealized } };
}

/** The position's liquidation price (positionRisk `liquidationPrice`), 0 when it has none. */
export function liquidationPriceOf(v: ExecutionVenue, ms: MarketState): Fixed {
  const p = v.account.positions.get(ms.spec.symbol);
  if (p === undefined || p.qty === 0n) return 0n;
  const { pos, acct } = cross(v, ms);
  const t = liquidationTrigger(ms.spec.instrument, pos, acct);
  return t === undefined ? 0n : fromNumber(t.price);
}

/** Liquidates the position on `ms` if its mark has reached the liquidation price. */
export function checkLiquidation(v: ExecutionVenue, ms: MarketState): void {
  const p = v.account.positions.get(ms.spec.symbol);
  if (p === undefined || p.qty === 0n) return;
  const { pos, acct } = cross(v, ms);
  const inst = ms.spec.instrument;
  const trigger = liquidationTrigger(inst, pos, acct);
  if (trigger === undefined || !liquidates(trigger, toNumber(ms.feed.lastPrice()))) return;
  for (const o of v.orders.open(ms.spec.symbol)) endOrder(v, ms, o, 'CANCELED');
  const fill = liquidationFill(inst, pos, acct, trigger);
  const spec = ms.spec;
  const qty = p.qty < 0n ? -p.qty : p.qty;
  const price = fromNumber(fill.price);
  const side = fill.side === 'buy' ? 'BUY' : 'SELL';
  const orderId = v.orders.newOrderId();
  const o: Order = {
    orderId,
    clientOrderId: `autoclose-${v.now}${String(orderId % 1_000_000).padStart(6, '0')}`,
    symbol: spec.symbol,
    side,
    type: 'LIMIT',
    timeInForce: 'IOC',
    price,
    origQty: qty,
    executedQty: 0n,
    cumQuote: 0n,
    status: 'NEW',
    reduceOnly: false,
    time: v.now,
    updateTime: v.now,
    queueAhead: 0n,
    origin: 'liquidation',
  };
  v.orders.add(o);
  const fee = parseFixed(fill.fee);
  const tradeId = v.nextTradeId();
  const t = v.account.applyFill({ symbol: spec.symbol, orderId: o.orderId, tradeId, side, qty, price, feeRate: 0n, maker: false, time: v.now, fee, feeIncome: 'INSURANCE_CLEAR' });
  o.executedQty = qty;
  o.cumQuote = t.quoteQty;
  o.status = 'FILLED';
  v.sink.user(ws.orderTradeUpdate(o, spec, 'CALCULATED', v.now, { qty, price, commission: fee, tradeId, maker: false, realizedPnl: t.realizedPnl }), 'fill');
  const q = fmt(qty, spec.stepDecimals);
  const px = fmt(price, spec.tickDecimals);
  v.sink.log({ type: 'liquidation', time: v.now, symbol: spec.symbol, side, qty: q, price: px, fee: fill.fee, clientOrderId: o.clientOrderId });
  v.sink.log({ type: 'fill', time: v.now, symbol: spec.symbol, orderId: o.orderId, clientOrderId: o.clientOrderId, side, qty: q, price: px, maker: false, status: o.status });
  afterFills(v, ms);
}
