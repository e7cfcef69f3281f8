/**
 * The context a strategy receives: its only window on the engine. Every call either reads engine
 * state or enqueues a command; nothing here acts on a venue or re-enters the kernel, so a handler
 * always runs to completion before its orders are processed.
 */
import type { ModifyOrder, SubmitOrder, TradingCommand } from '../model/commands.ts';
import type { LoggedMessage } from '../model/events.ts';
import type { ClientOrderId, StrategyId, Symbol } from '../model/ids.ts';
import { snapPrice, snapQty, type Instrument } from '../model/instrument.ts';
import type { Order } from '../model/order.ts';
import type { OrderManager } from '../components/order-manager.ts';
import type { Portfolio } from '../components/portfolio.ts';
import { reducesPosition } from '../components/risk-gate.ts';
import type { OrderRequest, Params, PartialFillPolicy, StrategyContext } from '../model/strategy.ts';

/** What the context needs from the kernel. */
export interface ContextHost {
  readonly portfolio: Portfolio;
  readonly orders: OrderManager;
  now(): number;
  instrument(symbol: string): Instrument | undefined;
  symbols(): string[];
  enqueue(cmd: TradingCommand): void;
  /** Sets (or replaces) a strategy's named timer. */
  setTimer(strategy: StrategyId, name: string, at: number): void;
  cancelTimer(strategy: StrategyId, name: string): void;
  log(m: LoggedMessage): void;
  /** Registers a partial-fill policy for an order. */
  partialPolicy(id: ClientOrderId, p: PartialFillPolicy): void;
  /** What an entry's size is multiplied by (0.5 while a reduce-size guard hold is in force; default 1). */
  sizeFactor?(): number;
}

/** The parts of a running strategy the context reads. */
export interface StrategySlotInfo {
  readonly id: StrategyId;
  readonly symbols: readonly Symbol[];
  /** Names of the strategy's pending timers. */
  readonly timers: Set<string>;
  readonly state: Record<string, unknown>;
}

export function createStrategyContext(k: ContextHost, slot: StrategySlotInfo, params: Params): StrategyContext {
  const instrumentOf = (symbol: string): Instrument => {
    const inst = k.instrument(symbol);
    if (inst === undefined) throw new Error(`unknown symbol ${symbol} (this run trades ${k.symbols().join(', ')})`);
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
      const price = req.price ?? protectedPrice(k, inst, req);
      const qty = snapQty(inst, entrySize(k, inst, req));
      const postOnly = req.postOnly ?? false;
      const reduceOnly = req.reduceOnly ?? false;
      const tsInit = k.now();
      // Two literals, not a spread: this runs for every order (a market order has no price key).
      const cmd: SubmitOrder =
        price === undefined
          ? {
              type: 'SubmitOrder',
              strategyId: slot.id,
              clientOrderId: id,
              symbol: inst.symbol,
              side: req.side,
              orderType: 'market',
              qty,
              timeInForce: req.timeInForce ?? 'ioc',
              postOnly,
              reduceOnly,
              tsInit,
            }
          : {
              type: 'SubmitOrder',
              strategyId: slot.id,
              clientOrderId: id,
              symbol: inst.symbol,
              side: req.side,
              orderType: 'limit',
              qty,
              timeInForce: req.timeInForce ?? (req.price !== undefined ? 'gtc' : 'ioc'),
              postOnly,
              reduceOnly,
              tsInit,
              price: snapPrice(inst, price, req.side),
            };
      k.orders.create(cmd, inst.qtyDecimals);
      if (req.partialFill !== undefined && req.partialFill.policy !== 'wait') k.partialPolicy(id, req.partialFill);
      k.enqueue(cmd);
      return id;
    },
    cancel(id: ClientOrderId): void {
      const o = ownOrder(id);
      if (o === undefined) return;
      k.enqueue({ type: 'CancelOrder', strategyId: slot.id, clientOrderId: id, symbol: o.symbol, tsInit: k.now() });
    },
    modify(id: ClientOrderId, changes: { readonly qty?: number; readonly price?: number }): void {
      const o = ownOrder(id);
      if (o === undefined) return;
      const inst = instrumentOf(o.symbol);
      let cmd: ModifyOrder = { type: 'ModifyOrder', strategyId: slot.id, clientOrderId: id, symbol: o.symbol, tsInit: k.now() };
      if (changes.qty !== undefined) cmd = { ...cmd, qty: snapQty(inst, changes.qty) };
      if (changes.price !== undefined) cmd = { ...cmd, price: snapPrice(inst, changes.price, o.side) };
      k.enqueue(cmd);
    },
    cancelAll(symbol?: string): void {
      const base = { type: 'CancelAllOrders' as const, strategyId: slot.id, tsInit: k.now() };
      k.enqueue(symbol === undefined ? base : { ...base, symbol: instrumentOf(symbol).symbol });
    },
    openOrders: (symbol?: string) => k.orders.open(slot.id, symbol),
    order: ownOrder,
    instrument: instrumentOf,
    lastPrice: (symbol: string) => k.portfolio.lastPrice(symbol),
    setTimer(name: string, at: number): void {
      // The engine's own timers on a strategy's behalf (partial-fill policies) share its namespace.
      k.setTimer(slot.id, name, at);
    },
    cancelTimer(name: string): void {
      if (slot.timers.delete(name)) k.cancelTimer(slot.id, name);
    },
    log(message: string): void {
      k.log({ type: 'StrategyLogged', strategyId: slot.id, message, tsInit: k.now() });
    },
  };
}

/** An entry's size under a reduce-size hold (halved, then snapped down to the lot); reductions keep theirs. */
function entrySize(k: ContextHost, inst: Instrument, req: OrderRequest): number {
  const f = k.sizeFactor?.() ?? 1;
  if (f === 1 || req.reduceOnly === true || reducesPosition(k.portfolio.position(inst.symbol).qty, req.side, req.qty)) return req.qty;
  return req.qty * f;
}

/** The limit of a marketable-limit order: the last price moved `protectionBps` against us. */
function protectedPrice(k: ContextHost, inst: Instrument, req: OrderRequest): number | undefined {
  if (req.protectionBps === undefined) return undefined;
  const last = k.portfolio.book(inst.symbol)?.last;
  if (last === undefined || Number.isNaN(last)) throw new Error(`no price known yet for ${inst.symbol}: cannot place a protected market order`);
  const band = req.protectionBps / 10_000;
  return req.side === 'buy' ? last * (1 + band) : last * (1 - band);
}
