/**
 * Divergence: what the backtest would have done on the same data, beside what actually ran.
 *
 * A shadow engine runs a second instance of the same strategy on the backtest's simulator (same
 * models, a virtual clock set by each data point's time), fed exactly the market data the live
 * runtime receives, starting from the live books as they were once reconciled. It never trades
 * anywhere: its fills are what the model says would have happened. Compared per session:
 * fills, PnL since start, funding, and slippage against the price when each order was decided
 * (live minus model, bps; positive = live paid more than the model assumed), and per signal: each
 * data point's decisions live against the shadow's (divergence-guard.ts: the match rate, and the
 * guards that alert or pause when the two drift apart).
 */
import {
  accountOf,
  createRng,
  Kernel,
  LiveRuntime,
  SimClock,
  type AccountSetup,
  type AnyStrategyDefinition,
  type Bar,
  type EngineState,
  type LossLimits,
  type LoggedMessage,
  type MarketData,
  type Params,
  type Scheduler,
  type Symbol,
  type ValidationConfig,
} from '../engine/index.ts';
import { SimulatedVenue, type VenueModels } from '../paper/index.ts';
import { BandTracker, RoundTripTally } from './band.ts';
import { crossedGuards, matchRate, p95, SignalMatcher, type DivergenceGuardConfig, type GuardInput } from './divergence-guard.ts';
import type { DivergenceView } from './model.ts';
import { FORGET_MARGIN_MS, KEEP_CLOSED_ORDERS } from './forget.ts';

/** Timers and drains happen as data arrives, as in a backtest: nothing is scheduled outside it. */
const DATA_DRIVEN: Scheduler = { schedule: () => () => undefined, defer: () => undefined };

/** Mean signed slippage of fills against the last price when their order was submitted. */
export class SlippageTally {
  private readonly refs = new Map<string, { side: number; ref: number }>();
  fills = 0;
  /** Quote currency traded (sum of |qty x price| of the fills). */
  notional = 0;
  private sumBps = 0;
  private slipped = 0;
  /** Each fill's slippage, bps (the last 10 000). */
  private readonly samples: number[] = [];

  constructor(private readonly last: (symbol: string) => number | undefined) {}

  onMessage(m: LoggedMessage): void {
    if (m.type === 'SubmitOrder') {
      const ref = this.last(m.symbol);
      if (ref !== undefined && ref > 0) this.refs.set(m.clientOrderId, { side: m.side === 'buy' ? 1 : -1, ref });
    } else if (m.type === 'OrderFilled') {
      this.fills++;
      this.notional += Math.abs(m.lastQty * m.lastPx);
      const r = this.refs.get(m.clientOrderId);
      if (r === undefined) return;
      const bps = (r.side * (m.lastPx - r.ref) * 10_000) / r.ref;
      this.sumBps += bps;
      this.slipped++;
      this.samples.push(bps);
      if (this.samples.length > 10_000) this.samples.shift();
    }
  }

  get meanBps(): number {
    return this.slipped === 0 ? NaN : this.sumBps / this.slipped;
  }

  /** Fills with a decision price, and the p95 of their slippage (bps, NaN without any). */
  get p95(): { readonly n: number; readonly bps: number } {
    return { n: this.samples.length, bps: p95(this.samples) };
  }
}

/** The live session's own figures since the shadow started, as the divergence compares them. */
export interface LiveFigures {
  readonly fills: number;
  readonly pnl: number;
  readonly funding: number;
  readonly slippageBps: number;
  readonly slippageP95?: { readonly n: number; readonly bps: number };
  readonly notional?: number;
  /** The live round trips' PnLs since the shadow started (the expectation band places their sum). */
  readonly trips?: readonly number[];
}

/** The live session's account, models and strategy: the shadow runs the same on the same data. */
export interface ShadowOptions extends AccountSetup {
  readonly models: VenueModels;
  readonly seed: number;
  readonly definition: AnyStrategyDefinition;
  readonly params: Params;
  readonly symbols: readonly Symbol[];
  /** The live engine's state once reconciled: the shadow starts from the same books (without live orders). */
  readonly start: EngineState;
  readonly warmup: readonly Bar[];
  /** The bad-data breaker's settings, the live runtime's (so both drop the same events). */
  readonly validation?: Partial<ValidationConfig>;
  /** The divergence guards' thresholds (config `divergence`; none: nothing is guarded). */
  readonly guards?: DivergenceGuardConfig;
  /** The loss limits' drawdown and actions, and what a pause does to entries: the live kernel's (a backtest is constrained as live is). */
  readonly lossLimits?: Partial<Omit<LossLimits, 'dailyLossLimit'>>;
  readonly pauseCancelsEntries?: boolean;
}

/** Data points between two passes of the shadow forgetting closed orders. */
const FORGET_EVERY = 1024;

