/**
 * The engine's durable state, and how to rebuild it: a snapshot (EngineState) plus the journal of
 * everything processed since (the kernel's messages), replayed through the same pure functions the
 * kernel uses. Replay never calls strategies or venues: it only rebuilds orders, the ledger, the id
 * sequences and the trading state, exactly as they were when the last message was processed.
 */
import { InOrderLedger, type OrderWindow } from './ledger-order.ts';
import { formatFixed, fromNumber, parseFixed } from './fixed.ts';
import type { LoggedMessage } from './events.ts';
import type { OrderAdopted } from './events.ts';
import { adoptBalance, adoptPosition, createLedger, type Ledger, type Position } from './ledger.ts';
import { applyOrderEvent, createOrder, type Order } from './order.ts';
import type { DayStart, Hold, TradingState } from './trading.ts';
import { parseClientOrderId, venueOrderId, type ClientOrderId } from './ids.ts';

export const ENGINE_STATE_VERSION = 1;

export interface PositionJSON {
  readonly symbol: string;
  readonly qty: string;
  readonly cost: string;
  readonly realized: string;
  readonly fees: string;
  readonly funding: string;
}

export interface LedgerJSON {
  readonly currency: string;
  readonly balance: string;
  readonly positions: readonly PositionJSON[];
  readonly realized: string;
  readonly fees: string;
  readonly funding: string;
}

export interface EngineState {
  readonly version: number;
  readonly orders: readonly Order[];
  /** Last client order id sequence number used, per strategy. */
  readonly seqs: Readonly<Record<string, number>>;
  readonly ledger: LedgerJSON;
  /** Each strategy's persisted `ctx.state`. */
  readonly strategies: Readonly<Record<string, Record<string, unknown>>>;
  /** The operator's (or the engine's own) trading state, before guard holds. */
  readonly tradingState: TradingState;
  readonly stateReason: string;
  /** Guard holds in force (absent when none, and in older snapshots). */
  readonly holds?: readonly Hold[];
  /** The equity peak the drawdown limit counts from. */
  readonly equityPeak?: number;
  /** Venue funding payment ids already booked. */
  readonly fundingIds: readonly string[];
  /** The daily loss limit's reference (absent before the first data point, and in older snapshots). */
  readonly day?: DayStart;
  /** Recent bookings in venue-time order, so a fill that arrives late after a restart is still booked where it happened (ledger-order.ts). */
  readonly window?: OrderWindow<LedgerJSON>;
}

/** The window of recent bookings as saved (its base ledger as JSON). */
export function windowToJSON(w: OrderWindow): OrderWindow<LedgerJSON> | undefined {
  return w.ops.length === 0 ? undefined : { base: ledgerToJSON(w.base), ops: w.ops };
}

export function windowFromJSON(w: OrderWindow<LedgerJSON> | undefined): OrderWindow | undefined {
  return w === undefined ? undefined : { base: ledgerFromJSON(w.base), ops: w.ops };
}

export function ledgerToJSON(l: Ledger): LedgerJSON {
  return {
    currency: l.currency,
    balance: formatFixed(l.balance),
    positions: Object.values(l.positions).map((p) => ({
      symbol: p.symbol,
      qty: formatFixed(p.qty),
      cost: formatFixed(p.cost),
      realized: formatFixed(p.realized),
      fees: formatFixed(p.fees),
      funding: formatFixed(p.funding),
    })),
    realized: formatFixed(l.realized),
    fees: formatFixed(l.fees),
    funding: formatFixed(l.funding),
  };
}

export function ledgerFromJSON(j: LedgerJSON): Ledger {
  const positions: Record<string, Position> = {};
  for (const p of j.positions) {
    positions[p.symbol] = { symbol: p.symbol, qty: parseFixed(p.qty), cost: parseFixed(p.cost), realized: parseFixed(p.realized), fees: parseFixed(p.fees), funding: parseFixed(p.funding) };
  }
  return { currency: j.currency, balance: parseFixed(j.balance), positions, realized: parseFixed(j.realized), fees: parseFixed(j.fees), funding: parseFixed(j.funding) };
}

export function initialState(currency: string, startingCash: string): EngineState {
  return {
    version: ENGINE_STATE_VERSION,
    orders: [],
    seqs: {},
    ledger: ledgerToJSON(createLedger(currency, parseFixed(startingCash))),
    strategies: {},
    tradingState: 'active',
    stateReason: '',
    fundingIds: [],
  };
}

/**
 * Replays processed messages onto a state. `qtyDecimals` gives each symbol's lot decimals (needed to
 * rebuild orders). Messages the state already reflects (a fill already booked, an order already
 * known) are skipped, so replaying an overlapping range is harmless.
 */
