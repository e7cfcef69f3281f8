/**
 * The kernel: one engine for every mode. It owns the message queue, the orders, the portfolio and
 * the strategies, and drains the queue run-to-completion on one logical thread. Runtimes (backtest,
 * paper, live) feed it market data and time; a venue (simulated or ccxt) receives its commands and
 * reports back through `venueSink`. The kernel never knows which runtime or venue it runs with.
 *
 * Order of work inside a drain: messages are processed strictly FIFO. Strategy calls (submit,
 * cancel, ...) only enqueue, so a handler never re-enters the kernel.
 */
import type { TradingCommand } from '../model/commands.ts';
import { FundingCheck, fundingDiff } from '../components/funding-check.ts';
import type { FundingPaid, LoggedMessage, PartialFillDue, StrategyFaulted, TimerFired, VenueEvent } from '../model/events.ts';
import type { StrategyId } from '../model/ids.ts';
import { KernelBooks } from './books.ts';
import { OrderManager } from '../components/order-manager.ts';
import type { Clock } from '../ports/index.ts';
import type { Instrument } from '../model/instrument.ts';
import type { MarketData } from '../model/market-data.ts';
import type { ExecutionPort, VenueEventSink } from '../ports/index.ts';
import { Portfolio, type SymbolBook } from '../components/portfolio.ts';
import { MessageQueue } from './queue.ts';
import { DEFAULT_LIMITS } from '../components/risk-gate.ts';
import type { TradingState } from '../model/trading.ts';
import { StrategyHost, type StrategyRegistration, type StrategySlot } from './strategy-host.ts';
import { OrderFlow } from './order-flow.ts';
import { closingOrders, DEFAULT_LOSS_LIMITS, Holds } from './holds.ts';
import type { KernelOptions } from './kernel-options.ts';
import { stricter, holdState, type Hold, type HoldAction } from '../model/trading.ts';

type QueueItem = TradingCommand | VenueEvent | TimerFired | PartialFillDue;

export { accountOf, type AccountSetup, type KernelOptions } from './kernel-options.ts';

interface SymbolEntry {
  readonly book: SymbolBook;
  readonly slots: StrategySlot[];
}

export class Kernel {
  readonly portfolio: Portfolio;
  readonly orders: OrderManager;
  readonly venueSink: VenueEventSink;
  /** Saving and restoring the books, adoption, and the records reconciliation and the operator leave. */
  readonly books: KernelBooks;
  private readonly queue = new MessageQueue<QueueItem>();
  private readonly symbols = new Map<string, SymbolEntry>();
  private readonly strategies: StrategyHost;
  private readonly log: ((m: LoggedMessage) => void) | undefined;
  private state: TradingState = 'active';
  private reason = '';
  private readonly flow: OrderFlow;
  private readonly fundingCheck = new FundingCheck();
  /** Guard holds (loss limits, stale feeds, venue drift): the state traded at is the strictest of the operator's and theirs. */
  readonly holds: Holds;
  /** Venue funding payment ids already booked (a payment reported twice is booked once). */
  readonly fundingIds = new Set<string>();
  private lastSymbol: string | undefined;
  private lastEntry: SymbolEntry | undefined;
  private draining = false;
  /** Data points delivered through onData so far (see `dataSeq`). */
  private delivered = 0;

