/**
 * The kernel: one engine for every mode. It owns the message queue, the orders, the portfolio and
 * the strategies, and drains the queue run-to-completion on one logical thread. Runtimes (backtest,
 * paper, live) feed it market data and time; a venue (simulated or ccxt) receives its commands and
 * reports back through `venueSink`. The kernel never knows which runtime or venue it runs with.
 *
 * Order of work inside a drain: messages are processed strictly FIFO. Strategy calls (submit,
 * cancel, ...) only enqueue, so a handler never re-enters the kernel.
 */
import type { CancelAllOrders, CancelOrder, ModifyOrder, SubmitOrder, TradingCommand } from './commands.ts';
import type {
  EngineEvent,
  FundingPaid,
  OrderEvent,
  StrategyFaulted,
  TimerFired,
  VenueEvent,
} from './events.ts';
import { strategyId as toStrategyId, type ClientOrderId, type StrategyId, type Symbol } from './ids.ts';
import type { Clock } from './clock.ts';
import type { Fixed } from './fixed.ts';
import { snapPrice, snapQty, type Instrument } from './instrument.ts';
import type { MarketData } from './market-data.ts';
import { leavesQty, type Order } from './order.ts';
import { OrderManager } from './order-manager.ts';
import type { ExecutionPort, VenueEventSink } from './ports.ts';
import { Portfolio, type SymbolBook } from './portfolio.ts';
import { MessageQueue, TimerHeap } from './queue.ts';
import { check, DEFAULT_LIMITS, type AccountType, type RiskLimits, type TradingState } from './risk-gate.ts';
import type { AnyStrategyDefinition, OrderRequest, Params, StrategyContext, StrategyHandlers } from './strategy.ts';

/** Everything the kernel processes, in order: the event log. */
export type LoggedMessage = TradingCommand | EngineEvent;

type QueueItem = TradingCommand | VenueEvent | TimerFired;

export interface KernelOptions {
  readonly clock: Clock;
  readonly instruments: readonly Instrument[];
  /** Settlement currency of the account, e.g. "USDT". */
  readonly currency: string;
  readonly startingCash: Fixed;
  readonly accountType: AccountType;
  /** Margin accounts: buying power is equity x leverage. Default 1. */
  readonly leverage?: number;
  readonly limits?: Partial<RiskLimits>;
  /** Receives every command and event the kernel processes, in order. */
  readonly onMessage?: (m: LoggedMessage) => void;
  /** Told when a strategy throws (after it has been stopped). */
  readonly onFault?: (f: StrategyFaulted) => void;
}

interface StrategySlot {
  readonly id: StrategyId;
  readonly name: string;
  readonly symbols: readonly Symbol[];
  handlers: StrategyHandlers;
  faulted: boolean;
  readonly timers: Set<string>;
  readonly state: Record<string, unknown>;
}

interface SymbolEntry {
  readonly book: SymbolBook;
  readonly slots: StrategySlot[];
}

export interface StrategyRegistration {
  readonly definition: AnyStrategyDefinition;
  readonly params: Params;
  readonly symbols: readonly Symbol[];
  /** Defaults to the definition's name; must be unique within a kernel. */
  readonly id?: string;
  /** Persisted strategy state to start from. */
  readonly state?: Record<string, unknown>;
}

export class Kernel {
  readonly portfolio: Portfolio;
  readonly orders = new OrderManager();
  readonly venueSink: VenueEventSink;
  private venue: ExecutionPort | undefined;
  private readonly queue = new MessageQueue<QueueItem>();
  private readonly timers = new TimerHeap<{ strategy: StrategyId; name: string }>();
  private readonly symbols = new Map<string, SymbolEntry>();
  private readonly slots: StrategySlot[] = [];
  private readonly slotById = new Map<StrategyId, StrategySlot>();
  private readonly limits: RiskLimits;
  private readonly log: ((m: LoggedMessage) => void) | undefined;
  private state: TradingState = 'active';
  private lastSymbol: string | undefined;
  private lastEntry: SymbolEntry | undefined;
  private draining = false;

