/**
 * The reconciler's memory policy: when a live session may forget a closed order, so a long
 * session's memory and snapshots stay bounded without ever forgetting an order a later
 * reconciliation could still be asked about.
 *
 * A venue fill of an order unknown here is adopted and booked, so an order goes only once its
 * fills can never be fetched again, with FORGET_MARGIN_MS to spare (clock skew, late reports).
 * Fills are fetched from min(fillsSince, the oldest open order's creation): neither moves back
 * (fillsSince only advances; an order opened later was created later). After a restart they are
 * fetched from a little before the last journaled event, which is no earlier than the last event
 * of any order (every one is journaled): so the horizon is also kept behind the newest order
 * event, and an order that closed last, before a quiet spell, stays until newer ones come.
 */
import type { Kernel, Order } from '../engine/index.ts';

/** Closed orders the kernel keeps however old: the newest this many (a strategy may look back at them). */
export const KEEP_CLOSED_ORDERS = 1000;
/** How much older than the oldest fill a reconciliation can still ask for a closed order must be to be forgotten (clock skew, late reports). */
export const FORGET_MARGIN_MS = 60 * 60_000;

/** When the oldest of these orders was created (Infinity for none): fills are asked for from there on while it is open. */
export function oldestCreated(orders: readonly Order[]): number {
  let t = Infinity;
  for (const o of orders) if (o.tsInit < t) t = o.tsInit;
  return t;
}

/** Forgets the kernel's closed orders older than the horizon above, keeping the newest `keep`; returns how many went. */
export function forgetOld(orders: Kernel['orders'], fillsSince: number, keep = KEEP_CLOSED_ORDERS): number {
  // Every open order, not yet sent ones too: once sent, its fills are asked for from its creation.
  const horizon = Math.min(fillsSince, oldestCreated(orders.open()), orders.lastEventAt) - FORGET_MARGIN_MS;
  return orders.forgetClosedBefore(horizon, keep);
}
