/**
 * The order path, the same in every mode: a command passes the risk gate, goes to the venue, and
 * the venue's events move the order through its state machine, book fills in the ledger, drive
 * partial-fill policies and reach the owning strategy. Invalid transitions and duplicate fills
 * are logged as EventIgnored, never applied.
 */
import type { CancelAllOrders, CancelOrder, ModifyOrder, SubmitOrder } from '../model/commands.ts';
import type { OrderEvent } from '../model/events.ts';
import type { ClientOrderId } from '../model/ids.ts';
import type { LoggedMessage } from '../model/events.ts';
import { leavesQty, type Order } from '../model/order.ts';
import type { OrderManager } from '../components/order-manager.ts';
import { PartialFills } from '../components/partial-fills.ts';
import type { ExecutionPort } from '../ports/index.ts';
import type { Portfolio, SymbolBook } from '../components/portfolio.ts';
import { buyingPower, check, checkModify, modifyAddsExposure, reducesPosition, type RiskLimits, type RiskView, type Verdict } from '../components/risk-gate.ts';
import type { AccountType, TradingState } from '../model/trading.ts';
import { OrderRateWindow } from '../components/risk-rules.ts';
import type { StrategyHost } from './strategy-host.ts';

export interface OrderFlowDeps {
  readonly orders: OrderManager;
  readonly portfolio: Portfolio;
  readonly strategies: StrategyHost;
  readonly accountType: AccountType;
  /** Margin accounts: buying power is equity x leverage. */
  readonly leverage: number;
  readonly limits: RiskLimits;
  now(): number;
  emit(m: LoggedMessage): void;
  book(symbol: string): SymbolBook | undefined;
  tradingState(): TradingState;
  /** While paused (reducing), resting entry orders are canceled; false keeps them resting (they may still fill). */
  readonly pauseCancelsEntries: boolean;
}

const NONE: readonly Order[] = [];
/** The exposure figure handed to the gate when no exposure limit is configured (no rule reads it). */
const UNREAD_EXPOSURE = { gross: 0, net: 0 } as const;

export class OrderFlow {
  venue: ExecutionPort | undefined;
  readonly partials = new PartialFills();
  /** Times (engine clock) of the orders the gate let out: what the order-rate limit counts. */
  private readonly rate = new OrderRateWindow();

  constructor(private readonly d: OrderFlowDeps) {}

  private requireVenue(): ExecutionPort {
    if (this.venue === undefined) throw new Error('kernel has no venue attached');
    return this.venue;
  }

  submit(cmd: SubmitOrder): void {
    this.d.emit(cmd);
    const order = this.d.orders.get(cmd.clientOrderId);
    if (order === undefined || order.status !== 'initialized') return;
    const verdict = check(cmd, this.riskView(cmd.symbol, cmd.clientOrderId), this.d.limits);
    const now = this.d.now();
    if (!verdict.ok) {
      this.event({ type: 'OrderDenied', clientOrderId: cmd.clientOrderId, symbol: cmd.symbol, ...denial(verdict), tsEvent: now, tsInit: now });
      return;
    }
    this.rate.record(now);
    this.event({ type: 'OrderSubmitted', clientOrderId: cmd.clientOrderId, symbol: cmd.symbol, tsEvent: now, tsInit: now });
    this.requireVenue().submit(cmd);
  }

  /** Refuses an order before the gate (a guard's hold says no): logged like a submit, then denied. */
  deny(cmd: SubmitOrder, reason: string): void {
    this.d.emit(cmd);
    const now = this.d.now();
    this.event({ type: 'OrderDenied', clientOrderId: cmd.clientOrderId, symbol: cmd.symbol, reason, tsEvent: now, tsInit: now });
  }

  cancel(cmd: CancelOrder): void {
    this.d.emit(cmd);
    const order = this.d.orders.get(cmd.clientOrderId);
    if (order === undefined) return;
    const now = this.d.now();
    if (order.status === 'initialized') {
      // Never sent: cancel locally.
      this.event({ type: 'OrderCanceled', clientOrderId: order.clientOrderId, symbol: order.symbol, tsEvent: now, tsInit: now });
      return;
    }
    if (order.status === 'pending_cancel' || !this.isWorking(order)) return;
    this.event({ type: 'OrderPendingCancel', clientOrderId: order.clientOrderId, symbol: order.symbol, tsEvent: now, tsInit: now });
    this.requireVenue().cancel(cmd);
  }

