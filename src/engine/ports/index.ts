/**
 * Ports: everything the engine needs from the outside world, in one place. Adapters in src/paper
 * (the simulated venue) and src/exchanges (ccxt) implement them and import only the engine's
 * public model; the shell injects a Clock and a Scheduler (the engine never reads the wall clock
 * or touches the event loop itself).
 *
 * An execution port takes one command object per method and never returns the outcome: the venue
 * reports it later, as events, through the sink it was given. That keeps the engine identical
 * whether the venue answers synchronously (simulation) or over the network (live).
 */
import type { CancelAllOrders, CancelOrder, ModifyOrder, SubmitOrder } from '../model/commands.ts';
import type { VenueEvent } from '../model/events.ts';
import type { Symbol } from '../model/ids.ts';
import type { Bar, MarketData } from '../model/market-data.ts';
import type { ClientOrderId } from '../model/ids.ts';
import type { BalanceReport, FillReport, FundingReport, OrderStatusReport, PositionReport } from '../model/reports.ts';

/** Time as the engine sees it: a simulated clock in a backtest, the venue's estimated clock live. */
export interface Clock {
  /** Current time, integer epoch ms UTC. */
  now(): number;
}

/** The event loop as the engine sees it (injected; tests drive a manual one). */
export interface Scheduler {
  /** Runs `fn` once after `ms` milliseconds; the returned function cancels it. */
  schedule(fn: () => void, ms: number): () => void;
  /** Runs fn soon, after the current callback (setImmediate). */
  defer(fn: () => void): void;
}

/** What a venue reports for reconciliation. Every method asks the venue (or the simulator) now. */
export interface VenueReports {
  openOrders(symbol?: Symbol): Promise<OrderStatusReport[]>;
  order(symbol: Symbol, id: ClientOrderId): Promise<OrderStatusReport | undefined>;
  fills(symbol: Symbol, since: number): Promise<FillReport[]>;
  positions(): Promise<PositionReport[]>;
  balances(): Promise<BalanceReport[]>;
  funding(symbol: Symbol, since: number): Promise<FundingReport[]>;
}

export type VenueEventSink = (event: VenueEvent) => void;

export interface ExecutionPort {
  /** Where the venue reports what happens to orders and the account (the engine's queue). */
  connect(sink: VenueEventSink): void;
  submit(cmd: SubmitOrder): void;
  cancel(cmd: CancelOrder): void;
  modify(cmd: ModifyOrder): void;
  cancelAll(cmd: CancelAllOrders): void;
}

/**
 * A venue that matches orders against the market data it is shown: the simulated venue, used by
 * both backtest and paper runtimes. `onMarketData` runs before strategies see the same data.
 */
export interface MatchingVenue extends ExecutionPort {
  onMarketData(data: MarketData): void;
}

/** What to stream for a set of symbols. */
export interface MarketDataRequest {
  readonly symbols: readonly Symbol[];
  /** Closed candles of this length, ms. */
  readonly barInterval?: number;
  readonly trades?: boolean;
  readonly quotes?: boolean;
  /** Funding settlements (perpetuals), as FundingRateUpdate at each settlement time. */
  readonly funding?: boolean;
  /**
   * Per symbol, the open time of the first bar the caller has not had (the one after its warm-up's
   * last): bars that closed before the stream's first candle are delivered first, and none before
   * this time is delivered again.
   */
  readonly barsFrom?: Readonly<Record<string, number>>;
}

/**
 * A live (or replayed) market data source. `subscribe` starts streaming into the sink until
 * `close`; `history` returns closed candles for warm-up, oldest first.
 */
export interface MarketDataPort {
  subscribe(req: MarketDataRequest, sink: (d: MarketData) => void): Promise<void>;
  history(symbol: Symbol, interval: number, limit: number): Promise<Bar[]>;
  close(): Promise<void>;
}
