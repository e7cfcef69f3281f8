/**
 * The backtest runtime: the kernel on a simulated clock, fed from data feeds, trading with a
 * matching venue (the simulator from src/paper, injected by the caller).
 *
 * One fixed order per data point, so the same inputs and seed give the same event log byte for
 * byte: advance the clock (due timers fire), then `stepData` (the venue matches, fills reach
 * strategies, the data reaches strategies, the queue drains), the same step the live runtime takes. Equity is sampled once per distinct
 * timestamp, after everything at that time has happened.
 */
import { SimClock } from './clock.ts';
import type { DataFeed } from './data-feed.ts';
import type { OrderFilled, StrategyFaulted } from '../model/events.ts';
import type { Fixed } from '../model/fixed.ts';
import type { Instrument } from '../model/instrument.ts';
import { Kernel } from '../kernel/kernel.ts';
import type { LoggedMessage } from '../model/events.ts';
import type { StrategyRegistration } from '../kernel/strategy-host.ts';
import type { MatchingVenue } from '../ports/index.ts';
import { stepData } from './step.ts';
import type { RiskLimits } from '../components/risk-gate.ts';
import type { AccountType } from '../model/trading.ts';

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
  /** Receives every command and event, in order (the event log). */
  readonly onMessage?: (m: LoggedMessage) => void;
  /** Called every `progressEvery` data points and at the end. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
}

export interface BacktestResult {
  readonly kernel: Kernel;
  /** Sample times (epoch ms) and equity at each, quote currency. */
  readonly equityTs: Float64Array;
  readonly equity: Float64Array;
  /** Gross exposure (Σ |qty| x price) at each sample. */
  readonly exposure: Float64Array;
  readonly fills: readonly OrderFilled[];
  /** Data points processed. */
  readonly steps: number;
  /** Set when a strategy threw; the run stopped at that point. */
  readonly fault?: StrategyFaulted;
}

export function runBacktest(o: BacktestOptions): BacktestResult {
  const clock = new SimClock(0);
  const fills: OrderFilled[] = [];
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
    onMessage: (m) => {
      if (m.type === 'OrderFilled') fills.push(m);
      log?.(m);
    },
    onFault: (f) => {
      fault ??= f;
    },
  });
  const venue = o.venue(clock);
  kernel.attachVenue(venue);
  for (const s of o.strategies) kernel.addStrategy(s);

  const feed = o.feed;
  const total = feed.size;
  const cap = Math.max(1, total);
  let equityTs: Float64Array<ArrayBuffer> = new Float64Array(cap);
  let equity: Float64Array<ArrayBuffer> = new Float64Array(cap);
  let exposure: Float64Array<ArrayBuffer> = new Float64Array(cap);
  let n = 0;
  const every = o.progressEvery ?? 65_536;
  let steps = 0;

  const first = feed.peekTime();
  if (first !== Infinity) clock.advanceTo(first);
  kernel.start();
  const portfolio = kernel.portfolio;

  let t = feed.peekTime();
  while (t !== Infinity && fault === undefined) {
    clock.advanceTo(t);
    if (kernel.nextTimerAt() <= t) {
      kernel.fireTimers(t);
      kernel.drain();
    }
    stepData(kernel, venue, feed.next());
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
    steps,
  };
  return fault === undefined ? base : { ...base, fault };
}

function grow(a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