  modify(cmd: ModifyOrder): void {
    this.d.emit(cmd);
    const order = this.d.orders.get(cmd.clientOrderId);
    if (order === undefined || !this.isWorking(order) || order.status === 'pending_cancel') return;
    const now = this.d.now();
    // A modify can add exposure as surely as a new order: it passes the same gate.
    const verdict = checkModify(order, cmd, this.riskView(order.symbol, order.clientOrderId), this.d.limits);
    if (!verdict.ok) {
      this.event({ type: 'OrderModifyDenied', clientOrderId: order.clientOrderId, symbol: order.symbol, ...denial(verdict), tsEvent: now, tsInit: now });
      return;
    }
    if (modifyAddsExposure(order, cmd.qty ?? order.qty, cmd.price ?? order.price)) this.rate.record(now);
    this.event({ type: 'OrderPendingUpdate', clientOrderId: order.clientOrderId, symbol: order.symbol, tsEvent: now, tsInit: now });
    this.requireVenue().modify(cmd);
  }

  cancelAll(cmd: CancelAllOrders): void {
    this.d.emit(cmd);
    // An order still `initialized` here was created after this command was queued (its SubmitOrder
    // is behind it in the FIFO): "cancel everything, then place X" must leave X alone.
    const targets = this.d.orders.open(cmd.strategyId, cmd.symbol).filter((o) => o.status !== 'initialized');
    const now = this.d.now();
    // A venue cancels by symbol, not by strategy: a strategy's cancel-all becomes single cancels.
    if (cmd.strategyId !== undefined) {
      for (const o of targets) {
        this.cancel({ type: 'CancelOrder', strategyId: o.strategyId, clientOrderId: o.clientOrderId, symbol: o.symbol, tsInit: now });
      }
      return;
    }
    for (const o of targets) {
      if (o.status !== 'pending_cancel') this.event({ type: 'OrderPendingCancel', clientOrderId: o.clientOrderId, symbol: o.symbol, tsEvent: now, tsInit: now });
    }
    this.requireVenue().cancelAll(cmd);
  }

  /**
   * Pause means no new exposure: every working order that would add to a position (not
   * reduce-only, and not reducing the position it faces) is canceled. Runs when the engine pauses,
   * and again whenever an order is acknowledged or a fill moves a position while it is paused (an
   * entry that was in flight at the pause, or a reduction that a fill turned into an entry).
   */
  cancelEntries(symbol?: string): void {
    if (!this.d.pauseCancelsEntries || this.d.tradingState() !== 'reducing') return;
    const now = this.d.now();
    for (const o of this.d.orders.open(undefined, symbol)) {
      if (o.status === 'initialized' || o.status === 'pending_cancel' || o.reduceOnly) continue;
      if (reducesPosition(this.d.book(o.symbol)?.qty ?? 0, o.side, leavesQty(o))) continue;
      this.cancel({ type: 'CancelOrder', strategyId: o.strategyId, clientOrderId: o.clientOrderId, symbol: o.symbol, tsInit: now });
    }
  }

  private isWorking(o: Order): boolean {
    return o.status === 'submitted' || o.status === 'accepted' || o.status === 'partially_filled' || o.status === 'pending_update' || o.status === 'pending_cancel';
  }

