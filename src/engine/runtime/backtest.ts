/**
 * The backtest runtime: the kernel on a simulated clock, fed from data feeds, trading with a
 * matching venue (the simulator from src/paper, injected by the caller).
 *
 * One fixed order per data point, so the same inputs and seed give the same event log byte for
 * byte: advance the clock (due timers fire), then `stepData` (the validator drops bad data, the
 * venue matches, fills reach strategies, the data reaches strategies, the queue drains), the same
 * step the live runtime takes. Equity is sampled once per distinct timestamp, after everything at
 * that time has happened.
 */
import { SimClock } from './clock.ts';
import type { DataFeed } from './data-feed.ts';
import type { HoldSet, OrderFilled, StrategyFaulted } from '../model/events.ts';
import type { Fixed } from '../model/fixed.ts';
import type { Instrument } from '../model/instrument.ts';
import { Kernel } from '../kernel/kernel.ts';
import type { LoggedMessage } from '../model/events.ts';
import type { StrategyRegistration } from '../kernel/strategy-host.ts';
import type { MatchingVenue } from '../ports/index.ts';
import { stepData, warmUp } from './step.ts';
import type { RiskLimits } from '../components/risk-gate.ts';
import type { LossLimits } from '../kernel/holds.ts';
import type { AccountType } from '../model/trading.ts';
import type { EngineState } from '../model/engine-state.ts';
import type { Bar } from '../model/market-data.ts';
import { MarketDataValidator, type DataQuality, type ValidationConfig } from '../components/market-data-validator.ts';

export interface BacktestOptions {
  readonly instruments: readonly Instrument[];
  readonly feed: DataFeed;
  readonly strategies: readonly StrategyRegistration[];
  /** Builds the venue on the backtest's clock. */
  readonly venue: (clock: SimClock) => MatchingVenue;
  readonly currency: string;
  readonly startingCash: Fixed;
  readonly accountType: AccountType;
  readonly leverage?: number;
  readonly limits?: Partial<RiskLimits>;
  /** The drawdown limit and what a breached loss limit does, as a live session has them (KernelOptions.lossLimits). */
  readonly lossLimits?: Partial<Omit<LossLimits, 'dailyLossLimit'>>;
  /**
   * Books to start from instead of `startingCash` alone: a session's state, which it took after its
   * own warm-up, so they are restored after this one's (whose refused orders they replace).
   */
  readonly restore?: EngineState;
  /** Called once the books are restored, before the first data point (e.g. to seed the venue from them). */
  readonly onReady?: (kernel: Kernel) => void;
  /** History fed to strategies before the first data point, with trading halted (as a live session warms up). */
  readonly warmup?: readonly Bar[];
  /** See KernelOptions.pauseCancelsEntries (default true). */
  readonly pauseCancelsEntries?: boolean;
  /** Receives every command and event, in order (the event log). */
  readonly onMessage?: (m: LoggedMessage) => void;
  /** Called every `progressEvery` data points and at the end. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
  /** The bad-data breaker's settings (config `data.validation`); defaults when absent. */
  readonly validation?: Partial<ValidationConfig>;
  /**
   * Memory to record the equity samples in, used when each array holds at least the feed's size;
   * the result's arrays are then views of it. For a caller running many backtests one after
   * another (a sweep's thread): fresh memory costs more than the run's use of it.
   */
  readonly samples?: SampleMemory;
}

/** Three arrays the equity samples go into (see BacktestOptions.samples). */
export interface SampleMemory {
  readonly ts: Float64Array;
  readonly equity: Float64Array;
  readonly exposure: Float64Array;
}

