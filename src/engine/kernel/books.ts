/**
 * The kernel's books as a whole, apart from its routing: saving and restoring them (snapshots),
 * taking the venue's truth into them (adoption: orders, positions, the balance), and the records
 * reconciliation and the operator leave in the journal. Everything here changes the books only by
 * a message that is journaled, so a replay rebuilds exactly what was adopted.
 *
 * Invariant: an adoption is not a profit or loss: the daily loss limit's reference moves with it
 * (and that move is journaled as a DayReference).
 */
import type { Decimal, Price, Qty } from '../model/units.ts';
import { externalOrderId, orderIdPrefix, parseClientOrderId, strategyId as toStrategyId, type Symbol } from '../model/ids.ts';
import { ENGINE_STATE_VERSION, ledgerFromJSON, ledgerToJSON, orderFromAdopted, windowFromJSON, windowToJSON, type EngineState } from '../model/engine-state.ts';
import type { LoggedMessage, OrderAdopted, OrderFilled, ReconciliationDiff } from '../model/events.ts';
import { formatFixed } from '../model/fixed.ts';
import type { Instrument } from '../model/instrument.ts';
import type { OrderStatusReport } from '../model/reports.ts';
import type { Hold, TradingState } from '../model/trading.ts';
import type { OrderManager } from '../components/order-manager.ts';
import type { Portfolio } from '../components/portfolio.ts';
import type { StrategySlot } from './strategy-host.ts';

export interface BooksDeps {
  readonly orders: OrderManager;
  readonly portfolio: Portfolio;
  /** Venue funding payment ids already booked. */
  readonly fundingIds: Set<string>;
  slots(): readonly StrategySlot[];
  instrument(symbol: string): Instrument | undefined;
  /** The operator's trading state, the guard holds in force and the drawdown's equity peak. */
  trading(): { readonly state: TradingState; readonly reason: string; readonly holds: readonly Hold[]; readonly peak: number | undefined };
  now(): number;
  emit(m: LoggedMessage): void;
}

export class KernelBooks {
  constructor(private readonly d: BooksDeps) {}

  /** Takes a saved state (a restart): orders, id sequences, the ledger, funding ids, the day; returns its trading state. */
  restore(s: EngineState, holds: { restore(h: readonly Hold[] | undefined, peak: number | undefined): void }): { state: TradingState; reason: string } {
    holds.restore(s.holds, s.equityPeak);
    this.d.orders.restore(s.orders, s.seqs);
    this.d.portfolio.restoreLedger(ledgerFromJSON(s.ledger), windowFromJSON(s.window));
    if (s.day !== undefined) this.d.portfolio.restoreDay(s.day);
    for (const id of s.fundingIds) this.d.fundingIds.add(id);
    return { state: s.tradingState, reason: s.stateReason };
  }

  /** Everything needed to restart where we are (a snapshot). */
  capture(): EngineState {
    const strategies: Record<string, Record<string, unknown>> = {};
    for (const slot of this.d.slots()) strategies[slot.id] = slot.state;
    const { state, reason, holds, peak } = this.d.trading();
    const p = this.d.portfolio;
    const window = windowToJSON(p.orderWindow());
    return {
      version: ENGINE_STATE_VERSION,
      orders: this.d.orders.list(),
      seqs: this.d.orders.sequences(),
      ledger: ledgerToJSON(p.ledger),
      strategies,
      tradingState: state,
      stateReason: reason,
      fundingIds: [...this.d.fundingIds],
      ...(p.dayStart === undefined ? {} : { day: p.dayStart }),
      ...(holds.length === 0 ? {} : { holds }),
      ...(peak === undefined ? {} : { equityPeak: peak }),
      ...(window === undefined ? {} : { window }),
    };
  }

  /** Records what reconciliation found and did (the journal and the UI see it). */
  recordDiff(diff: Omit<ReconciliationDiff, 'type' | 'tsInit'>): void {
    this.d.emit({ type: 'ReconciliationDiff', ...diff, tsInit: this.d.now() });
  }

