/**
 * The reconciliation loop: asks the venue for its truth (within the request budget), runs the pure
 * `reconcile`, applies the actions as ordinary engine events (so they are journaled), and repeats
 * until nothing is left to explain. Three cadences: in-flight orders often, open orders and fills
 * regularly, positions, balances and funding less often; `run('full')` does everything (startup,
 * the operator's "reconcile now").
 *
 * Like with like: positions and the balance are asked for first and everything else after, so any
 * fill they include is in the fill report too; the books are compared as of the venue's instant
 * (reconcile-books.ts), and a difference must be seen twice, the same, before it is adopted: a
 * full run that finds one looks again after `confirmMs`.
 *
 * Diffs that pause trading wait for the operator (`awaiting`): each has an id, and `resolve`
 * takes the venue's truth for it (adopt) on the operator's word, with no second look needed.
 */
import {
  DEFAULT_POLICY,
  formatFixed,
  reconcile,
  externalOrderId,
  type ClientOrderId,
  type Diff,
  type FillReport,
  type FundingReport,
  type Kernel,
  type OrderStatusReport,
  type ReconAction,
  type ReconPolicy,
  type Scheduler,
  type Suspect,
  type VenuePosition,
  type Symbol,
  type VenueReports,
  type VenueView,
} from '../engine/index.ts';
import type { DiffChoice } from './model.ts';
import { forgetOld, oldestCreated } from './forget.ts';

export type ReconScope = 'inflight' | 'orders' | 'full';

export interface ReconcilerOptions {
  readonly kernel: Kernel;
  readonly reports: VenueReports;
  readonly symbols: readonly Symbol[];
  readonly policy?: ReconPolicy;
  readonly scheduler: Scheduler;
  /** Request weight left in the venue's window; a cycle is skipped below `minBudget`. */
  readonly budget?: () => number;
  readonly minBudget?: number;
  /** How long a full run waits before looking again at a position or balance that differed once, ms (default 1000; 0: at once). */
  readonly confirmMs?: number;
  /** Called with what a run found (the UI, headless logs, alerts). */
  readonly onDiffs?: (diffs: readonly Diff[]) => void;
  readonly onError?: (err: Error) => void;
  /** Closed orders the kernel keeps however old they are (default KEEP_CLOSED_ORDERS); see forget.ts. */
  readonly keepClosedOrders?: number;
}

export interface ReconOutcome {
  readonly scope: ReconScope;
  readonly diffs: readonly Diff[];
  readonly passes: number;
  /** Something could not be resolved under the policy: trading was paused. */
  readonly paused: boolean;
}

export interface Cadence {
  readonly inflightMs: number;
  readonly ordersMs: number;
  readonly fullMs: number;
}

export const DEFAULT_CADENCE: Cadence = { inflightMs: 2000, ordersMs: 7000, fullMs: 30_000 };

const IN_FLIGHT = new Set(['submitted', 'pending_cancel', 'pending_update']);
/** Fills older than this behind the newest booked one are not asked for again (orders open longer are asked from their start). */
const FILLS_LOOKBACK_MS = 15 * 60_000;
const MAX_PASSES = 8;
/** A diff that paused trading and waits for the operator's choice. */
export interface AwaitingDiff {
  readonly id: string;
  readonly key: string;
  readonly kind: string;
  readonly symbol: Symbol | undefined;
  readonly message: string;
  readonly choices: readonly DiffChoice[];
}

/** What the operator may do about a diff: adopt when the venue's truth can be taken; flatten when it concerns a symbol. */
function choicesOf(d: Diff): DiffChoice[] {
  const out: DiffChoice[] = [];
  if (d.adopt !== undefined && d.adopt.length > 0) out.push('adopt');
  if (d.symbol !== undefined) out.push('flatten');
  return out;
}

export class Reconciler {
  private running: Promise<ReconOutcome> | undefined;
  /** One pending timer per cadence (the latest tick's). */
  private timers: (() => void)[] = [];
  private fillsSince: number;
  private suspects = new Map<string, Suspect>();
  private lastVenue = new Map<string, VenuePosition>();
  private readonly decisions = new Set<string>();
  private readonly awaiting = new Map<string, AwaitingDiff>();
  private diffSeq = 0;

