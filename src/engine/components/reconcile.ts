/**
 * Reconciliation: what differs between the engine and the venue, and what to do about it. Pure:
 * `reconcile(local, venue, policy)` returns typed diffs and actions; the shell applies the actions
 * (as ordinary events through the kernel, so they are journaled) and calls again until nothing is
 * left. The venue is the truth, but only for what it reports: fills are applied from the venue's
 * fill reports with their trade ids, never invented; a position or balance that still differs
 * after every reported fill and payment is booked, compared like with like and seen twice, is
 * adopted (or trading pauses), per policy (reconcile-books.ts).
 *
 * Two passes: orders, fills and funding first; positions and the balance only once those are
 * settled, so they are compared after every explainable difference has been explained.
 *
 * A diff that pauses carries a `key` and what adopting the venue's truth would do, so the
 * operator can choose (`decisions`: keys the operator chose to adopt, applied without waiting).
 */
import { externalOrderId, isOwnOrderId, type ClientOrderId, type TradeId } from '../model/ids.ts';
import type { Order } from '../model/order.ts';
import { isOpen } from '../model/order-state.ts';
import type { BalanceReport, FillReport, FundingReport, OrderStatusReport, PositionReport } from '../model/reports.ts';
import type { Booking } from './booking-log.ts';
import { reconcileBooks, type Suspect, type VenuePosition } from './reconcile-books.ts';
import { DEFAULT_POLICY, type Diff, type ReconAction, type ReconPolicy } from './reconcile-diffs.ts';

export interface LocalView {
  /** Our orders (open ones at least, and recently closed ones). */
  readonly orders: readonly Order[];
  /** Signed size per symbol. */
  readonly positions: Readonly<Record<string, number>>;
  /** Wallet balance, exact decimal. */
  readonly balance: string;
  /** Funding payment ids already booked. */
  readonly fundingIds: ReadonlySet<string>;
  /** Lot size per symbol (tolerance for size comparisons). */
  readonly lot: (symbol: string) => number;
  readonly now: number;
  /** Fills and payments booked recently, with venue times (default none). */
  readonly bookings?: readonly Booking[];
  /** Position and balance differences seen at the previous observation (default none). */
  readonly suspects?: ReadonlyMap<string, Suspect>;
  /** Keys the operator chose to adopt (default none). */
  readonly decisions?: ReadonlySet<string>;
  /** The venue's last self-consistent position reports (default none: the first look). */
  readonly lastVenue?: ReadonlyMap<string, VenuePosition>;
}

export interface VenueView {
  /** Every open order at the venue (for the symbols we trade). */
  readonly openOrders: readonly OrderStatusReport[];
  /** Status of our open orders the venue no longer lists as open: a report, or null when it does not know the order. */
  readonly statuses: ReadonlyMap<ClientOrderId, OrderStatusReport | null>;
  /** Recent fills (ours, and any others on our symbols). */
  readonly fills: readonly FillReport[];
  readonly positions: readonly PositionReport[] | undefined;
  readonly balance: BalanceReport | undefined;
  readonly funding: readonly FundingReport[];
  /** When positions and balance were asked for, and when the answer came (venue clock; default: `now`). */
  readonly booksAsOf?: { readonly sent: number; readonly received: number };
  /** Fills were asked for (from `fillsFrom`); false in an in-flight check, which asks only order statuses. */
  readonly fillsFetched?: boolean;
  readonly fillsFrom?: number;
  /**
   * When the fills were asked for (engine clock, as a booking's `at`): a fill booked here after
   * that may be missing from the list though the venue executed it (it came by the stream while the
   * request was out). Default: none such (every booked fill must be listed).
   */
  readonly fillsSent?: number;
}

export interface ReconResult {
  readonly diffs: Diff[];
  readonly actions: ReconAction[];
  /** Position and balance differences seen once, to be confirmed at the next observation. */
  readonly suspects: Map<string, Suspect>;
  /** The venue's last self-consistent position reports, when positions were looked at. */
  readonly lastVenue?: Map<string, VenuePosition>;
}