export interface BacktestResult {
  readonly kernel: Kernel;
  /** Sample times (epoch ms) and equity at each, quote currency. */
  readonly equityTs: Float64Array;
  readonly equity: Float64Array;
  /** Gross exposure (Σ |qty| x price) at each sample. */
  readonly exposure: Float64Array;
  readonly fills: readonly OrderFilled[];
  /** Guard holds set during the run, in order (a loss limit breached: entries stopped as live stops them). */
  readonly holds: readonly HoldSet[];
  /** Data points processed. */
  readonly steps: number;
  /** What the bad-data breaker dropped (those events reached neither the venue nor a strategy) and the gaps it saw. */
  readonly dataQuality: DataQuality;
  /** Set when a strategy threw; the run stopped at that point. */
  readonly fault?: StrategyFaulted;
}

export function runBacktest(o: BacktestOptions): BacktestResult {
  const clock = new SimClock(0);
  const fills: OrderFilled[] = [];
  const holds: HoldSet[] = [];
  let fault: StrategyFaulted | undefined;
  const log = o.onMessage;
  const kernel = new Kernel({
    clock,
    instruments: o.instruments,
    currency: o.currency,
    startingCash: o.startingCash,
    accountType: o.accountType,
    ...(o.leverage === undefined ? {} : { leverage: o.leverage }),
    ...(o.limits === undefined ? {} : { limits: o.limits }),
    ...(o.pauseCancelsEntries === undefined ? {} : { pauseCancelsEntries: o.pauseCancelsEntries }),
    ...(o.lossLimits === undefined ? {} : { lossLimits: o.lossLimits }),
    onMessage: (m) => {
      if (m.type === 'OrderFilled') fills.push(m);
      else if (m.type === 'HoldSet') holds.push(m);
      log?.(m);
    },
    onFault: (f) => {
      fault ??= f;
    },
  });
  const venue = o.venue(clock);
  const validator = new MarketDataValidator(o.validation);
  kernel.attachVenue(venue);
  for (const s of o.strategies) kernel.addStrategy(s);

  const feed = o.feed;
  const total = feed.size;
  const cap = Math.max(1, total);
  const given = o.samples;
  const fits = given !== undefined && given.ts.length >= cap && given.equity.length >= cap && given.exposure.length >= cap;
  let equityTs: Float64Array = fits ? given.ts : new Float64Array(cap);
  let equity: Float64Array = fits ? given.equity : new Float64Array(cap);
  let exposure: Float64Array = fits ? given.exposure : new Float64Array(cap);
  let n = 0;
  const every = o.progressEvery ?? 65_536;
  let steps = 0;

  const warm = o.warmup ?? [];
  const first = warm[0]?.tsInit ?? feed.peekTime();
  if (first !== Infinity) clock.advanceTo(first);
  for (const b of warm) if (b.tsInit > clock.now()) clock.advanceTo(b.tsInit);
  warmUp(kernel, venue, warm, validator);
  if (o.restore !== undefined) {
    const { state, reason } = kernel.books.restore(o.restore, kernel.holds);
    kernel.setTradingState(state, reason);
  }
  o.onReady?.(kernel);
  kernel.start();
  const portfolio = kernel.portfolio;

  let t = feed.peekTime();
  while (t !== Infinity && fault === undefined) {
    clock.advanceTo(t);
    if (kernel.nextTimerAt() <= t) {
      kernel.fireTimers(t);
      kernel.drain();
    }
    stepData(kernel, venue, feed.next(), validator);
    steps++;
    const nt = feed.peekTime();
    if (nt !== t) {
      if (n === equity.length) {
        equityTs = grow(equityTs);
        equity = grow(equity);
        exposure = grow(exposure);
      }
      equityTs[n] = t;
      equity[n] = portfolio.equity();
      exposure[n] = portfolio.exposureAtLastEquity;
      n++;
    }
    if (steps % every === 0) o.onProgress?.(steps, total);
    t = nt;
  }
  if (fault === undefined) kernel.stop();
  o.onProgress?.(steps, total);
  const base = {
    kernel,
    equityTs: equityTs.subarray(0, n),
    equity: equity.subarray(0, n),
    exposure: exposure.subarray(0, n),
    fills,
    holds,
    steps,
    dataQuality: validator.quality,
  };
  return fault === undefined ? base : { ...base, fault };
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