  constructor(private readonly opts: KernelOptions) {
    this.orders = new OrderManager(opts.orderIds);
    this.portfolio = new Portfolio(opts.currency, opts.startingCash, opts.instruments, opts.accountType);
    const dailyLossLimit = opts.limits?.dailyLossLimit ?? DEFAULT_LIMITS.dailyLossLimit;
    this.holds = new Holds({ limits: { ...DEFAULT_LOSS_LIMITS, ...opts.lossLimits, dailyLossLimit }, now: () => this.now(), emit: (m) => this.emit(m) });
    this.books = new KernelBooks({
      orders: this.orders,
      portfolio: this.portfolio,
      fundingIds: this.fundingIds,
      slots: () => this.strategies.slots,
      instrument: (symbol) => this.instrument(symbol),
      trading: () => ({ state: this.state, reason: this.reason, holds: this.holds.list(), peak: this.holds.peak }),
      now: () => this.now(),
      emit: (m) => this.emit(m),
    });
    if (opts.restore !== undefined) ({ state: this.state, reason: this.reason } = this.books.restore(opts.restore, this.holds));
    for (const inst of opts.instruments) {
      this.symbols.set(inst.symbol, { book: this.portfolio.book(inst.symbol) as SymbolBook, slots: [] });
    }
    this.log = opts.onMessage;
    const wake = opts.onWake;
    this.venueSink = (e) => {
      this.queue.push(e);
      if (wake !== undefined && !this.draining) wake();
    };
    this.strategies = new StrategyHost({
      portfolio: this.portfolio,
      orders: this.orders,
      now: () => this.now(),
      instrument: (symbol) => this.instrument(symbol),
      symbols: () => [...this.symbols.keys()],
      enqueue: (cmd) => this.queue.push(cmd),
      log: (m) => this.emit(m),
      partialPolicy: (id, p) => this.flow.partials.set(id, p),
      onFault: (slot, handler, err) => this.onStrategyFault(slot, handler, err),
      sizeFactor: () => (this.holds.has('reduce-size') ? 0.5 : 1),
    });
    this.flow = new OrderFlow({
      orders: this.orders,
      portfolio: this.portfolio,
      strategies: this.strategies,
      accountType: opts.accountType,
      leverage: opts.leverage ?? 1,
      limits: { ...DEFAULT_LIMITS, ...opts.limits },
      now: () => this.now(),
      emit: (m) => this.emit(m),
      book: (symbol) => this.symbols.get(symbol)?.book,
      tradingState: () => this.tradingState,
      pauseCancelsEntries: opts.pauseCancelsEntries ?? true,
    });
  }

  get clock(): Clock {
    return this.opts.clock;
  }

  /** The state trading is in: the strictest of the operator's (setTradingState) and the guard holds'. */
  get tradingState(): TradingState {
    return stricter(this.state, this.holds.state());
  }

  /** Why the trading state is what it is (a hold's reason when a hold imposes it, or ties with the operator's). */
  get tradingStateReason(): string {
    const h = this.holds.strictest();
    return h !== undefined && stricter(holdState(h.action), this.state) === holdState(h.action) ? h.reason : this.reason;
  }

  /** Sets (or changes) a guard's hold, journaled (a repeat changes nothing): the shell's stale-feed and drift monitors; loss limits are the kernel's own. */
  setHold(source: string, action: HoldAction, reason: string): void {
    const h = this.holds.set(source, action, reason);
    if (h !== undefined) this.holdSet(h);
  }

  /** Lifts a guard's hold (journaled); nothing when there is none. */
  liftHold(source: string, reason: string): void {
    this.holds.lift(source, reason);
  }

  /** The operator's confirmed resume with a reason: lifts the loss-limit holds (the drawdown counts from here again). Returns the sources lifted. */
  liftLossLimits(reason: string): string[] {
    return this.holds.liftLossLimits(reason, this.portfolio.equity(), this.portfolio.dayStart?.day);
  }

  /** Fires a loss limit breached by the last fill, mark or funding payment (none configured: nothing to do on the hot path; an unpriced position: wait). */
  private checkLoss(): void {
    if (!this.holds.limited) return;
    for (const e of this.symbols.values()) if (e.book.qty !== 0 && Number.isNaN(e.book.last)) return;
    for (const h of this.holds.checkLoss(this.portfolio.equity(), this.portfolio.dailyPnl(), this.portfolio.dayStart?.day)) this.holdSet(h);
  }

