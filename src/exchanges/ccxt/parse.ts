/**
 * ccxt's unified objects (parsed floats, raw `info`) turned into engine reports and events. Money
 * is taken from the venue's raw decimal strings when ccxt keeps them in `info` (so fees stay
 * exact); sizes and prices are grid numbers already.
 */
import type { Order, Position, Trade } from 'ccxt';
import {
  clientOrderId as toClientOrderId,
  tradeId as toTradeId,
  venueOrderId as toVenueOrderId,
  type ClientOrderId,
  type FillReport,
  type OrderStatusReport,
  type PositionReport,
  type ReportedOrderStatus,
  type Symbol,
  type VenueEvent,
} from '../../engine/index.ts';

const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : 0);
const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);
/** One key of a raw venue object (ccxt's `info`), or undefined when it is not an object. */
export const field = (info: unknown, key: string): unknown => (info !== null && typeof info === 'object' ? (info as Record<string, unknown>)[key] : undefined);

/** The client order id of a ccxt order or trade (Binance keeps it in info.c on the user stream). */
export function clientIdOf(o: { clientOrderId?: string | undefined; info?: unknown }): ClientOrderId | undefined {
  const id = str(o.clientOrderId) ?? str(field(o.info, 'clientOrderId')) ?? str(field(o.info, 'c'));
  return id === undefined ? undefined : toClientOrderId(id);
}

export function orderStatus(o: Order): ReportedOrderStatus {
  switch (o.status) {
    case 'open':
      return 'open';
    case 'closed':
      return 'filled';
    case 'canceled':
      return 'canceled';
    case 'expired':
      return 'expired';
    case 'rejected':
      return 'rejected';
    default:
      return num(o.remaining) > 0 || o.remaining === undefined ? 'open' : 'filled';
  }
}

export function orderReport(o: Order, symbol: Symbol): OrderStatusReport {
  const cid = clientIdOf(o);
  const base = {
    venueOrderId: toVenueOrderId(String(o.id)),
    symbol,
    side: o.side === 'sell' ? ('sell' as const) : ('buy' as const),
    orderType: o.type === 'limit' ? ('limit' as const) : ('market' as const),
    qty: num(o.amount),
    filledQty: num(o.filled),
    avgPx: num(o.average),
    status: orderStatus(o),
    reduceOnly: o.reduceOnly === true,
    tsLast: num(o.lastUpdateTimestamp ?? o.lastTradeTimestamp ?? o.timestamp),
  };
  const withPrice = o.price !== undefined && o.price > 0 && o.type === 'limit' ? { ...base, price: o.price } : base;
  return cid === undefined ? withPrice : { ...withPrice, clientOrderId: cid };
}

/** The exact fee of a trade: the venue's raw string when ccxt kept it, else ccxt's float. */
export function exactFee(t: Trade): string {
  const raw = str(field(t.info, 'commission')) ?? str(field(t.info, 'n'));
  if (raw !== undefined) return raw;
  const cost = t.fee?.cost;
  return cost === undefined ? '0' : String(cost);
}

export function fillReport(t: Trade, symbol: Symbol, cid: ClientOrderId | undefined): FillReport {
  const base = {
    venueOrderId: toVenueOrderId(String(t.order)),
    tradeId: toTradeId(String(t.id)),
    symbol,
    side: t.side === 'sell' ? ('sell' as const) : ('buy' as const),
    qty: num(t.amount),
    price: num(t.price),
    fee: exactFee(t),
    liquidity: t.takerOrMaker === 'maker' ? ('maker' as const) : ('taker' as const),
    ts: num(t.timestamp),
  };
  return cid === undefined ? base : { ...base, clientOrderId: cid };
}

/** Events a venue order snapshot implies (fills come separately, with their trade ids). */
export function orderSnapshotEvents(r: OrderStatusReport, now: number): VenueEvent[] {
  const cid = r.clientOrderId;
  if (cid === undefined) return [];
  const base = { clientOrderId: cid, symbol: r.symbol, tsEvent: r.tsLast || now, tsInit: now };
  const accepted: VenueEvent = { ...base, type: 'OrderAccepted', venueOrderId: r.venueOrderId };
  switch (r.status) {
    case 'open':
    case 'filled':
      return [accepted];
    case 'canceled':
      return [accepted, { ...base, type: 'OrderCanceled' }];
    case 'expired':
      return [accepted, { ...base, type: 'OrderExpired' }];
    case 'rejected':
      return [{ ...base, type: 'OrderRejected', reason: 'rejected by the venue' }];
  }
}

/**
 * The fill of a liquidation, from its order update: Binance closes a liquidated position with an
 * order of its own (`autoclose-...`) and reports it as `x: "CALCULATED"`, `X: "FILLED"`, which
 * ccxt turns into an order update but no trade. Undefined for any other update.
 */
export function liquidationFillEvent(o: Order, symbol: Symbol, now: number): VenueEvent | undefined {
  const cid = clientIdOf(o);
  const info = o.info as unknown;
  if (cid === undefined || !cid.startsWith('autoclose-') || field(info, 'x') !== 'CALCULATED' || field(info, 'X') !== 'FILLED') return undefined;
  return {
    type: 'OrderFilled',
    clientOrderId: cid,
    symbol,
    venueOrderId: toVenueOrderId(String(o.id)),
    tradeId: toTradeId(String(field(info, 't'))),
    side: o.side === 'sell' ? 'sell' : 'buy',
    lastQty: num(field(info, 'l')),
    lastPx: num(field(info, 'L')),
    fee: str(field(info, 'n')) ?? '0',
    liquidity: 'taker',
    liquidation: true,
    tsEvent: num(field(info, 'T')) || now,
    tsInit: now,
  };
}

export function fillEvent(f: FillReport & { clientOrderId: ClientOrderId }, now: number): VenueEvent {
  return {
    type: 'OrderFilled',
    clientOrderId: f.clientOrderId,
    symbol: f.symbol,
    venueOrderId: f.venueOrderId,
    tradeId: f.tradeId,
    side: f.side,
    lastQty: f.qty,
    lastPx: f.price,
    fee: f.fee,
    liquidity: f.liquidity,
    tsEvent: f.ts,
    tsInit: now,
  };
}

export function positionReport(p: Position, symbol: Symbol, now: number): PositionReport {
  const contracts = num(p.contracts) * (p.contractSize ?? 1);
  const signed = p.side === 'short' ? -contracts : contracts;
  return { symbol, qty: signed, entryPrice: num(p.entryPrice), ts: num(p.timestamp) || now };
}