export function replay(state: EngineState, messages: Iterable<LoggedMessage>, qtyDecimals: (symbol: string) => number): EngineState {
  const orders = new Map<ClientOrderId, Order>(state.orders.map((o) => [o.clientOrderId, o]));
  const seqs: Record<string, number> = { ...state.seqs };
  // The same in-order booking as the kernel's (Portfolio): a late fill lands where the venue stamped it.
  const books = new InOrderLedger(ledgerFromJSON(state.ledger), windowFromJSON(state.window));
  let tradingState = state.tradingState;
  const fundingIds = new Set(state.fundingIds);
  let stateReason = state.stateReason;
  let day = state.day;
  const holds = new Map((state.holds ?? []).map((h) => [h.source, h]));
  let equityPeak = state.equityPeak;
  for (const m of messages) {
    switch (m.type) {
      case 'HoldSet':
        holds.set(m.source, { source: m.source, action: m.action, reason: m.reason, since: m.tsInit });
        break;
      case 'HoldLifted':
        holds.delete(m.source);
        break;
      case 'EquityPeak':
        equityPeak = m.equity;
        break;
      case 'DayReference':
        day = { day: m.day, equity: m.equity };
        break;
      case 'SubmitOrder': {
        if (!orders.has(m.clientOrderId)) orders.set(m.clientOrderId, createOrder(m, qtyDecimals(m.symbol)));
        seqs[m.strategyId] = Math.max(seqs[m.strategyId] ?? 0, parseClientOrderId(m.clientOrderId)?.seq ?? 0);
        break;
      }
      case 'OrderAdopted':
        orders.set(m.clientOrderId, orderFromAdopted(m, qtyDecimals(m.symbol)));
        break;
      case 'FundingPaid':
        if (m.id !== undefined) {
          if (fundingIds.has(m.id)) break;
          fundingIds.add(m.id);
        }
        books.book(m.tsEvent, { kind: 'funding', symbol: m.symbol, amount: m.amount });
        break;
      case 'PositionAdopted':
        books.reset(adoptPosition(books.ledger, m.symbol, fromNumber(m.qty), fromNumber(m.entryPrice)));
        break;
      case 'BalanceAdopted':
        books.reset(adoptBalance(books.ledger, parseFixed(m.balance)));
        break;
      case 'TradingStateChanged':
        tradingState = m.state;
        stateReason = m.reason;
        break;
      case 'OrderDenied':
      case 'OrderSubmitted':
      case 'OrderAccepted':
      case 'OrderRejected':
      case 'OrderPendingCancel':
      case 'OrderPendingUpdate':
      case 'OrderCancelRejected':
      case 'OrderModifyRejected':
      case 'OrderModifyDenied':
      case 'OrderUpdated':
      case 'OrderCanceled':
      case 'OrderExpired':
      case 'OrderFilled': {
        const o = orders.get(m.clientOrderId);
        if (o === undefined) break;
        const out = applyOrderEvent(o, m);
        if (out.kind !== 'applied') break;
        orders.set(m.clientOrderId, out.order);
        if (m.type === 'OrderFilled') books.book(m.tsEvent, { kind: 'fill', symbol: m.symbol, side: m.side, price: m.lastPx, qty: m.lastQty, fee: m.fee });
        break;
      }
      default:
        break;
    }
  }
  const window = windowToJSON(books.window());
  const { window: _old, holds: _h, equityPeak: _p, ...rest } = state;
  return {
    ...rest,
    orders: [...orders.values()],
    seqs,
    ledger: ledgerToJSON(books.ledger),
    tradingState,
    stateReason,
    fundingIds: [...fundingIds],
    ...(day === undefined ? {} : { day }),
    ...(holds.size === 0 ? {} : { holds: [...holds.values()] }),
    ...(equityPeak === undefined ? {} : { equityPeak }),
    ...(window === undefined ? {} : { window }),
  };
}

/** An adopted order: status and venue id as the venue reports them (fills arrive as fills). */
/** The order an OrderAdopted event describes (the kernel at adoption and replay build the same one). */
export function orderFromAdopted(m: OrderAdopted, qtyDecimals: number): Order {
  const { strategyId, clientOrderId, symbol, side, orderType, qty, price, tsInit } = m;
  const base = createOrder(
    {
      type: 'SubmitOrder',
      strategyId,
      clientOrderId,
      symbol,
      side,
      orderType,
      qty,
      ...(price === undefined ? {} : { price }),
      timeInForce: 'gtc',
      postOnly: false,
      reduceOnly: m.reduceOnly ?? false,
      tsInit,
    },
    qtyDecimals,
  );
  // A filled order is rebuilt as accepted: its fills arrive as fills (booked once, by trade id).
  // A baseline order's fills so far are in the adopted position already: they count as filled.
  const prior = m.baseline === true ? m.filledQty : 0;
  const status = m.status === 'open' || m.status === 'filled' ? (prior > 0 ? 'partially_filled' : 'accepted') : m.status;
  return { ...base, status, filledQty: prior, venueOrderId: venueOrderId(m.venueOrderId) };
}
