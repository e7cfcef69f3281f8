/**
 * The reconciliation loop: asks the venue for its truth (within the request budget), runs the pure
 * `reconcile`, applies the actions as ordinary engine events (so they are journaled), and repeats
 * until nothing is left to explain. Three cadences: in-flight orders often, open orders and fills
 * regularly, positions, balances and funding less often; `run('full')` does everything (startup,
 * the operator's "reconcile now").
 */
import {
  DEFAULT_POLICY,
  formatFixed,
  reconcile,
  externalOrderId,
  type ClientOrderId,
  type Diff,
  type Kernel,
  type OrderStatusReport,
  type ReconAction,
  type ReconPolicy,
  type Scheduler,
  type Symbol,
  type VenueReports,
  type VenueView,
} from '../engine/index.ts';

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
  /** Called with what a run found (the UI, headless logs, alerts). */
  readonly onDiffs?: (diffs: readonly Diff[]) => void;
  readonly onError?: (err: Error) => void;
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

export class Reconciler {
  private running: Promise<ReconOutcome> | undefined;
  /** One pending timer per cadence (the latest tick's). */
  private timers: (() => void)[] = [];
  private fillsSince: number;

  constructor(private readonly o: ReconcilerOptions) {
    this.fillsSince = o.kernel.clock.now() - 3_600_000;
  }

  /** Fills older than this are not asked for (a restart sets it to just before the last journaled event). */
  setFillsHorizon(ts: number): void {
    this.fillsSince = ts;
  }

  /** One reconciliation; concurrent calls share the run in progress. */
  run(scope: ReconScope): Promise<ReconOutcome> {
    this.running ??= this.runOnce(scope).finally(() => (this.running = undefined));
    return this.running;
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

  private async runOnce(scope: ReconScope): Promise<ReconOutcome> {
    const k = this.o.kernel;
    const policy = this.o.policy ?? DEFAULT_POLICY;
    const all: Diff[] = [];
    let paused = false;
    let passes = 0;
    for (; passes < 6; passes++) {
      const view = await this.fetch(scope);
      const local = {
        orders: k.orders.list(),
        positions: Object.fromEntries(this.o.symbols.map((s) => [s, k.portfolio.position(s).qty])),
        balance: formatFixed(k.portfolio.ledger.balance),
        fundingIds: k.fundingIds,
        lot: (s: string) => k.instrument(s)?.lotSize ?? 1e-8,
        now: k.clock.now(),
      };
      const { diffs, actions } = reconcile(local, view, policy);
      for (const d of diffs) {
        k.recordDiff(d);
        all.push(d);
      }
      if (actions.length === 0) break;
      paused = this.apply(actions) || paused;
      if (actions.every((a) => a.type === 'pause')) break;
    }
    k.drain();
    if (all.length > 0) this.o.onDiffs?.(all);
    return { scope, diffs: all, passes: passes + 1, paused };
  }

  private async fetch(scope: ReconScope): Promise<VenueView> {
    const k = this.o.kernel;
    const r = this.o.reports;
    const mine = k.orders.open().filter((o) => o.status !== 'initialized');
    const openOrders: OrderStatusReport[] = [];
    if (scope !== 'inflight') for (const s of this.o.symbols) openOrders.push(...(await r.openOrders(s)));
    const listed = new Set(openOrders.map((o) => o.clientOrderId));
    const ask = scope === 'inflight' ? mine.filter((o) => IN_FLIGHT.has(o.status)) : mine.filter((o) => !listed.has(o.clientOrderId));
    const statuses = new Map<ClientOrderId, OrderStatusReport | null>();
    for (const o of ask) statuses.set(o.clientOrderId, (await r.order(o.symbol, o.clientOrderId)) ?? null);
    const fills = [];
    if (scope !== 'inflight') {
      const oldestOpen = Math.min(...mine.map((o) => o.tsInit), Infinity);
      const since = Math.min(this.fillsSince, oldestOpen);
      for (const s of this.o.symbols) fills.push(...(await r.fills(s, since)));
    }
    const full = scope === 'full';
    const funding = [];
    if (full) for (const s of this.o.symbols) funding.push(...(await r.funding(s, this.fillsSince - 86_400_000)));
    return {
      openOrders,
      statuses,
      fills,
      positions: full ? await r.positions() : undefined,
      balance: full ? (await r.balances()).find((b) => b.currency === k.portfolio.currency) : undefined,
      funding,
    };
  }

  /** Applies actions through the kernel; returns true when trading was paused. */
  private apply(actions: readonly ReconAction[]): boolean {
    const k = this.o.kernel;
    const now = k.clock.now();
    let paused = false;
    for (const a of actions) {
      switch (a.type) {
        case 'adopt-order':
          k.adoptOrder(a.report);
          break;
        case 'cancel-at-venue': {
          k.adoptOrder(a.report);
          const id = a.report.clientOrderId ?? externalOrderId(a.report.venueOrderId);
          const o = k.orders.get(id);
          if (o !== undefined) k.command({ type: 'CancelOrder', strategyId: o.strategyId, clientOrderId: id, symbol: o.symbol, tsInit: now });
          break;
        }
        case 'apply-fill': {
          const f = a.fill;
          k.applyVenueEvent({ type: 'OrderFilled', clientOrderId: f.clientOrderId, symbol: f.symbol, venueOrderId: f.venueOrderId, tradeId: f.tradeId, side: f.side, lastQty: f.qty, lastPx: f.price, fee: f.fee, liquidity: f.liquidity, tsEvent: f.ts, tsInit: now });
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
          k.adoptPosition(a.symbol, a.qty, a.entryPrice);
          break;
        case 'adopt-balance':
          k.adoptBalance(a.balance);
          break;
        case 'book-funding':
          k.applyVenueEvent({ type: 'FundingPaid', id: a.report.id, symbol: a.report.symbol, amount: a.report.amount, rate: 0, markPrice: 0, positionQty: k.portfolio.position(a.report.symbol).qty, tsEvent: a.report.ts, tsInit: now });
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
