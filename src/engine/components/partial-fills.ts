/**
 * Partial-fill policies (per order): once an order is partly filled, `wait` leaves it; `cancel`
 * cancels the remainder after `afterMs`; `chase` re-prices the remainder to the last price, again
 * every `afterMs`. The tracker only decides; the kernel sends the cancel or modify, and timers run
 * on the engine's clock, so backtest, paper and live behave alike.
 */
import type { ClientOrderId } from '../model/ids.ts';
import { snapPrice, type Instrument } from '../model/instrument.ts';
import type { Order } from '../model/order.ts';
import { isOpen } from '../model/order-state.ts';
import type { PartialFillPolicy } from '../model/strategy.ts';

/** Names of the engine's own timers for partial-fill policies. */

export type PartialAction = { readonly kind: 'cancel' } | { readonly kind: 'reprice'; readonly price: number | undefined };

export class PartialFills {
  private readonly policies = new Map<ClientOrderId, PartialFillPolicy>();

  set(id: ClientOrderId, p: PartialFillPolicy): void {
    this.policies.set(id, p);
  }

  /** After an order event: when the timer should fire (ms from now), if it should be armed. */
  afterEvent(order: Order, firstFill: boolean): number | undefined {
    const policy = this.policies.get(order.clientOrderId);
    if (policy === undefined) return undefined;
    if (!isOpen(order.status)) {
      this.policies.delete(order.clientOrderId);
      return undefined;
    }
    return firstFill && order.status === 'partially_filled' ? policy.afterMs : undefined;
  }

  /**
   * The timer fired: what to do with the remainder (a reprice carries the new price, or undefined
   * when the price stands), and when to look again; undefined when nothing is to be done.
   */
  onTimeout(o: Order | undefined, inst: Instrument | undefined, last: number | undefined): { action: PartialAction; againMs?: number } | undefined {
    if (o === undefined || o.status !== 'partially_filled') return undefined;
    const policy = this.policies.get(o.clientOrderId);
    if (policy === undefined) return undefined;
    if (policy.policy === 'cancel') return { action: { kind: 'cancel' } };
    if (inst === undefined || last === undefined || Number.isNaN(last) || o.orderType !== 'limit') return undefined;
    const price = snapPrice(inst, last, o.side);
    return { action: { kind: 'reprice', price: price === o.price ? undefined : price }, againMs: policy.afterMs };
  }
}