  /** What a new hold does at once: a halt cancels every order, a flatten also closes every position, a pause cancels entries. */
  private holdSet(h: Hold): void {
    if (h.action === 'halt' || h.action === 'flatten') this.queue.push({ type: 'CancelAllOrders', tsInit: this.now() });
    if (h.action === 'flatten') {
      const positions = [...this.symbols.values()].map((e) => e.book);
      for (const cmd of closingOrders(positions, (sid) => this.orders.nextId(sid), this.now())) {
        this.orders.create(cmd, (this.instrument(cmd.symbol) as Instrument).qtyDecimals);
        this.queue.push(cmd);
      }
    }
    if (this.tradingState === 'reducing') this.flow.cancelEntries();
    if (!this.draining) this.opts.onWake?.();
  }

  /** Connects the venue: commands go to it, its events come back through `venueSink`. */
  attachVenue(venue: ExecutionPort): void {
    this.flow.venue = venue;
    venue.connect(this.venueSink);
  }

  instrument(symbol: string): Instrument | undefined {
    return this.symbols.get(symbol)?.book.inst;
  }

  addStrategy(reg: StrategyRegistration): StrategyId {
    for (const sym of reg.symbols) {
      if (!this.symbols.has(sym)) throw new Error(`strategy ${reg.id ?? reg.definition.name}: no instrument for symbol ${sym}`);
    }
    const slot = this.strategies.add(reg);
    for (const sym of reg.symbols) (this.symbols.get(sym) as SymbolEntry).slots.push(slot);
    return slot.id;
  }

  /** Calls every strategy's onStart and drains. */
  start(): void {
    for (const s of this.strategies.slots) this.strategies.invoke(s, 'onStart', (h) => h.onStart?.());
    this.drain();
  }

  /** Calls every strategy's onStop and drains. */
  stop(): void {
    for (const s of this.strategies.slots) this.strategies.invoke(s, 'onStop', (h) => h.onStop?.());
    this.drain();
  }

  /** Enqueues timers due at or before `now` (engine time). */
  fireTimers(now: number): void {
    for (const t of this.strategies.dueTimers(now)) this.queue.push(t);
  }

  /** Time of the next timer, or Infinity. */
  nextTimerAt(): number {
    return this.strategies.nextTimerAt();
  }

  /**
   * How many data points `onData` has delivered in this kernel's life (warm-up included). Read while
   * a command is processed, it names the data point the decision was made on: the one delivered
   * last (the recording tags decisions with it; see docs/recording.md).
   */
  get dataSeq(): number {
    return this.delivered;
  }

  /** Delivers market data to the strategies subscribed to its symbol. Does not drain. */
  onData(d: MarketData): void {
    this.delivered++;
    // One-entry cache: consecutive data points are usually for the same symbol.
    let entry = this.lastEntry;
    if (d.symbol !== this.lastSymbol) {
      entry = this.symbols.get(d.symbol);
      this.lastSymbol = d.symbol;
      this.lastEntry = entry;
    }
    if (entry === undefined) return;
    // The day's reference is taken at the previous price, before this point moves it; a position
    // with no price yet gets its first one here (see Portfolio.rollDay).
    const rolled = this.portfolio.rollDay(d.tsInit);
    const slots = entry.slots;
    if (Number.isNaN(entry.book.last)) entry.book.last = d.type === 'bar' ? d.close : d.type === 'trade' ? d.price : d.type === 'quote' ? (d.bid + d.ask) / 2 : NaN;
    const settled = rolled ?? this.portfolio.settlePendingDay();
    if (settled !== undefined) this.emit({ type: 'DayReference', cause: 'new-day', day: settled.day, equity: settled.equity, tsInit: d.tsInit });
    if (d.type === 'bar') entry.book.last = d.close;
    else if (d.type === 'trade') entry.book.last = d.price;
    if (d.type !== 'funding') this.checkLoss(); // before the strategies see it: an entry on the breaching bar is refused
    switch (d.type) {
      case 'bar':
        for (let i = 0; i < slots.length; i++) {
          const s = slots[i] as StrategySlot;
          if (s.faulted || s.handlers.onBar === undefined) continue;
          try {
            s.handlers.onBar(d);
          } catch (err) {
            this.strategies.fault(s, 'onBar', err);
          }
        }
        return;
      case 'trade':
        for (const s of slots) this.strategies.invoke(s, 'onTrade', (h) => h.onTrade?.(d));
        return;
      case 'quote':
        for (const s of slots) this.strategies.invoke(s, 'onQuote', (h) => h.onQuote?.(d));
        return;
      case 'funding': {
        const off = this.fundingCheck.onRate(d);
        if (off !== undefined) this.books.recordDiff(fundingDiff(off));
        return;
      }
    }
  }

