/**
 * Strategy hosting: the running strategies, their contexts and timers, and the guarded calls into
 * their handlers. A handler that throws stops only its own strategy (it is marked faulted and never
 * called again); what that means for its orders is the kernel's decision, through `onFault`.
 */
import type { PartialFillDue, TimerFired } from '../model/events.ts';
import type { ClientOrderId } from '../model/ids.ts';
import { strategyId as toStrategyId, type StrategyId, type Symbol } from '../model/ids.ts';
import type { OrderEvent } from '../model/events.ts';
import type { Order } from '../model/order.ts';
import { TimerHeap } from './queue.ts';
import type { AnyStrategyDefinition, Params, StrategyHandlers } from '../model/strategy.ts';
import { createStrategyContext, type ContextHost, type StrategySlotInfo } from './strategy-context.ts';

export interface StrategySlot extends StrategySlotInfo {
  readonly name: string;
  handlers: StrategyHandlers;
  faulted: boolean;
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

/** What the host needs from the kernel: a context host, and what to do when a strategy throws. */
export interface HostServices extends Omit<ContextHost, 'setTimer' | 'cancelTimer'> {
  onFault(slot: StrategySlot, handler: string, err: unknown): void;
}

/**
 * A strategy's `create()` threw: it never ran. The message names the strategy and the first line of
 * what it threw (a stack or a multi-line dump would bury it); the error itself is the `cause`.
 */
export class StrategyCreateError extends Error {
  override readonly name = 'StrategyCreateError';
  constructor(
    readonly strategy: string,
    cause: unknown,
  ) {
    super(`strategy ${strategy} failed while being created: ${firstLine(cause)}`, { cause });
  }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim();
  return line ?? (err instanceof Error ? `${err.name} with no message` : 'it threw with no message');
}

export class StrategyHost {
  readonly slots: StrategySlot[] = [];
  private readonly byId = new Map<StrategyId, StrategySlot>();
  /** Strategy timers by name, and the engine's own (partial-fill policies) by order: two kinds, never mixed up by a name. */
  private readonly timers = new TimerHeap<
    { readonly kind: 'strategy'; readonly strategy: StrategyId; readonly name: string } | { readonly kind: 'partial-fill'; readonly strategy: StrategyId; readonly order: ClientOrderId }
  >();
  private readonly partialTimers = new Set<ClientOrderId>();
  private readonly context: ContextHost;

  constructor(private readonly k: HostServices) {
    this.context = {
      ...k,
      setTimer: (strategy, name, at) => this.setTimer(strategy, name, at),
      cancelTimer: (strategy, name) => this.timers.remove((t) => t.kind === 'strategy' && t.strategy === strategy && t.name === name),
    };
  }

  add(reg: StrategyRegistration): StrategySlot {
    const id = toStrategyId(reg.id ?? reg.definition.name);
    if (this.byId.has(id)) throw new Error(`a strategy with id "${id}" is already running`);
    const slot: StrategySlot = { id, name: reg.definition.name, symbols: reg.symbols, handlers: {}, faulted: false, timers: new Set(), state: reg.state ?? {} };
    try {
      slot.handlers = reg.definition.create(createStrategyContext(this.context, slot, reg.params));
    } catch (err) {
      throw new StrategyCreateError(reg.definition.name, err);
    }
    this.slots.push(slot);
    this.byId.set(id, slot);
    return slot;
  }

  get(id: StrategyId): StrategySlot | undefined {
    return this.byId.get(id);
  }

  /** Calls `fn` on the slot's handlers unless the strategy is faulted; a throw faults it. */
  invoke(slot: StrategySlot, handler: string, fn: (h: StrategyHandlers) => void): void {
    if (slot.faulted) return;
    try {
      fn(slot.handlers);
    } catch (err) {
      this.fault(slot, handler, err);
    }
  }

  fault(slot: StrategySlot, handler: string, err: unknown): void {
    if (slot.faulted) return;
    slot.faulted = true;
    this.k.onFault(slot, handler, err);
  }

  /** Tells the owning strategy about an order event: onOrderFilled for fills, then onOrderEvent. */
  notifyOrder(e: OrderEvent, order: Order): void {
    const slot = this.byId.get(order.strategyId);
    if (slot === undefined || slot.faulted) return;
    if (e.type === 'OrderFilled' && slot.handlers.onOrderFilled !== undefined) this.invoke(slot, 'onOrderFilled', (h) => h.onOrderFilled?.(e, order));
    if (slot.handlers.onOrderEvent !== undefined) this.invoke(slot, 'onOrderEvent', (h) => h.onOrderEvent?.(e, order)); // skipped once faulted
  }

  /** Sets (or moves) a strategy's named timer. The heap is searched only when the name is already pending. */
  setTimer(strategy: StrategyId, name: string, at: number): void {
    const slot = this.byId.get(strategy);
    if (slot === undefined) return;
    if (slot.timers.has(name)) this.timers.remove((t) => t.kind === 'strategy' && t.strategy === strategy && t.name === name);
    else slot.timers.add(name);
    this.timers.add(at, { kind: 'strategy', strategy, name });
  }

  /** Sets (or moves) the engine's timer for a partly filled order's policy; it fires as a PartialFillDue. */
  setPartialFillTimer(strategy: StrategyId, order: ClientOrderId, at: number): void {
    if (this.partialTimers.has(order)) this.timers.remove((t) => t.kind === 'partial-fill' && t.order === order);
    else this.partialTimers.add(order);
    this.timers.add(at, { kind: 'partial-fill', strategy, order });
  }

  /** Timers due at or before `now`, as messages to enqueue, in time order. */
  dueTimers(now: number): (TimerFired | PartialFillDue)[] {
    const out: (TimerFired | PartialFillDue)[] = [];
    for (;;) {
      const t = this.timers.popDue(now);
      if (t === undefined) return out;
      if (t.kind === 'partial-fill') {
        if (this.partialTimers.delete(t.order)) out.push({ type: 'PartialFillDue', clientOrderId: t.order, strategyId: t.strategy, at: now, tsInit: now });
        continue;
      }
      const slot = this.byId.get(t.strategy);
      if (slot === undefined || !slot.timers.delete(t.name)) continue;
      out.push({ type: 'TimerFired', strategyId: t.strategy, name: t.name, at: now, tsInit: now });
    }
  }

  nextTimerAt(): number {
    return this.timers.peekTime();
  }
}
