/**
 * Events: facts in the past tense. Order events come from the risk gate (OrderDenied), the engine
 * (OrderSubmitted) or the venue (everything else). Venue events identify the order by our
 * ClientOrderId; the engine knows which strategy owns it.
 *
 * Money amounts (fees, funding) are exact decimal strings in the account currency, because they are
 * not on any small grid; prices and quantities are grid numbers (see fixed.ts).
 */
import type { Decimal, Price, Qty } from './units.ts';
import type { OrderSide, TradingCommand } from './commands.ts';
import type { ClientOrderId, StrategyId, Symbol, TradeId, VenueOrderId } from './ids.ts';
import type { HoldAction, LimitRule } from './trading.ts';

interface OrderEventBase {
  readonly clientOrderId: ClientOrderId;
  readonly symbol: Symbol;
  /** When it happened at the venue (or in the engine, for engine events). */
  readonly tsEvent: number;
  /** When the engine received it. */
  readonly tsInit: number;
}

export interface OrderDenied extends OrderEventBase {
  readonly type: 'OrderDenied';
  readonly reason: string;
  /** Set when a configured risk limit refused it. */
  readonly rule?: LimitRule;
}
export interface OrderSubmitted extends OrderEventBase {
  readonly type: 'OrderSubmitted';
}
export interface OrderAccepted extends OrderEventBase {
  readonly type: 'OrderAccepted';
  readonly venueOrderId: VenueOrderId;
}
export interface OrderRejected extends OrderEventBase {
  readonly type: 'OrderRejected';
  readonly reason: string;
}
export interface OrderPendingCancel extends OrderEventBase {
  readonly type: 'OrderPendingCancel';
}
export interface OrderPendingUpdate extends OrderEventBase {
  readonly type: 'OrderPendingUpdate';
}
export interface OrderCancelRejected extends OrderEventBase {
  readonly type: 'OrderCancelRejected';
  readonly reason: string;
}
export interface OrderModifyRejected extends OrderEventBase {
  readonly type: 'OrderModifyRejected';
  readonly reason: string;
}
/** The risk gate refused a modify (it would have added exposure it does not allow); the order is unchanged. */
export interface OrderModifyDenied extends OrderEventBase {
  readonly type: 'OrderModifyDenied';
  readonly reason: string;
  readonly rule?: LimitRule;
}
export interface OrderUpdated extends OrderEventBase {
  readonly type: 'OrderUpdated';
  readonly qty: Qty;
  readonly price?: Price;
}
export interface OrderCanceled extends OrderEventBase {
  readonly type: 'OrderCanceled';
}
export interface OrderExpired extends OrderEventBase {
  readonly type: 'OrderExpired';
  readonly reason?: string;
}

export type Liquidity = 'maker' | 'taker';

export interface OrderFilled extends OrderEventBase {
  readonly type: 'OrderFilled';
  readonly venueOrderId: VenueOrderId;
  /** Unique per venue order: (venueOrderId, tradeId) identifies a fill. */
  readonly tradeId: TradeId;
  readonly side: OrderSide;
  readonly lastQty: Qty;
  readonly lastPx: Price;
  /** Exact fee in the account currency; negative for a rebate. */
  readonly fee: Decimal;
  readonly liquidity: Liquidity;
  /**
   * The venue liquidated the position: an order it placed itself (Binance's `autoclose-...`), which
   * the engine adopts as it books the fill. `fee` is then the venue's clearance fee.
   */
  readonly liquidation?: true;
}

export type OrderEvent =
  | OrderDenied
  | OrderSubmitted
  | OrderAccepted
  | OrderRejected
  | OrderPendingCancel
  | OrderPendingUpdate
  | OrderCancelRejected
  | OrderModifyRejected
  | OrderModifyDenied
  | OrderUpdated
  | OrderCanceled
  | OrderExpired
  | OrderFilled;

/** Funding settled on a perpetual position by the venue. */
export interface FundingPaid {
  readonly type: 'FundingPaid';
  /** The venue's id for the payment, when it gives one (dedup across streams and reports). */
  readonly id?: string;
  readonly symbol: Symbol;
  /** Exact amount credited to the account; negative when the position paid. */
  readonly amount: Decimal;
  readonly rate: number;
  readonly markPrice: Price;
  /** Signed position size the funding was charged on. */
  readonly positionQty: Qty;
  readonly tsEvent: number;
  readonly tsInit: number;
}

/** Events a venue reports to the engine. */
export type VenueEvent = Exclude<OrderEvent, OrderDenied | OrderSubmitted | OrderModifyDenied> | FundingPaid;

/** A strategy handler threw; the strategy is stopped, the rest of the engine keeps running. */
export interface StrategyFaulted {
  readonly type: 'StrategyFaulted';
  readonly strategyId: StrategyId;
  readonly handler: string;
  readonly message: string;
  readonly tsInit: number;
}

/** The engine received an event that its state forbids (a venue bug or a lost message). */
export interface EventIgnored {
  readonly type: 'EventIgnored';
  readonly event: string;
  readonly clientOrderId?: ClientOrderId;
  readonly reason: string;
  readonly tsInit: number;
}

/** Something the engine booked but wants a person to look at (e.g. a venue overfill). */
export interface EngineWarning {
  readonly type: 'EngineWarning';
  readonly message: string;
  readonly tsInit: number;
}

/** The engine's trading state changed (pause, reduce-only, halt, resume). */
export interface TradingStateChanged {
  readonly type: 'TradingStateChanged';
  readonly state: 'active' | 'reducing' | 'halted';
  readonly reason: string;
  readonly tsInit: number;
}

/**
 * The daily loss limit counts from this equity: set when a UTC day begins, and moved when the
 * books change without trading (an adoption). Journaled, so a restart keeps the day's losses.
 */