  constructor(private readonly o: ReconcilerOptions) {
    this.fillsSince = o.kernel.clock.now() - 3_600_000;
  }

  /** Fills older than this are not asked for (a restart sets it to just before the last journaled event). */
  setFillsHorizon(ts: number): void {
    this.fillsSince = ts;
  }

  /** Diffs waiting for the operator, oldest first. */
  waiting(): AwaitingDiff[] {
    return [...this.awaiting.values()];
  }

  /** One reconciliation; concurrent calls share the run in progress. */
  run(scope: ReconScope): Promise<ReconOutcome> {
    this.running ??= this.runOnce(scope).finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * The operator's choice on a waiting diff: adopt takes the venue's truth for it now (a full run
   * with that key decided). Flattening is the desk's: it calls `adoptFor` first, so the position
   * it closes is the venue's, then marks the diff resolved with `resolved`.
   */
  async adopt(id: string, reason: string): Promise<{ ok: boolean; message: string }> {
    const d = this.awaiting.get(id);
    if (d === undefined) return { ok: false, message: `no difference ${id} waits for a choice (resolved already, or a wrong id: parity ctl status lists them). Nothing was changed.` };
    if (!d.choices.includes('adopt'))
      return { ok: false, message: `difference ${id} (${d.kind}) cannot be adopted: the venue reports nothing to take; flatten ${d.symbol ?? 'the account'} instead. Nothing was changed.` };
    await this.adoptFor(d.key);
    this.resolved(id, `adopted by the operator: ${reason}`);
    return { ok: true, message: `difference ${id} resolved: the venue's ${d.kind === 'balance_mismatch' ? 'balance' : d.kind === 'order_unknown' ? 'order' : 'position'} was taken` };
  }

  /** Takes the venue's truth for `key` at once (a full run with it decided). */
  async adoptFor(key: string): Promise<void> {
    await this.running?.catch(() => undefined);
    this.decisions.add(key);
    try {
      await this.run('full');
    } finally {
      this.decisions.delete(key);
    }
  }

  /** Marks a waiting diff handled (journaled as a DiffResolved with how). */
  resolved(id: string, resolution: string): AwaitingDiff | undefined {
    const d = this.awaiting.get(id);
    if (d === undefined) return undefined;
    this.awaiting.delete(id);
    this.o.kernel.books.recordDiffResolved(id, d.key, resolution);
    return d;
  }

  get(id: string): AwaitingDiff | undefined {
    return this.awaiting.get(id);
  }

  start(c: Cadence = DEFAULT_CADENCE): void {
    const every = (ms: number, scope: ReconScope): void => {
      const slot = this.timers.length;
      const tick = (): void => {
        this.timers[slot] = this.o.scheduler.schedule(tick, ms);
        const left = this.o.budget?.() ?? Infinity;
        if (left < (this.o.minBudget ?? 50) && scope !== 'inflight') return; // leave the budget to trading
        void this.run(scope).catch((err: unknown) => this.o.onError?.(err as Error));
      };
      this.timers.push(this.o.scheduler.schedule(tick, ms));
    };
    every(c.inflightMs, 'inflight');
    every(c.ordersMs, 'orders');
    every(c.fullMs, 'full');
  }

  stop(): void {
    for (const cancel of this.timers) cancel();
    this.timers = [];
  }

  private sleep(ms: number): Promise<void> {
    return ms <= 0 ? Promise.resolve() : new Promise((r) => this.o.scheduler.schedule(r, ms));
  }

  private async runOnce(scope: ReconScope): Promise<ReconOutcome> {
    const k = this.o.kernel;
    const policy = this.o.policy ?? DEFAULT_POLICY;
    const all: Diff[] = [];
    const pausedKeys = new Set<string>();
    let paused = false;
    let passes = 0;
    let settled = false;
    for (; passes < MAX_PASSES; passes++) {
      const view = await this.fetch(scope);
      const local = {
        orders: k.orders.list(),
        positions: Object.fromEntries(this.o.symbols.map((s) => [s, k.portfolio.position(s).qty])),
        balance: formatFixed(k.portfolio.ledger.balance),
        fundingIds: k.fundingIds,
        lot: (s: string) => k.instrument(s)?.lotSize ?? 1e-8,
        now: k.clock.now(),
        bookings: k.portfolio.recent.since(view.fillsFrom ?? -Infinity),
        suspects: this.suspects,
        decisions: this.decisions,
        lastVenue: this.lastVenue,
      };
      const res = reconcile(local, view, policy);
      if (scope === 'full') this.suspects = res.suspects;
      if (res.lastVenue !== undefined) this.lastVenue = res.lastVenue;
      for (const d of res.diffs) {
        if (d.resolution === 'pausing' && d.key !== undefined) pausedKeys.add(d.key);
        if (this.record(d)) all.push(d);
      }
      if (res.actions.length === 0) {
        // A difference seen once is looked at again (a late report agrees by then); a report the
        // venue's own fills contradict waits for the next full run instead.
        const recheck = [...res.suspects.values()].some((s) => s.contradicted === 0);
        if (scope === 'full' && recheck && passes + 1 < MAX_PASSES) {
          await this.sleep(this.o.confirmMs ?? 1000);
          continue;
        }
        settled = res.suspects.size === 0;
        break;
      }
      paused = this.apply(res.actions) || paused;
      if (res.actions.every((a) => a.type === 'pause')) break;
    }
    k.drain();
    if (scope === 'full') this.clearGone(pausedKeys);
    if (settled && scope !== 'inflight') this.advanceFills();
    if (all.length > 0) this.o.onDiffs?.(all);
    return { scope, diffs: all, passes: passes + 1, paused };
  }

  /** Records a diff; one that waits for the operator is recorded once (returns false for a repeat). */
  private record(d: Diff): boolean {
    const k = this.o.kernel;
    const id = `r${++this.diffSeq}`;
    if (d.resolution === 'pausing' && d.key !== undefined) {
      if ([...this.awaiting.values()].some((a) => a.key === d.key)) return false;
      const choices = choicesOf(d);
      this.awaiting.set(id, { id, key: d.key, kind: d.kind, symbol: d.symbol, message: d.message, choices });
      k.books.recordDiff({ id, kind: d.kind, severity: d.severity, ...(d.symbol === undefined ? {} : { symbol: d.symbol }), message: d.message, resolution: d.resolution, key: d.key, choices });
      return true;
    }
    k.books.recordDiff({
      id,
      kind: d.kind,
      severity: d.severity,
      ...(d.symbol === undefined ? {} : { symbol: d.symbol }),
      message: d.message,
      resolution: d.resolution,
      ...(d.key === undefined ? {} : { key: d.key }),
    });
    return true;
  }

  /** A waiting diff whose difference a full run no longer finds is resolved by itself. */
  private clearGone(stillPaused: ReadonlySet<string>): void {
    for (const a of [...this.awaiting.values()]) {
      // (One the operator is resolving right now is theirs to close.)
      if (!stillPaused.has(a.key) && !this.suspects.has(a.key) && !this.decisions.has(a.key)) this.resolved(a.id, 'no longer differs (reconciliation)');
    }
  }

  /** Everything booked: later runs need not ask for fills older than a while before now. */
  private advanceFills(): void {
    this.fillsSince = Math.max(this.fillsSince, this.o.kernel.clock.now() - FILLS_LOOKBACK_MS);
    // Closed orders no later run can ask about go (forget.ts), so memory and snapshots stay bounded.
    forgetOld(this.o.kernel.orders, this.fillsSince, this.o.keepClosedOrders);
  }

  private async fetch(scope: ReconScope): Promise<VenueView> {
    const k = this.o.kernel;
    const r = this.o.reports;
    const full = scope === 'full';
    // Positions and the balance first: any fill they include is in the fill report asked after them.
    const sent = k.clock.now();
    const positions = full ? await r.positions() : undefined;
    const balance = full ? (await r.balances()).find((b) => b.currency === k.portfolio.currency) : undefined;
    const received = k.clock.now();
    const mine = k.orders.open().filter((o) => o.status !== 'initialized');
    const openOrders: OrderStatusReport[] = [];
    if (scope !== 'inflight') for (const s of this.o.symbols) openOrders.push(...(await r.openOrders(s)));
    const listed = new Set(openOrders.map((o) => o.clientOrderId));
    const ask = scope === 'inflight' ? mine.filter((o) => IN_FLIGHT.has(o.status)) : mine.filter((o) => !listed.has(o.clientOrderId));
    const statuses = new Map<ClientOrderId, OrderStatusReport | null>();
    for (const o of ask) statuses.set(o.clientOrderId, (await r.order(o.symbol, o.clientOrderId)) ?? null);
    const fills: FillReport[] = [];
    const fillsFrom = Math.min(this.fillsSince, oldestCreated(mine));
    // A fill the stream brings while these requests are out may be missing from their answer.
    const fillsSent = k.clock.now();
    if (scope !== 'inflight') for (const s of this.o.symbols) fills.push(...(await r.fills(s, fillsFrom)));
    const funding: FundingReport[] = [];
    if (full) for (const s of this.o.symbols) funding.push(...(await r.funding(s, this.fillsSince - 86_400_000)));
    return { openOrders, statuses, fills, positions, balance, funding, booksAsOf: { sent, received }, fillsFetched: scope !== 'inflight', fillsFrom, fillsSent };
  }

  /** Applies actions through the kernel; returns true when trading was paused. */
  private apply(actions: readonly ReconAction[]): boolean {
    const k = this.o.kernel;
    const now = k.clock.now();
    let paused = false;
    for (const a of actions) {
      switch (a.type) {
        case 'adopt-order':
          k.books.adoptOrder(a.report);
          break;
        case 'cancel-at-venue': {
          k.books.adoptOrder(a.report);
          const id = a.report.clientOrderId ?? externalOrderId(a.report.venueOrderId);
          const o = k.orders.get(id);
          if (o !== undefined) k.command({ type: 'CancelOrder', strategyId: o.strategyId, clientOrderId: id, symbol: o.symbol, tsInit: now });
          break;
        }
        case 'apply-fill': {
          const f = a.fill;
          k.applyVenueEvent({
            type: 'OrderFilled',
            clientOrderId: f.clientOrderId,
            symbol: f.symbol,
            venueOrderId: f.venueOrderId,
            tradeId: f.tradeId,
            side: f.side,
            lastQty: f.qty,
            lastPx: f.price,
            fee: f.fee,
            liquidity: f.liquidity,
            tsEvent: f.ts,
            tsInit: now,
          });
          break;
        }
        case 'close-order': {
          const base = { clientOrderId: a.clientOrderId, symbol: a.symbol, tsEvent: now, tsInit: now };
          if (a.status === 'rejected') k.applyVenueEvent({ ...base, type: 'OrderRejected', reason: a.reason });
          else if (a.status === 'expired') k.applyVenueEvent({ ...base, type: 'OrderExpired', reason: a.reason });
          else k.applyVenueEvent({ ...base, type: 'OrderCanceled' });
          break;
        }
        case 'adopt-position':
          k.books.adoptPosition(a.symbol, a.qty, a.entryPrice);
          break;
        case 'adopt-balance':
          k.books.adoptBalance(a.balance);
          break;
        case 'book-funding':
          k.applyVenueEvent({
            type: 'FundingPaid',
            id: a.report.id,
            symbol: a.report.symbol,
            amount: a.report.amount,
            rate: 0,
            markPrice: 0,
            positionQty: k.portfolio.position(a.report.symbol).qty,
            tsEvent: a.report.ts,
            tsInit: now,
          });
          break;
        case 'pause':
          paused = true;
          if (k.tradingState === 'active') k.setTradingState('reducing', `paused by reconciliation: ${a.reason}`);
          break;
      }
    }
    k.drain();
    return paused;
  }
}