  constructor(private readonly opts: KernelOptions) {
    this.portfolio = new Portfolio(opts.currency, opts.startingCash, opts.instruments, opts.accountType);
    for (const inst of opts.instruments) {
      this.symbols.set(inst.symbol, { book: this.portfolio.book(inst.symbol) as SymbolBook, slots: [] });
    }
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.log = opts.onMessage;
    this.venueSink = (e) => this.queue.push(e);
  }

  get clock(): Clock {
    return this.opts.clock;
  }

  get tradingState(): TradingState {
    return this.state;
  }

  attachVenue(venue: ExecutionPort): void {
    this.venue = venue;
  }

  instrument(symbol: string): Instrument | undefined {
    return this.symbols.get(symbol)?.book.inst;
  }

  addStrategy(reg: StrategyRegistration): StrategyId {
    const id = toStrategyId(reg.id ?? reg.definition.name);
    if (this.slots.some((s) => s.id === id)) throw new Error(`a strategy with id "${id}" is already running`);
    for (const sym of reg.symbols) {
      if (!this.symbols.has(sym)) throw new Error(`strategy ${id}: no instrument for symbol ${sym}`);
    }
    const slot: StrategySlot = {
      id,
      name: reg.definition.name,
      symbols: reg.symbols,
      handlers: {},
      faulted: false,
      timers: new Set(),
      state: reg.state ?? {},
    };
    const ctx = this.contextFor(slot, reg.params);
    slot.handlers = reg.definition.create(ctx);
    this.slots.push(slot);
    this.slotById.set(id, slot);
    for (const sym of reg.symbols) (this.symbols.get(sym) as SymbolEntry).slots.push(slot);
    return id;
  }

  /** Calls every strategy's onStart and drains. */
  start(): void {
    for (const s of this.slots) this.invoke(s, 'onStart', () => s.handlers.onStart?.());
    this.drain();
  }

  /** Calls every strategy's onStop and drains. */
  stop(): void {
    for (const s of this.slots) this.invoke(s, 'onStop', () => s.handlers.onStop?.());
    this.drain();
  }

  /** Enqueues timers due at or before `now` (engine time). */
  fireTimers(now: number): void {
    for (;;) {
      const t = this.timers.popDue(now);
      if (t === undefined) return;
      const slot = this.slotById.get(t.strategy);
      if (slot === undefined || !slot.timers.has(t.name)) continue;
      slot.timers.delete(t.name);
      this.queue.push({ type: 'TimerFired', strategyId: t.strategy, name: t.name, at: now, tsInit: now });
    }
  }

  /** Time of the next timer, or Infinity. */
  nextTimerAt(): number {
    return this.timers.peekTime();
  }

  /** Delivers market data to the strategies subscribed to its symbol. Does not drain. */
  onData(d: MarketData): void {
    // One-entry cache: consecutive data points are usually for the same symbol.
    let entry = this.lastEntry;
    if (d.symbol !== this.lastSymbol) {
      entry = this.symbols.get(d.symbol);
      this.lastSymbol = d.symbol;
      this.lastEntry = entry;
    }
    if (entry === undefined) return;
    this.portfolio.rollDay(d.tsInit);
    const slots = entry.slots;
    switch (d.type) {
      case 'bar':
        entry.book.last = d.close;
        for (let i = 0; i < slots.length; i++) {
          const s = slots[i] as StrategySlot;
          if (s.faulted || s.handlers.onBar === undefined) continue;
          try {
            s.handlers.onBar(d);
          } catch (err) {
            this.fault(s, 'onBar', err);
          }
        }
        return;
      case 'trade':
        entry.book.last = d.price;
        for (const s of slots) if (!s.faulted) this.invoke(s, 'onTrade', () => s.handlers.onTrade?.(d));
        return;
      case 'quote':
        if (Number.isNaN(entry.book.last)) entry.book.last = (d.bid + d.ask) / 2;
        for (const s of slots) if (!s.faulted) this.invoke(s, 'onQuote', () => s.handlers.onQuote?.(d));
        return;
      case 'funding':
        return;
    }
  }