export class ShadowBacktest {
  readonly kernel: Kernel;
  private readonly clock: SimClock;
  private readonly runtime: LiveRuntime;
  private readonly slip: SlippageTally;
  private readonly startEquity: number;
  private readonly since: number;
  private failed: string | undefined;
  private readonly signals: SignalMatcher;
  private readonly guards: DivergenceGuardConfig;
  private readonly trips = new RoundTripTally();
  private readonly band: BandTracker;
  /** Data points seen (see onData). */
  private points = 0;

  constructor(o: ShadowOptions) {
    this.band = new BandTracker(o.seed);
    this.signals = new SignalMatcher(o.definition.name);
    this.guards = o.guards ?? {};
    const t0 = o.warmup[0]?.tsInit ?? 0;
    this.clock = new SimClock(t0);
    let tally: SlippageTally | undefined;
    this.kernel = new Kernel({
      ...accountOf(o),
      clock: this.clock,
      ...(o.lossLimits === undefined ? {} : { lossLimits: o.lossLimits }),
      ...(o.pauseCancelsEntries === undefined ? {} : { pauseCancelsEntries: o.pauseCancelsEntries }),
      restore: { ...o.start, orders: [], seqs: {}, tradingState: 'active', stateReason: '' },
      onMessage: (m) => {
        tally?.onMessage(m);
        this.trips.onMessage(m);
        this.signals.shadow(m);
      },
      onFault: (f) => (this.failed = `the shadow strategy stopped: ${f.message}`),
    });
    this.slip = tally = new SlippageTally((s) => this.kernel.portfolio.lastPrice(s));
    const venue = new SimulatedVenue({ ...accountOf(o), clock: this.clock, rng: createRng(o.seed).fork(), models: o.models });
    venue.account.seed(this.kernel.portfolio.ledger);
    this.runtime = new LiveRuntime(this.kernel, venue, DATA_DRIVEN, o.validation === undefined ? {} : { validation: o.validation });
    const state = structuredClone(o.start.strategies[o.definition.name] ?? {});
    this.kernel.addStrategy({ definition: o.definition, params: o.params, symbols: o.symbols, state });
    this.runtime.start(o.warmup);
    this.startEquity = this.kernel.portfolio.equity();
    this.since = this.clock.now();
  }

  /** The same data point the live runtime just received. */
  onData(d: MarketData): void {
    if (d.tsInit > this.clock.now()) this.clock.advanceTo(d.tsInit);
    this.runtime.onMarketData(d);
    this.signals.point();
    // Nothing reconciles the shadow (its venue is the simulator beside it): closed orders go by age
    // alone, as the live session's do at most (the newest KEEP_CLOSED_ORDERS stay), so a long
    // session's shadow keeps bounded memory too.
    if (++this.points % FORGET_EVERY === 0) this.kernel.orders.forgetClosedBefore(this.clock.now() - FORGET_MARGIN_MS, KEEP_CLOSED_ORDERS);
  }

  /** A live kernel message: the live decisions are matched with the shadow's on the same data point. */
  onLiveMessage(m: LoggedMessage): void {
    this.signals.live(m);
  }

  /** From now on decisions are compared (what the live start-up decided before the first data point is not). */
  startComparing(): void {
    this.signals.reset();
  }

  /** What the guards compare (divergence-guard.ts). */
  guardInput(live: LiveFigures): GuardInput {
    const model = this.slip.p95;
    return {
      signals: this.signals.total,
      slippage: { liveP95Bps: live.slippageP95?.bps ?? NaN, modelP95Bps: model.bps, liveFills: live.slippageP95?.n ?? 0, modelFills: model.n },
      pnl: { live: live.pnl, shadow: this.kernel.portfolio.equity() - this.startEquity, notional: Math.max(live.notional ?? 0, this.slip.notional) },
    };
  }

  /** Compared with the live engine's figures since the shadow started. */
  view(live: LiveFigures): DivergenceView {
    const backtestPnl = this.kernel.portfolio.equity() - this.startEquity;
    const model = this.slip.meanBps;
    const gap = Number.isNaN(live.slippageBps) || Number.isNaN(model) ? 0 : live.slippageBps - model;
    const note = this.failed ?? `same strategy on the backtest simulator since ${new Date(this.since).toISOString().slice(11, 19)} UTC`;
    return {
      available: this.failed === undefined,
      liveFills: live.fills,
      backtestFills: this.slip.fills,
      livePnl: live.pnl,
      backtestPnl,
      slippageVsModelBps: gap,
      fundingLive: live.funding,
      note,
      signals: { ...this.signals.total, matchRate: matchRate(this.signals.total) },
      guards: this.failed === undefined ? crossedGuards(this.guardInput(live), this.guards).map((b) => b.message) : [],
      band: this.bandOf(live),
    };
  }

  /** Where the live round trips' sum falls among the shadow's, block-bootstrapped (band.ts); absent before a shadow round trip. */
  private bandOf(live: LiveFigures): DivergenceView['band'] {
    const b = this.band.of(this.trips.trips, live.trips ?? []);
    return b.percentile === null ? undefined : { low: b.low, high: b.high, live: b.live, percentile: b.percentile, within: b.within === true, trades: b.trades };
  }

  stop(): void {
    this.runtime.stop();
  }
}
