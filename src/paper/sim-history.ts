/**
 * What the simulated venue remembers about its orders, fills and funding, so it can answer the
 * reconciliation reports a real venue answers (open orders, one order's status, fills since,
 * funding since). Fed from the venue's own events, in order. Closed orders and fills are kept up
 * to a bound (the most recent ones), so long backtests do not grow without limit.
 */
import type { ClientOrderId, FillReport, FundingPaid, FundingReport, OrderFilled, OrderStatusReport, OrderType, ReportedOrderStatus, Symbol, VenueEvent } from '../engine/index.ts';
import type { SimOrder } from './market-state.ts';

type MutableReport = { -readonly [K in keyof OrderStatusReport]: OrderStatusReport[K] };

const KEEP_CLOSED = 10_000;
const KEEP_FILLS = 50_000;

export class SimHistory {
  private readonly orders = new Map<ClientOrderId, MutableReport>();
  /** Closed order ids, oldest first from `closedHead` (a moving head: no O(n) shift per close). */
  private closed: ClientOrderId[] = [];
  private closedHead = 0;
  /** The fill events themselves (the engine keeps them too): a report is made only when asked for. */
  private fills: OrderFilled[] = [];
  private readonly fundings: FundingReport[] = [];
  private fundingSeq = 0;

  /** An order the venue accepted. */
  opened(r: SimOrder, symbol: Symbol, orderType: OrderType, t: number): void {
    const { venueOrderId, clientOrderId, side, qty, reduceOnly } = r;
    // Two literals, not a spread: this runs for every order (a market order has no price key).
    const report: MutableReport = Number.isNaN(r.price)
      ? { venueOrderId, clientOrderId, symbol, side, orderType, qty, filledQty: 0, avgPx: 0, status: 'open', reduceOnly, tsLast: t }
      : { venueOrderId, clientOrderId, symbol, side, orderType, qty, filledQty: 0, avgPx: 0, status: 'open', reduceOnly, tsLast: t, price: r.price };
    this.orders.set(clientOrderId, report);
  }

  /** Applies one of the venue's own events. */
  record(e: VenueEvent): void {
    switch (e.type) {
      case 'OrderFilled': {
        const o = this.orders.get(e.clientOrderId);
        if (o !== undefined) {
          o.avgPx = (o.avgPx * o.filledQty + e.lastPx * e.lastQty) / (o.filledQty + e.lastQty);
          o.filledQty += e.lastQty;
          o.tsLast = e.tsEvent;
          if (o.filledQty >= o.qty - 1e-12) this.close(o, 'filled');
        }
        this.fills.push(e);
        if (this.fills.length > KEEP_FILLS * 2) this.fills = this.fills.slice(-KEEP_FILLS);
        return;
      }
      case 'OrderCanceled':
      case 'OrderExpired': {
        const o = this.orders.get(e.clientOrderId);
        if (o !== undefined) {
          o.tsLast = e.tsEvent;
          this.close(o, e.type === 'OrderCanceled' ? 'canceled' : 'expired');
        }
        return;
      }
      case 'OrderUpdated': {
        const o = this.orders.get(e.clientOrderId);
        if (o !== undefined) {
          o.qty = e.qty;
          if (e.price !== undefined) o.price = e.price;
          o.tsLast = e.tsEvent;
        }
        return;
      }
      case 'FundingPaid':
        this.funded(e);
        return;
      default:
        return;
    }
  }

  openOrders(symbol?: Symbol): OrderStatusReport[] {
    return [...this.orders.values()].filter((o) => o.status === 'open' && (symbol === undefined || o.symbol === symbol)).map((o) => ({ ...o }));
  }

  /** Whether the venue has ever seen this client id (within the bound of closed orders kept). */
  has(id: ClientOrderId): boolean {
    return this.orders.has(id);
  }

  order(id: ClientOrderId): OrderStatusReport | undefined {
    const o = this.orders.get(id);
    return o === undefined ? undefined : { ...o };
  }

  fillsSince(symbol: Symbol, since: number): FillReport[] {
    const out: FillReport[] = [];
    for (const e of this.fills) if (e.symbol === symbol && e.tsEvent >= since) out.push(fillReport(e));
    return out;
  }

  fundingSince(symbol: Symbol, since: number): FundingReport[] {
    return this.fundings.filter((f) => f.symbol === symbol && f.ts >= since);
  }

  private funded(e: FundingPaid): void {
    this.fundings.push({ id: String(++this.fundingSeq), symbol: e.symbol, amount: e.amount, ts: e.tsEvent });
  }

  private close(o: MutableReport, status: ReportedOrderStatus): void {
    if (o.status !== 'open') return;
    o.status = status;
    this.closed.push(o.clientOrderId as ClientOrderId);
    if (this.closed.length - this.closedHead > KEEP_CLOSED) {
      this.orders.delete(this.closed[this.closedHead++] as ClientOrderId);
      if (this.closedHead >= KEEP_CLOSED) {
        this.closed = this.closed.slice(this.closedHead);
        this.closedHead = 0;
      }
    }
  }
}

function fillReport(e: OrderFilled): FillReport {
  return {
    venueOrderId: e.venueOrderId,
    clientOrderId: e.clientOrderId,
    tradeId: e.tradeId,
    symbol: e.symbol,
    side: e.side,
    qty: e.lastQty,
    price: e.lastPx,
    fee: e.fee,
    liquidity: e.liquidity,
    ts: e.tsEvent,
  };
}
