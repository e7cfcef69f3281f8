/**
 * The order manager: the orders this engine has created, by ClientOrderId, with the set of open
 * ones kept alongside for fast "open orders" reads. Applies order events through the pure
 * `applyOrderEvent` and reports what happened; it never talks to a venue.
 *
 * Every order is kept until its runtime says nothing can ask about it any more
 * (`forgetClosedBefore`; the reconciler does, src/workstation/reconciler.ts): an open order is
 * never forgotten, nor one of the newest closed ones.
 */
import type { SubmitOrder } from '../model/commands.ts';
import type { OrderEvent } from '../model/events.ts';
import { orderIdPrefix, type ClientOrderId, type StrategyId } from '../model/ids.ts';
import { applyOrderEvent, createOrder, type ApplyOutcome, type Order } from '../model/order.ts';
import { isOpen } from '../model/order-state.ts';

export type ManagerOutcome = ApplyOutcome | { readonly kind: 'unknown' };

export interface OrderManagerOptions {
  /**
   * Called, synchronously, before a strategy's order id sequence passes its reserved range, with
   * the new upper bound. A persistent runtime records it durably, so that after a crash ids
   * continue above the reservation and are never used twice (default: no reservation).
   */
  readonly reserve?: (strategy: StrategyId, upTo: number) => void;
  /** Ids reserved at a time (default 1000). */
  readonly block?: number;
}

export class OrderManager {
  private readonly all = new Map<ClientOrderId, Order>();
  private readonly openIds = new Set<ClientOrderId>();
  private readonly seqs = new Map<StrategyId, { seq: number; prefix: string; reserved: number }>();
  /** Ids of orders as they closed, oldest first from `closedHead`. */
  private closed: ClientOrderId[] = [];
  private closedHead = 0;
  /** The latest last-event time of any order seen here (see `lastEventAt`). */
  private latest = -Infinity;

  constructor(private readonly o: OrderManagerOptions = {}) {}

  /** Next deterministic client order id for a strategy. */
  nextId(strategy: StrategyId): ClientOrderId {
    let s = this.seqs.get(strategy);
    if (s === undefined) {
      s = { seq: 0, prefix: orderIdPrefix(strategy), reserved: this.o.reserve === undefined ? Infinity : 0 };
      this.seqs.set(strategy, s);
    }
    s.seq++;
    if (s.seq > s.reserved) {
      s.reserved = s.seq + (this.o.block ?? 1000) - 1;
      this.o.reserve?.(strategy, s.reserved);
    }
    return (s.prefix + s.seq) as ClientOrderId;
  }

  /** Last sequence number used, per strategy. */
  sequences(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of this.seqs) out[k] = v.seq;
    return out;
  }

  /** Restores orders and id sequences (after a restart): the next id of a strategy is `seqs[id] + 1`. */
  restore(orders: readonly Order[], seqs: Readonly<Record<string, number>>): void {
    for (const o of orders) {
      this.put(o);
      if (isOpen(o.status)) this.openIds.add(o.clientOrderId);
      else this.closed.push(o.clientOrderId);
    }
    for (const [id, seq] of Object.entries(seqs)) {
      const sid = id as StrategyId;
      this.seqs.set(sid, { seq, prefix: orderIdPrefix(sid), reserved: this.o.reserve === undefined ? Infinity : seq });
    }
  }

  /** Records an order placed outside this engine (adopted at reconciliation). */
  adopt(order: Order): void {
    this.put(order);
    if (isOpen(order.status)) this.openIds.add(order.clientOrderId);
    else {
      this.openIds.delete(order.clientOrderId);
      this.closed.push(order.clientOrderId);
    }
  }

  create(cmd: SubmitOrder, qtyDecimals: number): Order {
    if (this.all.has(cmd.clientOrderId)) throw new Error(`duplicate client order id ${cmd.clientOrderId}`);
    const order = createOrder(cmd, qtyDecimals);
    this.put(order);
    this.openIds.add(order.clientOrderId);
    return order;
  }

  get(id: ClientOrderId): Order | undefined {
    return this.all.get(id);
  }

  apply(event: OrderEvent): ManagerOutcome {
    const order = this.all.get(event.clientOrderId);
    if (order === undefined) return { kind: 'unknown' };
    const out = applyOrderEvent(order, event);
    if (out.kind === 'applied') {
      this.put(out.order);
      // An open order is in the open set already (create, adopt and restore keep it so): touch it only when that changes.
      const was = isOpen(order.status);
      const now = isOpen(out.order.status);
      if (now && !was) this.openIds.add(order.clientOrderId);
      else if (was && !now) {
        this.openIds.delete(order.clientOrderId);
        this.closed.push(order.clientOrderId);
      }
    }
    return out;
  }

  /** The latest last-event time of any order seen here (-Infinity before the first): forgotten ones count too. */
  get lastEventAt(): number {
    return this.latest;
  }

  /**
   * Forgets closed orders whose last event (venue time) is before `ts`, oldest closed first, and
   * keeps at least the `keep` newest closed ones and every open one. Call it with a time before
   * which nothing will ask about an order again: no venue report will name it, no event for it is
   * expected (reconciliation takes a venue fill of an order unknown here for a new one and books
   * it). A forgotten order is gone from get, list and snapshots; its id is never used again (the
   * sequences stay). Returns how many were forgotten.
   */
  forgetClosedBefore(ts: number, keep: number): number {
    let n = 0;
    while (this.closed.length - this.closedHead > keep) {
      const id = this.closed[this.closedHead] as ClientOrderId;
      const o = this.all.get(id);
      if (o !== undefined && !isOpen(o.status)) {
        if (!(o.tsLast < ts)) break; // queued as they closed: the ones after it closed later
        this.all.delete(id);
        n++;
      }
      this.closedHead++;
    }
    if (this.closedHead > 1024 && this.closedHead * 2 > this.closed.length) {
      this.closed = this.closed.slice(this.closedHead);
      this.closedHead = 0;
    }
    return n;
  }

  /** Stores an order's current record (and its last event's time). */
  private put(o: Order): void {
    this.all.set(o.clientOrderId, o);
    if (o.tsLast > this.latest) this.latest = o.tsLast;
  }

  /** Open orders, optionally filtered, in creation order. */
  open(strategy?: StrategyId, symbol?: string): Order[] {
    const out: Order[] = [];
    for (const id of this.openIds) {
      const o = this.all.get(id) as Order;
      if ((strategy === undefined || o.strategyId === strategy) && (symbol === undefined || o.symbol === symbol)) out.push(o);
    }
    return out;
  }

  /** Whether the order is open (not in a final state). */
  isOpen(id: ClientOrderId): boolean {
    return this.openIds.has(id);
  }

  get openCount(): number {
    return this.openIds.size;
  }

  /** Every order, in creation order. */
  list(): Order[] {
    return [...this.all.values()];
  }
}
