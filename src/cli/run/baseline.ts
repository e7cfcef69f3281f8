/**
 * A fresh state directory on a live account: the venue's books as they are now are the starting
 * point. Positions, the balance and open orders are taken once, each said as a diff (shown, in
 * `parity ctl status`, alerted), and fills are asked for only from this moment on: fills from
 * before it are already in the positions taken, and booking them again would count them twice
 * (buy, sell, buy an hour ago on a 500 position made it 1,000 here).
 */
import type { Kernel, OrderStatusReport, PositionReport, Symbol } from '../../engine/index.ts';

export interface VenueBooks {
  readonly positions: readonly PositionReport[];
  readonly balance: string;
  readonly currency: string;
  readonly openOrders: readonly OrderStatusReport[];
}

/** Takes the venue's books into a kernel that knows nothing yet; returns the time fills count from. */
export function adoptVenueBooks(kernel: Kernel, books: VenueBooks): number {
  const from = kernel.clock.now();
  const note = "a fresh state directory starts from the venue's books";
  for (const p of books.positions) {
    if (p.qty === 0) continue;
    kernel.books.adoptPosition(p.symbol, p.qty, p.entryPrice);
    kernel.books.recordDiff({
      kind: 'adopted_at_start',
      severity: 'warn',
      symbol: p.symbol,
      message: `position ${p.symbol} ${p.qty} @ ${p.entryPrice} was already open at the venue: taken (${note})`,
      resolution: 'adopted',
      key: `position:${p.symbol}`,
    });
  }
  for (const o of books.openOrders) {
    kernel.books.adoptOrder(o, true);
    const id = o.clientOrderId ?? o.venueOrderId;
    kernel.books.recordDiff({
      kind: 'adopted_at_start',
      severity: 'warn',
      symbol: o.symbol as Symbol,
      message: `order ${id} (${o.side} ${o.qty} ${o.symbol}${o.price === undefined ? '' : ` @ ${o.price}`}, ${o.filledQty} filled) was already open at the venue: taken (${note})`,
      resolution: 'adopted',
      key: `order:${o.venueOrderId}`,
    });
  }
  if (books.positions.some((p) => p.qty !== 0) || books.openOrders.length > 0) {
    kernel.books.recordDiff({
      kind: 'adopted_at_start',
      severity: 'info',
      message: `balance ${books.balance} ${books.currency} taken from the venue (${note})`,
      resolution: 'adopted',
      key: 'balance',
    });
  }
  kernel.drain();
  return from;
}
