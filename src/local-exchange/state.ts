/**
 * `state()`: a deep, JSON-able copy of everything the local exchange holds, for tests and fire
 * drills to assert on. Decimals are exact strings; times are virtual epoch ms.
 */
import { fmt, fmtAvg } from './decimal.ts';
import type { Venue } from './venue.ts';

export interface LocalOrderState {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'BUY' | 'SELL';
  readonly type: 'LIMIT' | 'MARKET';
  readonly timeInForce: string;
  readonly status: string;
  readonly price: string;
  readonly origQty: string;
  readonly executedQty: string;
  readonly cumQuote: string;
  readonly reduceOnly: boolean;
  readonly time: number;
  readonly updateTime: number;
  readonly origin: 'api' | 'external' | 'liquidation';
}

export interface LocalTradeState {
  readonly id: number;
  readonly orderId: number;
  readonly symbol: string;
  readonly side: 'BUY' | 'SELL';
  readonly price: string;
  readonly qty: string;
  readonly commission: string;
  readonly realizedPnl: string;
  readonly maker: boolean;
  readonly time: number;
}

export interface LocalPositionState {
  readonly symbol: string;
  readonly qty: string;
  readonly entryPrice: string;
  readonly realizedPnl: string;
  readonly markPrice: string;
  readonly unrealizedPnl: string;
  readonly leverage: number;
}

export interface LocalIncomeState {
  readonly symbol: string;
  readonly incomeType: string;
  readonly income: string;
  readonly time: number;
  readonly tranId: number;
  readonly tradeId: string;
}

export interface LocalExchangeCounters {
  /**
   * Orders CREATED per client order id, counted over the order history (never more than 1: a
   * re-sent duplicate is refused with -4116 and creates nothing).
   */
  readonly ordersByClientOrderId: Record<string, number>;
  /**
   * Order placements per client order id that passed the symbol and id-format checks, including
   * re-sends refused as duplicates (-4116): a client that retried shows 2 here and 1 above.
   */
  readonly placementsByClientOrderId: Record<string, number>;
  /** REST requests by path (`/fapi/v1/order`). */
  readonly requests: Record<string, number>;
  /** Faults that fired, by kind. */
  readonly faults: Record<string, number>;
  /** User-data events sent (each duplicate counts). */
  readonly userEventsSent: number;
  /** Unexpected exceptions while serving (should stay empty). */
  readonly internalErrors: readonly string[];
}

export interface LocalExchangeState {
  readonly time: number;
  readonly orders: readonly LocalOrderState[];
  readonly trades: readonly LocalTradeState[];
  readonly positions: readonly LocalPositionState[];
  readonly balances: readonly { readonly asset: string; readonly walletBalance: string; readonly unrealizedProfit: string; readonly marginBalance: string; readonly availableBalance: string }[];
  readonly income: readonly LocalIncomeState[];
  readonly counters: LocalExchangeCounters;
  /** Market-stream topics with subscribers (`btcusdt@depth`: connections), and open connections. */
  readonly streams: Record<string, number>;
  readonly connections: { readonly market: number; readonly user: number };
}

export function snapshot(
  v: Venue,
  counters: Omit<LocalExchangeCounters, 'ordersByClientOrderId' | 'placementsByClientOrderId'>,
  ws: { streams: Record<string, number>; market: number; user: number },
): LocalExchangeState {
  const spec = (s: string) => v.market(s)?.spec;
  const p = (s: string): number => spec(s)?.tickDecimals ?? 0;
  const q = (s: string): number => spec(s)?.stepDecimals ?? 0;
  const a = v.accountView();
  return {
    time: v.now,
    orders: v.orders.list().map((o) => ({
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      timeInForce: o.timeInForce,
      status: o.status,
      price: fmt(o.price, p(o.symbol)),
      origQty: fmt(o.origQty, q(o.symbol)),
      executedQty: fmt(o.executedQty, q(o.symbol)),
      cumQuote: fmt(o.cumQuote),
      reduceOnly: o.reduceOnly,
      time: o.time,
      updateTime: o.updateTime,
      origin: o.origin,
    })),
    trades: v.account.trades.map((t) => ({
      id: t.id,
      orderId: t.orderId,
      symbol: t.symbol,
      side: t.side,
      price: fmt(t.price, p(t.symbol)),
      qty: fmt(t.qty, q(t.symbol)),
      commission: fmt(t.commission),
      realizedPnl: fmt(t.realizedPnl),
      maker: t.maker,
      time: t.time,
    })),
    positions: a.positions.map((pv) => ({
      symbol: pv.position.symbol,
      qty: fmt(pv.position.qty, pv.spec.stepDecimals),
      entryPrice: fmtAvg(pv.position.entry),
      realizedPnl: fmt(pv.position.realized),
      markPrice: fmt(pv.mark, pv.spec.tickDecimals),
      unrealizedPnl: fmt(pv.unrealized),
      leverage: pv.leverage,
    })),
    balances: [{ asset: 'USDT', walletBalance: fmt(a.wallet), unrealizedProfit: fmt(a.unrealized), marginBalance: fmt(a.wallet + a.unrealized), availableBalance: fmt(a.available) }],
    income: v.account.income.map((r) => ({ symbol: r.symbol, incomeType: r.incomeType, income: fmt(r.income), time: r.time, tranId: r.tranId, tradeId: r.tradeId })),
    counters: {
      ordersByClientOrderId: Object.fromEntries(v.orders.createdByClientId()),
      placementsByClientOrderId: Object.fromEntries(v.orders.placementsByClientId),
      requests: { ...counters.requests },
      faults: { ...counters.faults },
      userEventsSent: counters.userEventsSent,
      internalErrors: [...counters.internalErrors],
    },
    streams: { ...ws.streams },
    connections: { market: ws.market, user: ws.user },
  };
}