export function reconcile(local: LocalView, venue: VenueView, policy: ReconPolicy = DEFAULT_POLICY): ReconResult {
  const diffs: Diff[] = [];
  const actions: ReconAction[] = [];
  const byClient = new Map<ClientOrderId, Order>(local.orders.map((o) => [o.clientOrderId, o]));
  const byVenue = new Map<string, Order>();
  for (const o of local.orders) if (o.venueOrderId !== undefined) byVenue.set(o.venueOrderId, o);
  const known = (r: { clientOrderId?: ClientOrderId | undefined; venueOrderId: string }): Order | undefined =>
    (r.clientOrderId !== undefined ? byClient.get(r.clientOrderId) : undefined) ?? byVenue.get(r.venueOrderId);

  // Fills the venue reports that we have not booked, by order (deduplicated by trade id).
  const fillsOf = new Map<string, FillReport[]>();
  const listed = new Set<string>();
  for (const f of venue.fills) {
    const key = `${f.venueOrderId}/${f.tradeId}`;
    if (listed.has(key)) continue;
    listed.add(key);
    const list = fillsOf.get(f.venueOrderId) ?? [];
    list.push(f);
    fillsOf.set(f.venueOrderId, list);
  }
  const unbooked = (o: Order, venueId: string): FillReport[] => {
    const have = new Set<TradeId>(o.tradeIds);
    return (fillsOf.get(venueId) ?? []).filter((f) => !have.has(f.tradeId)).sort((a, b) => a.ts - b.ts);
  };
  // A venue order id is matched to one local order, once: fills are booked against that order only.
  const handled = new Set<string>();
  const bookFills = (o: Order, venueId: string): number => {
    if (handled.has(venueId)) return 0;
    handled.add(venueId);
    let n = 0;
    for (const f of unbooked(o, venueId)) {
      actions.push({ type: 'apply-fill', fill: { ...f, clientOrderId: o.clientOrderId } });
      n++;
    }
    return n;
  };
  // Reports name both ids: learn which venue order is which of ours before looking at fills
  // (after a restart the engine may know an order by client id only).
  for (const r of [...venue.openOrders, ...[...venue.statuses.values()].filter((x): x is OrderStatusReport => x !== null)]) {
    const o = r.clientOrderId !== undefined ? byClient.get(r.clientOrderId) : undefined;
    if (o !== undefined && !byVenue.has(r.venueOrderId)) byVenue.set(r.venueOrderId, o);
  }

  // A fill we booked is confirmed when the venue lists it among the fills it was asked for, or
  // when it was booked after they were asked for (the list cannot be expected to hold it).
  const sent = venue.fillsSent;
  if (sent !== undefined) for (const b of local.bookings ?? []) if (b.at > sent) listed.add(b.key);
  const confirmedFill = venue.fillsFetched === false ? undefined : listed;
  const decisions = local.decisions ?? new Set<string>();

  // 1. Orders open at the venue.
  const openAtVenue = new Set<ClientOrderId>();
  for (const r of dedupe(venue.openOrders)) {
    const o = known(r);
    if (o === undefined) {
      const ours = isOwnOrderId(r.clientOrderId);
      const what = `${ours ? 'our' : 'an outside'} order ${r.clientOrderId ?? r.venueOrderId} (${r.side} ${r.qty} ${r.symbol}${r.price === undefined ? '' : ` @ ${r.price}`}) is open at the venue but unknown here`;
      const key = `order:${r.venueOrderId}`;
      const adopt: ReconAction[] = [{ type: 'adopt-order', report: r }];
      if (r.filledQty > 0) for (const f of fillsOf.get(r.venueOrderId) ?? []) adopt.push({ type: 'apply-fill', fill: { ...f, clientOrderId: r.clientOrderId ?? externalOrderId(r.venueOrderId) } });
      if (policy.unknownOrder === 'adopt' || decisions.has(key)) {
        diffs.push({ kind: 'order_unknown', severity: 'warn', symbol: r.symbol, message: what, resolution: 'adopted', key });
        actions.push(...adopt);
        handled.add(r.venueOrderId);
      } else if (policy.unknownOrder === 'cancel') {
        diffs.push({ kind: 'order_unknown', severity: 'warn', symbol: r.symbol, message: what, resolution: 'canceling', key });
        actions.push({ type: 'cancel-at-venue', report: r });
      } else {
        diffs.push({ kind: 'order_unknown', severity: 'critical', symbol: r.symbol, message: what, resolution: 'pausing', key, adopt });
        actions.push({ type: 'pause', reason: what });
        handled.add(r.venueOrderId);
      }
      continue;
    }
    openAtVenue.add(o.clientOrderId);
    checkFilled(o, r, diffs, actions, bookFills, confirmedFill);
  }

  // 2. Our open orders the venue does not list as open.
  for (const o of local.orders) {
    if (!isOpen(o.status) || openAtVenue.has(o.clientOrderId) || o.status === 'initialized') continue;
    const st = venue.statuses.get(o.clientOrderId);
    if (st === undefined) continue; // not asked this round
    if (st === null) {
      if (o.status === 'submitted' && local.now - o.tsLast < policy.inFlightGraceMs) continue; // still in flight
      diffs.push({
        kind: 'order_missing',
        severity: 'info',
        symbol: o.symbol,
        message: `order ${o.clientOrderId} is ${o.status} here but the venue does not know it: it never arrived`,
        resolution: 'closed',
      });
      // Never acknowledged: rejected; acknowledged once, then gone: canceled (the table allows both).
      actions.push({
        type: 'close-order',
        clientOrderId: o.clientOrderId,
        symbol: o.symbol,
        status: o.status === 'submitted' ? 'rejected' : 'canceled',
        reason: 'unknown to the venue (reconciliation)',
      });
      continue;
    }
    checkFilled(o, st, diffs, actions, bookFills, confirmedFill);
    if (st.status === 'canceled' || st.status === 'expired' || st.status === 'rejected') {
      diffs.push({ kind: 'order_missing', severity: 'info', symbol: o.symbol, message: `order ${o.clientOrderId} is ${o.status} here but ${st.status} at the venue`, resolution: 'closed' });
      actions.push({ type: 'close-order', clientOrderId: o.clientOrderId, symbol: o.symbol, status: st.status, reason: `${st.status} at the venue (reconciliation)` });
    }
  }

  // 3. Fills on closed orders we know but missed (a stream gap), and fills of orders unknown here.
  for (const [venueId, list] of fillsOf) {
    if (handled.has(venueId)) continue;
    const first = list[0];
    const o = byVenue.get(venueId) ?? (first?.clientOrderId !== undefined ? byClient.get(first.clientOrderId) : undefined);
    if (o !== undefined) {
      if (!isOpen(o.status) && !openAtVenue.has(o.clientOrderId)) {
        const n = bookFills(o, venueId);
        if (n > 0) diffs.push({ kind: 'fills_missing', severity: 'info', symbol: o.symbol, message: `${n} fill(s) of ${o.clientOrderId} reported by the venue were not booked`, resolution: 'booked' });
      }
      continue;
    }
    if (first === undefined || venue.openOrders.some((r) => r.venueOrderId === venueId)) continue; // open ones: handled above
    const qty = list.reduce((s, f) => s + f.qty, 0);
    const id = first.clientOrderId ?? externalOrderId(venueId);
    diffs.push({
      kind: 'order_unknown',
      severity: 'warn',
      symbol: first.symbol,
      message: `${list.length} fill(s) (${first.side} ${round(qty)} ${first.symbol}) of an order unknown here (${id}): placed outside Parity, or sent just before a crash`,
      resolution: 'adopted',
    });
    actions.push({
      type: 'adopt-order',
      report: {
        venueOrderId: first.venueOrderId,
        clientOrderId: id,
        symbol: first.symbol,
        side: first.side,
        orderType: 'market',
        qty: round(qty),
        filledQty: 0,
        avgPx: 0,
        status: 'filled',
        reduceOnly: false,
        tsLast: first.ts,
      },
    });
    for (const f of list.sort((a, b) => a.ts - b.ts)) actions.push({ type: 'apply-fill', fill: { ...f, clientOrderId: id } });
  }

  // 4. Funding the venue charged that we have not booked.
  for (const f of venue.funding) {
    if (local.fundingIds.has(f.id)) continue;
    diffs.push({ kind: 'funding_unbooked', severity: 'info', symbol: f.symbol, message: `funding ${f.amount} on ${f.symbol} at ${new Date(f.ts).toISOString()} was not booked`, resolution: 'booked' });
    actions.push({ type: 'book-funding', report: f });
  }

  if (actions.length > 0) return { diffs, actions: inBookingOrder(actions), suspects: new Map() }; // settle these first, then compare totals

  // 5, 6. Positions, then the balance, like with like (reconcile-books.ts).
  const books = reconcileBooks(
    {
      positions: local.positions,
      balance: local.balance,
      bookings: local.bookings ?? [],
      lot: local.lot,
      suspects: local.suspects ?? new Map(),
      decisions,
      lastVenue: local.lastVenue ?? new Map(),
    },
    { positions: venue.positions, balance: venue.balance, asOf: venue.booksAsOf ?? { sent: local.now, received: local.now }, fills: venue.fills },
    policy,
  );
  return { diffs: [...diffs, ...books.diffs], actions: books.actions, suspects: books.suspects, ...(venue.positions === undefined ? {} : { lastVenue: books.lastVenue }) };
}