  /** Records that a diff waiting for the operator was handled, and how. */
  recordDiffResolved(id: string, key: string, resolution: string): void {
    this.d.emit({ type: 'DiffResolved', id, key, resolution, tsInit: this.d.now() });
  }

  /** Records an operator action and its reason in the audit trail; `refused`: it was refused and changed nothing (why). */
  recordOperatorAction(action: string, reason: string, source: string, refused?: string): void {
    this.d.emit({ type: 'OperatorAction', action, reason, source, ...(refused === undefined ? {} : { refused }), tsInit: this.d.now() });
  }

  /**
   * Takes an order we did not know (by hand, or sent just before a crash) from the venue's report.
   * `baseline`: part of the venue's books taken at a fresh start (its fills so far are in the
   * adopted position, not booked again).
   */
  adoptOrder(r: OrderStatusReport, baseline = false): void {
    const id = r.clientOrderId ?? externalOrderId(r.venueOrderId);
    if (this.d.orders.get(id) !== undefined) return;
    const parsed = parseClientOrderId(id);
    const owner = parsed !== undefined ? this.d.slots().find((s) => orderIdPrefix(s.id) === parsed.prefix)?.id : undefined;
    const m: OrderAdopted = {
      type: 'OrderAdopted',
      clientOrderId: id,
      venueOrderId: r.venueOrderId,
      symbol: r.symbol,
      side: r.side,
      orderType: r.orderType,
      qty: r.qty,
      ...(r.price === undefined ? {} : { price: r.price }),
      filledQty: r.filledQty,
      status: r.status,
      reduceOnly: r.reduceOnly,
      ...(baseline ? { baseline: true } : {}),
      strategyId: owner ?? toStrategyId('manual'),
      tsInit: this.d.now(),
    };
    this.d.orders.adopt(orderFromAdopted(m, this.d.instrument(r.symbol)?.qtyDecimals ?? 8));
    this.d.emit(m);
  }

  /**
   * The venue closed a position by liquidation with an order of its own (`autoclose-...`): the
   * order is adopted before its fill is booked (as reconciliation would adopt it), and said aloud.
   */
  adoptLiquidation(e: OrderFilled): void {
    if (this.d.orders.get(e.clientOrderId) !== undefined) return;
    const { venueOrderId, clientOrderId, symbol, side, lastQty: qty, tsEvent: tsLast } = e;
    this.adoptOrder({ venueOrderId, clientOrderId, symbol, side, orderType: 'market', qty, filledQty: 0, avgPx: 0, status: 'open', reduceOnly: true, tsLast });
    this.d.emit({ type: 'EngineWarning', message: `${symbol} position liquidated by the venue: ${side} ${qty} at ${e.lastPx}, clearance fee ${e.fee}`, tsInit: this.d.now() });
  }

  /** Takes the venue's position (size and entry); realized PnL stays ours. */
  adoptPosition(symbol: Symbol, qty: Qty, entryPrice: Price): void {
    const previousQty = this.d.portfolio.position(symbol).qty;
    this.d.portfolio.adoptPosition(symbol, qty, entryPrice);
    this.d.emit({ type: 'PositionAdopted', symbol, qty, entryPrice, previousQty, tsInit: this.d.now() });
    this.dayMoved();
  }

  /** Takes the venue's wallet balance. */
  adoptBalance(balance: Decimal): void {
    const previous = formatFixed(this.d.portfolio.ledger.balance);
    this.d.portfolio.adoptBalance(balance);
    this.d.emit({ type: 'BalanceAdopted', balance, previous, tsInit: this.d.now() });
    this.dayMoved();
  }

  /** An adoption moved the daily reference (it is not a profit or loss): journaled for restarts. */
  private dayMoved(): void {
    const day = this.d.portfolio.dayStart;
    if (day !== undefined) this.d.emit({ type: 'DayReference', cause: 'adoption', day: day.day, equity: day.equity, tsInit: this.d.now() });
  }
}
