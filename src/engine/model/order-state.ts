/**
 * The order state machine as an explicit transition table.
 *
 * `transition(status, event)` is total: it returns the next status or a reason the event is not
 * allowed. Fills are classified before lookup: 'Filled' when the fill completes the order,
 * 'PartiallyFilled' otherwise. `PRIOR` resolves a pending cancel/update back to the open status the fills imply:
 * partially_filled when the order has fills, accepted otherwise.
 *
 * Races the table accepts on purpose, because real venues produce them:
 * - fill before ack: submitted -> (partially_)filled;
 * - canceled -> filled: the cancel ack overtook a fill that executed before the cancel;
 * - a late ack, or a cancel/modify rejected because the order already ended, changes nothing.
 */

export type OrderStatus = 'initialized' | 'denied' | 'submitted' | 'accepted' | 'rejected' | 'pending_cancel' | 'pending_update' | 'partially_filled' | 'filled' | 'canceled' | 'expired';

export type OrderEventKind =
  | 'Denied'
  | 'Submitted'
  | 'Accepted'
  | 'Rejected'
  | 'PendingCancel'
  | 'PendingUpdate'
  | 'CancelRejected'
  | 'ModifyRejected'
  /** The risk gate refused a modify before it was sent: nothing changes but the reason. */
  | 'ModifyDenied'
  | 'Updated'
  | 'Canceled'
  | 'Expired'
  | 'PartiallyFilled'
  | 'Filled';

const PRIOR = 'PRIOR' as const;
type Target = OrderStatus | typeof PRIOR;

/** Every allowed (status, event) pair. Anything absent is forbidden. */
export const TRANSITIONS: Readonly<Record<OrderStatus, Readonly<Partial<Record<OrderEventKind, Target>>>>> = {
  initialized: { Denied: 'denied', Submitted: 'submitted', Canceled: 'canceled' },
  submitted: {
    Accepted: 'accepted',
    Rejected: 'rejected',
    PendingCancel: 'pending_cancel',
    PendingUpdate: 'pending_update',
    ModifyDenied: 'submitted',
    Canceled: 'canceled',
    Expired: 'expired',
    PartiallyFilled: 'partially_filled',
    Filled: 'filled',
  },
  accepted: {
    Accepted: 'accepted',
    PendingCancel: 'pending_cancel',
    PendingUpdate: 'pending_update',
    CancelRejected: 'accepted',
    ModifyRejected: 'accepted',
    ModifyDenied: 'accepted',
    Updated: 'accepted',
    Canceled: 'canceled',
    Expired: 'expired',
    PartiallyFilled: 'partially_filled',
    Filled: 'filled',
  },
  pending_cancel: {
    Accepted: 'pending_cancel',
    PendingCancel: 'pending_cancel',
    CancelRejected: PRIOR,
    Canceled: 'canceled',
    Expired: 'expired',
    PartiallyFilled: 'pending_cancel',
    Filled: 'filled',
  },
  pending_update: {
    Accepted: 'pending_update',
    PendingCancel: 'pending_cancel',
    Updated: PRIOR,
    ModifyRejected: PRIOR,
    ModifyDenied: 'pending_update',
    Canceled: 'canceled',
    Expired: 'expired',
    PartiallyFilled: 'pending_update',
    Filled: 'filled',
  },
  partially_filled: {
    Accepted: 'partially_filled',
    PendingCancel: 'pending_cancel',
    PendingUpdate: 'pending_update',
    CancelRejected: 'partially_filled',
    ModifyRejected: 'partially_filled',
    ModifyDenied: 'partially_filled',
    Updated: 'partially_filled',
    Canceled: 'canceled',
    Expired: 'expired',
    PartiallyFilled: 'partially_filled',
    Filled: 'filled',
  },
  // Late fills after a cancel/expiry: the fill happened before, the message arrived after.
  // A late ack (the REST response overtaken by the user stream) changes nothing, and neither does
  // the rejection of a cancel or modify that raced the order's end.
  canceled: { Accepted: 'canceled', CancelRejected: 'canceled', ModifyRejected: 'canceled', PartiallyFilled: 'canceled', Filled: 'filled' },
  expired: { Accepted: 'expired', CancelRejected: 'expired', ModifyRejected: 'expired', PartiallyFilled: 'expired', Filled: 'filled' },
  // A fill with a new trade id on a filled order is an overfill: rare, but it happened at the venue,
  // so it is booked (and flagged) rather than dropped.
  filled: { Accepted: 'filled', CancelRejected: 'filled', ModifyRejected: 'filled', Filled: 'filled' },
  denied: {},
  rejected: {},
};

/** Statuses in which an order may still trade at the venue (or is about to be sent), as a table: one property read on the hot path. */
const OPEN: Readonly<Record<OrderStatus, boolean>> = {
  initialized: true,
  submitted: true,
  accepted: true,
  pending_cancel: true,
  pending_update: true,
  partially_filled: true,
  denied: false,
  rejected: false,
  filled: false,
  canceled: false,
  expired: false,
};

/** The same statuses as a set. */
export const OPEN_STATUSES: ReadonlySet<OrderStatus> = new Set((Object.keys(OPEN) as OrderStatus[]).filter((s) => OPEN[s]));

export function isOpen(status: OrderStatus): boolean {
  return OPEN[status];
}

export type TransitionResult = { readonly ok: true; readonly status: OrderStatus } | { readonly ok: false; readonly reason: string };

/** One frozen success result per status: a transition allocates nothing unless it is refused. */
const OK = Object.fromEntries(Object.keys(TRANSITIONS).map((s) => [s, Object.freeze({ ok: true, status: s })])) as unknown as Readonly<Record<OrderStatus, TransitionResult>>;

/** Next status for `event` in `status`; `hasFills` says whether the order has traded any quantity. */

export function transition(status: OrderStatus, event: OrderEventKind, hasFills: boolean): TransitionResult {
  const target = TRANSITIONS[status][event];
  if (target === undefined) return { ok: false, reason: `${event} is not allowed for an order that is ${status}` };
  return OK[target === PRIOR ? (hasFills ? 'partially_filled' : 'accepted') : target];
}