/**
 * The actions as they must be applied: orders taken over first, then every missed fill in the
 * order the venue executed them (time, then trade id), whichever order they belong to, then the
 * rest. Average-cost PnL depends on the order of fills: booked order by order, a sell executed
 * before a buy of another order was booked after it, and the entry (and so the balance) came out
 * different from the venue's.
 */
function inBookingOrder(actions: readonly ReconAction[]): ReconAction[] {
  const fills = actions.filter((a): a is Extract<ReconAction, { type: 'apply-fill' }> => a.type === 'apply-fill');
  fills.sort((a, b) => a.fill.ts - b.fill.ts || (a.fill.tradeId < b.fill.tradeId ? -1 : a.fill.tradeId > b.fill.tradeId ? 1 : 0));
  return [...actions.filter((a) => a.type === 'adopt-order'), ...fills, ...actions.filter((a) => a.type !== 'adopt-order' && a.type !== 'apply-fill')];
}

/**
 * A status report against what we booked for the order. A report that shows less filled than we
 * booked is only a diff when the venue does not list our fills either: a status report older than
 * the fills the stream brought (and the venue confirms) is merely late.
 */
function checkFilled(o: Order, r: OrderStatusReport, diffs: Diff[], actions: ReconAction[], bookFills: (o: Order, venueId: string) => number, confirmed: ReadonlySet<string> | undefined): void {
  if (r.filledQty > o.filledQty + 1e-12) {
    const n = bookFills(o, r.venueOrderId);
    diffs.push({
      kind: 'fills_missing',
      severity: 'info',
      symbol: o.symbol,
      message: `order ${o.clientOrderId}: ${r.filledQty} filled at the venue, ${o.filledQty} booked here`,
      resolution: n > 0 ? 'booked' : 'waiting',
    });
  } else if (r.filledQty < o.filledQty - 1e-12) {
    if (confirmed === undefined) return; // no fills asked this round: the next full look decides
    const venueId = o.venueOrderId ?? r.venueOrderId;
    if (o.tradeIds.every((t) => confirmed.has(`${venueId}/${t}`))) return; // every fill we booked is the venue's (or newer than its list): its status report is behind
    const what = `order ${o.clientOrderId}: ${o.filledQty} booked here but only ${r.filledQty} filled at the venue, which does not list all of our fills`;
    diffs.push({ kind: 'fills_excess', severity: 'critical', symbol: o.symbol, message: what, resolution: 'pausing', key: `fills:${o.clientOrderId}` });
    actions.push({ type: 'pause', reason: what });
  }
}

function dedupe(list: readonly OrderStatusReport[]): OrderStatusReport[] {
  const seen = new Map<string, OrderStatusReport>();
  for (const r of list) {
    const prev = seen.get(r.venueOrderId);
    if (prev === undefined || r.tsLast >= prev.tsLast) seen.set(r.venueOrderId, r);
  }
  return [...seen.values()];
}

function round(x: number): number {
  return Number(x.toFixed(8));
}
