/**
 * Orders of the local exchange and their store. Every order ever created stays in the store (the
 * history endpoints read it); the client-order-id index holds every id ever used, so the exchange
 * can never create two orders for one client id. Two counts let tests tell the cases apart:
 * `createdByClientId()` counts the orders the history holds per id (1, or the invariant broke) and
 * `placementsByClientId` counts placements that reached the duplicate check per id (a re-sent
 * order refused with -4116 makes it 2 while the created count stays 1).
 */
import type { Side } from './account.ts';
import type { Fixed } from './decimal.ts';

export type OrderType = 'LIMIT' | 'MARKET';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'GTX';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';

export interface Order {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  /** Limit price (0 for market orders). */
  price: Fixed;
  origQty: Fixed;
  executedQty: Fixed;
  /** Sum of price x qty over fills. */
  cumQuote: Fixed;
  status: OrderStatus;
  readonly reduceOnly: boolean;
  readonly time: number;
  updateTime: number;
  /** Resting orders: public size at our price queued ahead of us. */
  queueAhead: Fixed;
  /** Who created it: a REST client, an `external` action (the venue's website), or the venue's liquidation. */
  readonly origin: 'api' | 'external' | 'liquidation';
}

export function isOpen(o: Order): boolean {
  return o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';
}

export function remaining(o: Order): Fixed {
  return o.origQty - o.executedQty;
}

export class OrderStore {
  private readonly all: Order[] = [];
  /** Orders that were open when last looked at (pruned lazily: status changes happen in place). */
  private live: Order[] = [];
  private readonly byId = new Map<number, Order>();
  private readonly byClientId = new Map<string, Order>();
  /** Placement attempts per client order id that reached the duplicate check, refused or not. */
  readonly placementsByClientId = new Map<string, number>();
  private nextId: number;
  private clientSeq = 0;

  constructor(firstId = 4_000_000_001) {
    this.nextId = firstId;
  }

  newOrderId(): number {
    return this.nextId++;
  }

  /** A fresh client order id in Binance's style for orders created without one. */
  newClientOrderId(prefix: string): string {
    this.clientSeq++;
    return `${prefix}${String(this.clientSeq).padStart(10, '0')}`;
  }

  /** Counts one placement attempt for `id` (call it before the duplicate check). */
  notePlacement(id: string): void {
    this.placementsByClientId.set(id, (this.placementsByClientId.get(id) ?? 0) + 1);
  }

  /**
   * Orders created per client order id, counted over the order history itself (not a counter
   * bumped next to the guard it would prove), so a second order with one id would show as 2.
   */
  createdByClientId(): Map<string, number> {
    const n = new Map<string, number>();
    for (const o of this.all) n.set(o.clientOrderId, (n.get(o.clientOrderId) ?? 0) + 1);
    return n;
  }

  hasClientOrderId(id: string): boolean {
    return this.byClientId.has(id);
  }

  add(o: Order): void {
    if (this.byClientId.has(o.clientOrderId)) throw new Error(`invariant: client order id ${o.clientOrderId} already used`);
    this.all.push(o);
    if (isOpen(o)) this.live.push(o);
    this.byId.set(o.orderId, o);
    this.byClientId.set(o.clientOrderId, o);
  }

  get(symbol: string, ref: { orderId?: number; clientOrderId?: string }): Order | undefined {
    const o = ref.orderId !== undefined ? this.byId.get(ref.orderId) : ref.clientOrderId !== undefined ? this.byClientId.get(ref.clientOrderId) : undefined;
    return o !== undefined && o.symbol === symbol ? o : undefined;
  }

  /** Is any order open (on `symbol`)? Allocation-free: the matcher asks on every book change and trade. */
  hasOpen(symbol?: string): boolean {
    for (const o of this.live) if (isOpen(o) && (symbol === undefined || o.symbol === symbol)) return true;
    return false;
  }

  /** Open orders, oldest first. */
  open(symbol?: string): Order[] {
    this.live = this.live.filter(isOpen);
    return symbol === undefined ? [...this.live] : this.live.filter((o) => o.symbol === symbol);
  }

  list(symbol?: string): Order[] {
    return symbol === undefined ? [...this.all] : this.all.filter((o) => o.symbol === symbol);
  }
}
