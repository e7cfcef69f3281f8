/**
 * Divergence: what the backtest would have done on the same data, beside what actually ran.
 *
 * A shadow engine runs a second instance of the same strategy on the backtest's simulator (same
 * models, a virtual clock set by each data point's time), fed exactly the market data the live
 * runtime receives, starting from the live books as they were once reconciled. It never trades
 * anywhere: its fills are what the model says would have happened. Compared per session:
 * fills, PnL since start, funding, and slippage against the price when each order was decided
 * (live minus model, bps; positive = live paid more than the model assumed).
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
  type LoggedMessage,
  type MarketData,
  type Params,
  type Scheduler,
  type Symbol,
  type ValidationConfig,
} from '../engine/index.ts';
import { SimulatedVenue, type VenueModels } from '../paper/index.ts';
import type { DivergenceView } from './model.ts';

/** Timers and drains happen as data arrives, as in a backtest: nothing is scheduled outside it. */
const DATA_DRIVEN: Scheduler = { schedule: () => () => undefined, defer: () => undefined };

/** Mean signed slippage of fills against the last price when their order was submitted. */
export class SlippageTally {
  private readonly refs = new Map<string, { side: number; ref: number }>();
  fills = 0;
  private sumBps = 0;
  private slipped = 0;

  constructor(private readonly last: (symbol: string) => number | undefined) {}

  onMessage(m: LoggedMessage): void {
    if (m.type === 'SubmitOrder') {
      const ref = this.last(m.symbol);
      if (ref !== undefined && ref > 0) this.refs.set(m.clientOrderId, { side: m.side === 'buy' ? 1 : -1, ref });
    } else if (m.type === 'OrderFilled') {
      this.fills++;
      const r = this.refs.get(m.clientOrderId);
      if (r === undefined) return;
      this.sumBps += (r.side * (m.lastPx - r.ref) * 10_000) / r.ref;
      this.slipped++;
    }
  }

  get meanBps(): number {
    return this.slipped === 0 ? NaN : this.sumBps / this.slipped;
  }
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
}

export class ShadowBacktest {
  readonly kernel: Kernel;
  private readonly clock: SimClock;
  private readonly runtime: LiveRuntime;
  private readonly slip: SlippageTally;
  private readonly startEquity: number;
  private readonly since: number;
  private failed: string | undefined;

  constructor(o: ShadowOptions) {
    const t0 = o.warmup[0]?.tsInit ?? 0;
    this.clock = new SimClock(t0);
    let tally: SlippageTally | undefined;
    this.kernel = new Kernel({
      ...accountOf(o),
      clock: this.clock,
      restore: { ...o.start, orders: [], seqs: {}, tradingState: 'active', stateReason: '' },
      onMessage: (m) => tally?.onMessage(m),
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
  }

  /** Compared with the live engine's figures since the shadow started. */
  view(live: { readonly fills: number; readonly pnl: number; readonly funding: number; readonly slippageBps: number }): DivergenceView {
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
    };
  }

  stop(): void {
    this.runtime.stop();
  }
}
