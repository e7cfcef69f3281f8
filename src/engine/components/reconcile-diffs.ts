/**
 * The vocabulary of reconciliation: the kinds of difference, how severe, what was done about them,
 * the actions that settle them and the policy that chooses. Shared by the order pass
 * (reconcile.ts) and the books pass (reconcile-books.ts).
 */
import type { Decimal, Price, Qty } from '../model/units.ts';
import type { ClientOrderId, Symbol } from '../model/ids.ts';
import type { FillReport, FundingReport, OrderStatusReport } from '../model/reports.ts';

export type Severity = 'info' | 'warn' | 'critical';

export type DiffKind =
  | 'order_unknown'
  | 'order_missing'
  | 'fills_missing'
  | 'fills_excess'
  | 'position_mismatch'
  | 'balance_mismatch'
  | 'funding_unbooked'
  /** A fresh state directory took the venue's books (positions, balance, open orders) as they were. */
  | 'adopted_at_start';

/** What was done about a diff. `pausing`: trading paused, the operator chooses; `waiting`: expected to settle by itself. */
export type DiffResolution = 'adopted' | 'canceling' | 'booked' | 'closed' | 'pausing' | 'waiting';

export interface Diff {
  readonly kind: DiffKind;
  readonly severity: Severity;
  readonly symbol?: Symbol;
  readonly message: string;
  readonly resolution: DiffResolution;
  /** Identifies what differs (`position:BTCUSDT`, `balance`, `order:<venue id>`, `fills:<client id>`), for the operator's choice. */
  readonly key?: string;
  /** On a diff that pauses: what taking the venue's truth would do (absent: only flattening helps). */
  readonly adopt?: readonly ReconAction[];
}

export type ReconAction =
  | { readonly type: 'adopt-order'; readonly report: OrderStatusReport }
  | { readonly type: 'cancel-at-venue'; readonly report: OrderStatusReport }
  | { readonly type: 'apply-fill'; readonly fill: FillReport & { readonly clientOrderId: ClientOrderId } }
  | { readonly type: 'close-order'; readonly clientOrderId: ClientOrderId; readonly symbol: Symbol; readonly status: 'canceled' | 'expired' | 'rejected'; readonly reason: string }
  | { readonly type: 'adopt-position'; readonly symbol: Symbol; readonly qty: Qty; readonly entryPrice: Price }
  | { readonly type: 'adopt-balance'; readonly balance: Decimal }
  | { readonly type: 'book-funding'; readonly report: FundingReport }
  | { readonly type: 'pause'; readonly reason: string };

export interface ReconPolicy {
  /** An open order at the venue that we do not know. */
  readonly unknownOrder: 'adopt' | 'cancel' | 'pause';
  /** A position that differs after every reported fill is booked. */
  readonly position: 'adopt' | 'pause';
  /** A balance that differs after every fill and payment is booked. */
  readonly balance: 'adopt' | 'pause';
  /** Largest balance difference ignored, account currency. */
  readonly balanceTolerance: number;
  /** How long a submitted order may be unknown to the venue before we call it lost, ms. */
  readonly inFlightGraceMs: number;
}

export const DEFAULT_POLICY: ReconPolicy = { unknownOrder: 'adopt', position: 'adopt', balance: 'adopt', balanceTolerance: 1e-6, inFlightGraceMs: 5000 };