export interface DayReference {
  readonly type: 'DayReference';
  readonly cause: 'new-day' | 'adoption';
  /** Start of the UTC day, epoch ms. */
  readonly day: number;
  readonly equity: number;
  readonly tsInit: number;
}

/**
 * A guard put a hold on trading (a loss limit breached, a feed gone quiet, the venue drifting):
 * the engine trades at the most restrictive of the operator's state and its holds. Journaled, so
 * a restart keeps it. For a loss limit this is the breach record (`equity`, `peak` say where).
 */
export interface HoldSet {
  readonly type: 'HoldSet';
  readonly source: string;
  readonly action: HoldAction;
  readonly reason: string;
  /** Equity when it fired (loss limits), account currency. */
  readonly equity?: number;
  readonly tsInit: number;
}

/** A hold was lifted: by its guard (the feed flows again, the drift is back in bounds) or by the operator (a confirmed resume, for a loss limit). */
export interface HoldLifted {
  readonly type: 'HoldLifted';
  readonly source: string;
  readonly reason: string;
  readonly tsInit: number;
}

/** The equity peak the drawdown limit counts from moved (a new high, or reset by the operator's confirmed resume). Journaled for restarts. */
export interface EquityPeak {
  readonly type: 'EquityPeak';
  readonly equity: number;
  readonly tsInit: number;
}

/** A line a strategy wrote with ctx.log. */
export interface StrategyLogged {
  readonly type: 'StrategyLogged';
  readonly strategyId: StrategyId;
  readonly message: string;
  readonly tsInit: number;
}

/** Reconciliation took the venue's word for an order we did not know (placed by hand, or sent just before a crash). */
export interface OrderAdopted {
  readonly type: 'OrderAdopted';
  readonly clientOrderId: ClientOrderId;
  readonly venueOrderId: string;
  readonly symbol: Symbol;
  readonly side: 'buy' | 'sell';
  readonly orderType: 'market' | 'limit';
  readonly qty: Qty;
  readonly price?: Price;
  readonly filledQty: Qty;
  readonly status: 'open' | 'filled' | 'canceled' | 'rejected' | 'expired';
  readonly reduceOnly?: boolean;
  /**
   * Taken as part of the venue's books at a fresh start: what it had filled is already in the
   * adopted position, so it counts as filled here and only later fills are booked.
   */
  readonly baseline?: boolean;
  /** The strategy that owns it, if the id says so; 'manual' otherwise. */
  readonly strategyId: StrategyId;
  readonly tsInit: number;
}

/** Reconciliation took the venue's word for a position (size and entry). Realized PnL is untouched. */
export interface PositionAdopted {
  readonly type: 'PositionAdopted';
  readonly symbol: Symbol;
  readonly qty: Qty;
  readonly entryPrice: Price;
  readonly previousQty: Qty;
  readonly tsInit: number;
}

/** Reconciliation took the venue's word for the wallet balance (exact decimal). */
export interface BalanceAdopted {
  readonly type: 'BalanceAdopted';
  readonly balance: Decimal;
  readonly previous: Decimal;
  readonly tsInit: number;
}

/** A difference reconciliation found between us and the venue, and what was done about it. */
export interface ReconciliationDiff {
  readonly type: 'ReconciliationDiff';
  /** Unique within the session; a diff that waits for the operator is resolved by it. */
  readonly id?: string;
  /** What differs (`position:BTCUSDT`, `balance`, `order:<venue id>`, ...). */
  readonly key?: string;
  /** Set while it waits for the operator: what they may do. */
  readonly choices?: readonly ('adopt' | 'flatten')[];
  readonly kind: string;
  readonly severity: 'info' | 'warn' | 'critical';
  readonly symbol?: Symbol;
  readonly message: string;
  readonly resolution: string;
  readonly tsInit: number;
}

/** A diff that waited for the operator was handled: by their choice, or because it went away. */
export interface DiffResolved {
  readonly type: 'DiffResolved';
  readonly id: string;
  readonly key: string;
  /** How, in words: "adopted by the operator: <reason>", "no longer differs (reconciliation)", ... */
  readonly resolution: string;
  readonly tsInit: number;
}

/** An operator action (pause, resume, flatten, halt, ...) with its reason: the audit trail. */
export interface OperatorAction {
  readonly type: 'OperatorAction';
  readonly action: string;
  readonly reason: string;
  readonly source: string;
  /** Set on the record that follows a command the desk refused: why (nothing was changed). */
  readonly refused?: string;
  readonly tsInit: number;
}

/** A strategy timer came due. */
export interface TimerFired {
  readonly type: 'TimerFired';
  readonly strategyId: StrategyId;
  readonly name: string;
  readonly at: number;
  readonly tsInit: number;
}

/** An engine timer came due: a partly filled order's policy (cancel or chase the rest) acts now. */
export interface PartialFillDue {
  readonly type: 'PartialFillDue';
  readonly clientOrderId: ClientOrderId;
  readonly strategyId: StrategyId;
  readonly at: number;
  readonly tsInit: number;
}

export type EngineEvent =
  | OrderEvent
  | FundingPaid
  | StrategyFaulted
  | EventIgnored
  | EngineWarning
  | TradingStateChanged
  | DayReference
  | HoldSet
  | HoldLifted
  | EquityPeak
  | StrategyLogged
  | OrderAdopted
  | PositionAdopted
  | BalanceAdopted
  | ReconciliationDiff
  | DiffResolved
  | OperatorAction
  | TimerFired
  | PartialFillDue;

/** Everything the kernel processes, in order: the event log (and the journal). */
export type LoggedMessage = TradingCommand | EngineEvent;