  /** Sets the trading state (pause new entries, halt, resume) and logs why. */
  setTradingState(state: TradingState, reason: string): void {
    if (state === this.state) return;
    this.state = state;
    this.emit({ type: 'TradingStateChanged', state, reason, tsInit: this.now() });
  }

  /** Enqueues a command from outside a strategy (the operator, a kill switch). */
  command(cmd: TradingCommand): void {
    this.queue.push(cmd);
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
        return this.onSubmit(m);
      case 'CancelOrder':
        return this.onCancel(m);
      case 'ModifyOrder':
        return this.onModify(m);
      case 'CancelAllOrders':
        return this.onCancelAll(m);
      case 'TimerFired': {
        this.emit(m);
        const slot = this.slotById.get(m.strategyId);
        if (slot !== undefined && !slot.faulted) this.invoke(slot, 'onTimer', () => slot.handlers.onTimer?.(m.name));
        return;
      }
      case 'FundingPaid':
        return this.onFunding(m);
      default:
        return this.onOrderEvent(m);
    }
  }

  private requireVenue(): ExecutionPort {
    if (this.venue === undefined) throw new Error('kernel has no venue attached');
    return this.venue;
  }

  private onSubmit(cmd: SubmitOrder): void {
    this.emit(cmd);
    const order = this.orders.get(cmd.clientOrderId);
    if (order === undefined || order.status !== 'initialized') return;
    const entry = this.symbols.get(cmd.symbol);
    const book = entry?.book;
    const verdict = check(
      cmd,
      {
        tradingState: this.state,
        accountType: this.opts.accountType,
        instrument: book?.inst,
        position: book?.qty ?? 0,
        referencePrice: book === undefined || Number.isNaN(book.last) ? undefined : book.last,
        openOrders: this.orders.openCount - 1,
        buyingPower: this.buyingPower(cmd.clientOrderId),
        dailyPnl: this.portfolio.dailyPnl(),
      },
      this.limits,
    );
    const now = this.now();
    if (!verdict.ok) {
      this.onOrderEvent({ type: 'OrderDenied', clientOrderId: cmd.clientOrderId, symbol: cmd.symbol, reason: verdict.reason, tsEvent: now, tsInit: now });
      return;
    }
    this.onOrderEvent({ type: 'OrderSubmitted', clientOrderId: cmd.clientOrderId, symbol: cmd.symbol, tsEvent: now, tsInit: now });
    this.requireVenue().submit(cmd);
  }

  private onCancel(cmd: CancelOrder): void {
    this.emit(cmd);
    const order = this.orders.get(cmd.clientOrderId);
    if (order === undefined) return;
    const now = this.now();
    if (order.status === 'initialized') {
      // Never sent: cancel locally.
      this.onOrderEvent({ type: 'OrderCanceled', clientOrderId: order.clientOrderId, symbol: order.symbol, tsEvent: now, tsInit: now });
      return;
    }
    if (order.status === 'pending_cancel' || !this.isWorking(order)) return;
    this.onOrderEvent({ type: 'OrderPendingCancel', clientOrderId: order.clientOrderId, symbol: order.symbol, tsEvent: now, tsInit: now });
    this.requireVenue().cancel(cmd);
  }

  private onModify(cmd: ModifyOrder): void {
    this.emit(cmd);
    const order = this.orders.get(cmd.clientOrderId);
    if (order === undefined || !this.isWorking(order) || order.status === 'pending_cancel') return;
    const now = this.now();
    this.onOrderEvent({ type: 'OrderPendingUpdate', clientOrderId: order.clientOrderId, symbol: order.symbol, tsEvent: now, tsInit: now });
    this.requireVenue().modify(cmd);
  }

  private onCancelAll(cmd: CancelAllOrders): void {
    this.emit(cmd);
    const targets = this.orders.open(cmd.strategyId, cmd.symbol);
    const now = this.now();
    // A venue cancels by symbol, not by strategy: a strategy's cancel-all becomes single cancels.
    if (cmd.strategyId !== undefined) {
      for (const o of targets) {
        this.onCancel({ type: 'CancelOrder', strategyId: o.strategyId, clientOrderId: o.clientOrderId, symbol: o.symbol, tsInit: now });
      }
      return;
    }
    for (const o of targets) {
      if (o.status === 'initialized') {
        this.onOrderEvent({ type: 'OrderCanceled', clientOrderId: o.clientOrderId, symbol: o.symbol, tsEvent: now, tsInit: now });
      } else if (o.status !== 'pending_cancel') {
        this.onOrderEvent({ type: 'OrderPendingCancel', clientOrderId: o.clientOrderId, symbol: o.symbol, tsEvent: now, tsInit: now });
      }
    }
    this.requireVenue().cancelAll(cmd);
  }

  private isWorking(o: Order): boolean {
    return o.status === 'submitted' || o.status === 'accepted' || o.status === 'partially_filled' || o.status === 'pending_update' || o.status === 'pending_cancel';
  }

  private onFunding(e: FundingPaid): void {
    this.portfolio.funding(e.symbol, e.amount);
    this.emit(e);
    const entry = this.symbols.get(e.symbol);
    if (entry === undefined) return;
    for (const s of entry.slots) if (!s.faulted) this.invoke(s, 'onFunding', () => s.handlers.onFunding?.(e));
  }

  private onOrderEvent(e: OrderEvent): void {
    const out = this.orders.apply(e);
    const now = this.now();
    if (out.kind !== 'applied') {
      const reason = out.kind === 'unknown' ? 'unknown order' : out.kind === 'duplicate' ? 'duplicate fill' : out.reason;
      this.emit({ type: 'EventIgnored', event: e.type, clientOrderId: e.clientOrderId, reason, tsInit: now });
      return;
    }
    const order = out.order;
    this.emit(e);
    if (e.type === 'OrderFilled') {
      this.portfolio.fill({ symbol: e.symbol, side: e.side, price: e.lastPx, qty: e.lastQty, fee: e.fee });
      if (out.overfill === true) {
        this.emit({ type: 'EngineWarning', message: `order ${order.clientOrderId} overfilled: ${order.filledQty} of ${order.qty}`, tsInit: now });
      }
    }
    const slot = this.slotById.get(order.strategyId);
    if (slot === undefined || slot.faulted) return;
    const h = slot.handlers;
    if (e.type === 'OrderFilled' && h.onOrderFilled !== undefined) {
      try {
        h.onOrderFilled(e, order);
      } catch (err) {
        this.fault(slot, 'onOrderFilled', err);
        return;
      }
    }
    if (h.onOrderEvent !== undefined) {
      try {
        h.onOrderEvent(e, order);
      } catch (err) {
        this.fault(slot, 'onOrderEvent', err);
      }
    }
  }

  /** Cash (or margin x leverage) not yet committed to positions or other open orders. */
  private buyingPower(exclude: ClientOrderId): number {
    let committed = 0;
    for (const o of this.orders.open()) {
      if (o.clientOrderId === exclude) continue;
      if (this.opts.accountType === 'cash' && o.side === 'sell') continue;
      const px = o.price ?? this.symbols.get(o.symbol)?.book.last ?? 0;
      committed += leavesQty(o) * (Number.isNaN(px) ? 0 : px);
    }
    if (this.opts.accountType === 'cash') return this.portfolio.cash() - committed;
    const lev = this.opts.leverage ?? 1;
    return this.portfolio.equity() * lev - this.portfolio.exposure() - committed;
  }

  private invoke(slot: StrategySlot, handler: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.fault(slot, handler, err);
    }
  }

  private fault(slot: StrategySlot, handler: string, err: unknown): void {
    if (slot.faulted) return;
    slot.faulted = true;
    const message = err instanceof Error ? err.message : String(err);
    const f: StrategyFaulted = { type: 'StrategyFaulted', strategyId: slot.id, handler, message, tsInit: this.now() };
    this.emit(f);
    // Nobody manages a faulted strategy's orders any more: cancel them.
    if (this.orders.open(slot.id).length > 0) this.queue.push({ type: 'CancelAllOrders', strategyId: slot.id, tsInit: this.now() });
    this.opts.onFault?.(f);
  }

  private contextFor(slot: StrategySlot, params: Params): StrategyContext {
    const k = this;
    const instrumentOf = (symbol: string): Instrument => {
      const inst = k.instrument(symbol);
      if (inst === undefined) throw new Error(`unknown symbol ${symbol} (this run trades ${[...k.symbols.keys()].join(', ')})`);
      return inst;
    };
    const ownOrder = (id: ClientOrderId): Order | undefined => {
      const o = k.orders.get(id);
      return o !== undefined && o.strategyId === slot.id ? o : undefined;
    };
    return {
      id: slot.id,
      params,
      symbols: slot.symbols,
      state: slot.state,
      portfolio: k.portfolio,
      now: () => k.now(),
      submit(req: OrderRequest): ClientOrderId {
        const inst = instrumentOf(req.symbol);
        const id = k.orders.nextId(slot.id);
        const isLimit = req.price !== undefined;
        const base = {
          type: 'SubmitOrder' as const,
          strategyId: slot.id,
          clientOrderId: id,
          symbol: inst.symbol,
          side: req.side,
          orderType: isLimit ? ('limit' as const) : ('market' as const),
          qty: snapQty(inst, req.qty),
          timeInForce: req.timeInForce ?? (isLimit ? 'gtc' : 'ioc'),
          postOnly: req.postOnly ?? false,
          reduceOnly: req.reduceOnly ?? false,
          tsInit: k.now(),
        };
        const cmd: SubmitOrder = req.price === undefined ? base : { ...base, price: snapPrice(inst, req.price, req.side) };
        k.orders.create(cmd, inst.qtyDecimals);
        k.queue.push(cmd);
        return id;
      },
      cancel(id: ClientOrderId): void {
        const o = ownOrder(id);
        if (o === undefined) return;
        k.queue.push({ type: 'CancelOrder', strategyId: slot.id, clientOrderId: id, symbol: o.symbol, tsInit: k.now() });
      },
      modify(id: ClientOrderId, changes: { readonly qty?: number; readonly price?: number }): void {
        const o = ownOrder(id);
        if (o === undefined) return;
        const inst = instrumentOf(o.symbol);
        let cmd: ModifyOrder = { type: 'ModifyOrder', strategyId: slot.id, clientOrderId: id, symbol: o.symbol, tsInit: k.now() };
        if (changes.qty !== undefined) cmd = { ...cmd, qty: snapQty(inst, changes.qty) };
        if (changes.price !== undefined) cmd = { ...cmd, price: snapPrice(inst, changes.price, o.side) };
        k.queue.push(cmd);
      },
      cancelAll(symbol?: string): void {
        const base = { type: 'CancelAllOrders' as const, strategyId: slot.id, tsInit: k.now() };
        k.queue.push(symbol === undefined ? base : { ...base, symbol: instrumentOf(symbol).symbol });
      },
      openOrders: (symbol?: string) => k.orders.open(slot.id, symbol),
      order: ownOrder,
      instrument: instrumentOf,
      lastPrice(symbol: string): number | undefined {
        const last = k.symbols.get(symbol)?.book.last;
        return last === undefined || Number.isNaN(last) ? undefined : last;
      },
      setTimer(name: string, at: number): void {
        if (slot.timers.has(name)) k.timers.remove((t) => t.strategy === slot.id && t.name === name);
        slot.timers.add(name);
        k.timers.add(at, { strategy: slot.id, name });
      },
      cancelTimer(name: string): void {
        if (!slot.timers.delete(name)) return;
        k.timers.remove((t) => t.strategy === slot.id && t.name === name);
      },
      log(message: string): void {
        k.emit({ type: 'StrategyLogged', strategyId: slot.id, message, tsInit: k.now() });
      },
    };
  }
}