  event(e: OrderEvent): void {
    const before = e.type === 'OrderAccepted' ? this.d.orders.get(e.clientOrderId) : undefined;
    const out = this.d.orders.apply(e);
    const now = this.d.now();
    // A repeated acknowledgement (the REST answer and the user stream both say "accepted") tells
    // nothing new: it is not logged, journaled or passed on a second time.
    if (out.kind === 'applied' && before !== undefined && before.status === out.order.status && before.venueOrderId === out.order.venueOrderId) return;
    if (out.kind !== 'applied') {
      const reason = out.kind === 'unknown' ? 'unknown order' : out.kind === 'duplicate' ? 'duplicate fill' : out.reason;
      this.d.emit({ type: 'EventIgnored', event: e.type, clientOrderId: e.clientOrderId, reason, tsInit: now });
      return;
    }
    const order = out.order;
    this.d.emit(e);
    if (e.type === 'OrderFilled') {
      this.d.portfolio.fill({ symbol: e.symbol, side: e.side, price: e.lastPx, qty: e.lastQty, fee: e.fee }, { ts: e.tsEvent, at: now, key: `${e.venueOrderId}/${e.tradeId}` });
      if (out.overfill === true) {
        this.d.emit({ type: 'EngineWarning', message: `order ${order.clientOrderId} overfilled: ${order.filledQty} of ${order.qty}`, tsInit: now });
      }
    }
    const after = this.partials.afterEvent(order, e.type === 'OrderFilled' && order.tradeIds.length === 1);
    if (after !== undefined) this.d.strategies.setPartialFillTimer(order.strategyId, order.clientOrderId, now + after);
    this.d.strategies.notifyOrder(e, order);
    if (e.type === 'OrderAccepted' || e.type === 'OrderFilled' || e.type === 'OrderUpdated') this.cancelEntries(e.symbol);
  }

  /** A partly filled order's time is up: cancel or chase the remainder, per its policy. */
  partialTimeout(id: ClientOrderId): void {
    const o = this.d.orders.get(id);
    const next = this.partials.onTimeout(o, this.d.book(o?.symbol ?? '')?.inst, this.d.book(o?.symbol ?? '')?.last);
    if (o === undefined || next === undefined) return;
    const now = this.d.now();
    const { strategyId, symbol } = o;
    if (next.action.kind === 'cancel') this.cancel({ type: 'CancelOrder', strategyId, clientOrderId: id, symbol, tsInit: now });
    else if (next.action.price !== undefined) this.modify({ type: 'ModifyOrder', strategyId, clientOrderId: id, symbol, price: next.action.price, tsInit: now });
    if (next.againMs !== undefined) this.d.strategies.setPartialFillTimer(strategyId, id, now + next.againMs);
  }

  /**
   * What the gate sees for an order on `symbol`, leaving out the commitment of order `exclude` itself.
   * A figure no configured rule reads is not computed (the gate's verdict cannot depend on it): the
   * day's PnL without a daily loss limit, the exposures without a gross or net limit, the equity in a
   * cash account (only the margin rules read it).
   */
  private riskView(symbol: string, exclude: ClientOrderId): RiskView {
    const book = this.d.book(symbol);
    const { limits, portfolio } = this.d;
    const margin = this.d.accountType === 'margin';
    return {
      tradingState: this.d.tradingState(),
      accountType: this.d.accountType,
      instrument: book?.inst,
      position: book?.qty ?? 0,
      referencePrice: book === undefined || Number.isNaN(book.last) ? undefined : book.last,
      openOrders: this.d.orders.openCount - 1,
      buyingPower: this.buyingPower(exclude),
      dailyPnl: Number.isFinite(limits.dailyLossLimit) ? portfolio.dailyPnl() : 0,
      orderRate: this.rate.counts(this.d.now()),
      exposure: Number.isFinite(limits.maxGrossExposure) || Number.isFinite(limits.maxNetExposure) ? portfolio.exposures() : UNREAD_EXPOSURE,
      leverage: margin ? this.d.leverage : 1,
      equity: margin ? portfolio.equity() : NaN,
    };
  }

  /** Cash (or margin x leverage) not yet committed to positions or other open orders. */
  private buyingPower(exclude: ClientOrderId): number {
    // With no other order open (the usual case) there is nothing to list: the order itself is excluded.
    const n = this.d.orders.openCount;
    const others = n === 0 || (n === 1 && this.d.orders.isOpen(exclude)) ? NONE : this.d.orders.open();
    return buyingPower(this.d.accountType, this.d.leverage, this.d.portfolio, others, exclude, this.lastPrice);
  }

  private readonly lastPrice = (symbol: string): number | undefined => this.d.book(symbol)?.last;
}

/** The reason (and the limit, when one was breached) of a refused verdict. */
function denial(v: Extract<Verdict, { ok: false }>): { reason: string; rule?: NonNullable<Extract<Verdict, { ok: false }>['rule']> } {
  return v.rule === undefined ? { reason: v.reason } : { reason: v.reason, rule: v.rule };
}