  /** Sets the operator's trading state (pause new entries, halt, resume) and logs why; guard holds stay. */
  setTradingState(state: TradingState, reason: string): void {
    if (state === this.state) return;
    this.state = state;
    this.reason = reason;
    this.emit({ type: 'TradingStateChanged', state, reason, tsInit: this.now() });
    if (this.tradingState === 'reducing') this.flow.cancelEntries();
  }

  /** A venue report (reconciliation) delivered as if it came from the venue's stream. */
  applyVenueEvent(e: VenueEvent): void {
    this.venueSink(e);
  }

  /** Enqueues a command from outside a strategy (the operator, a kill switch). */
  command(cmd: TradingCommand): void {
    this.queue.push(cmd);
    if (!this.draining) this.opts.onWake?.();
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Processes queued messages until the queue is empty. */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (;;) {
        const m = this.queue.shift();
        if (m === undefined) break;
        this.process(m);
      }
    } finally {
      this.draining = false;
    }
  }

  private now(): number {
    return this.opts.clock.now();
  }

  private emit(m: LoggedMessage): void {
    this.log?.(m);
  }

  private process(m: QueueItem): void {
    switch (m.type) {
      case 'SubmitOrder':
        if (!this.holds.entryAllowed(m, this.symbols.get(m.symbol)?.book.qty ?? 0, this.now())) return this.flow.deny(m, 'reduce-rate guard: at most one new entry a minute while the venue drifts');
        return this.flow.submit(m);
      case 'CancelOrder':
        return this.flow.cancel(m);
      case 'ModifyOrder':
        return this.flow.modify(m);
      case 'CancelAllOrders':
        return this.flow.cancelAll(m);
      case 'PartialFillDue':
        this.emit(m);
        return this.flow.partialTimeout(m.clientOrderId);
      case 'TimerFired': {
        this.emit(m);
        const slot = this.strategies.get(m.strategyId);
        if (slot !== undefined) this.strategies.invoke(slot, 'onTimer', (h) => h.onTimer?.(m.name));
        return;
      }
      case 'FundingPaid':
        return this.onFunding(m);
      case 'OrderFilled':
        this.fundingCheck.onFill(m);
        if (m.liquidation === true) this.books.adoptLiquidation(m);
        this.flow.event(m);
        return this.checkLoss();
      default:
        return this.flow.event(m);
    }
  }

  private onFunding(e: FundingPaid): void {
    if (e.id !== undefined) {
      if (this.fundingIds.has(e.id)) return;
      this.fundingIds.add(e.id);
    }
    const off = this.fundingCheck.check(e, this.portfolio.position(e.symbol).qty);
    this.portfolio.funding(e.symbol, e.amount, { ts: e.tsEvent, at: this.now(), key: e.id ?? `funding@${e.tsEvent}` });
    this.emit(e);
    if (off !== undefined) this.books.recordDiff(fundingDiff(off));
    this.checkLoss();
    const entry = this.symbols.get(e.symbol);
    if (entry === undefined) return;
    for (const s of entry.slots) this.strategies.invoke(s, 'onFunding', (h) => h.onFunding?.(e));
  }

  private onStrategyFault(slot: StrategySlot, handler: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    const f: StrategyFaulted = { type: 'StrategyFaulted', strategyId: slot.id, handler, message, tsInit: this.now() };
    this.emit(f);
    // Nobody manages a faulted strategy's orders any more: cancel them.
    if (this.orders.open(slot.id).length > 0) this.queue.push({ type: 'CancelAllOrders', strategyId: slot.id, tsInit: this.now() });
    this.opts.onFault?.(f);
  }
}
