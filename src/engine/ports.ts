/**
 * Ports: what the engine needs from the outside world. Adapters in src/paper (the simulated venue)
 * and src/exchanges (ccxt) implement them and import only the engine's public model.
 *
 * An execution port takes one command object per method and never returns the outcome: the venue
 * reports it later, as events, through the sink it was given. That keeps the engine identical
 * whether the venue answers synchronously (simulation) or over the network (live).
 */
import type { CancelAllOrders, CancelOrder, ModifyOrder, SubmitOrder } from './commands.ts';
import type { VenueEvent } from './events.ts';
import type { Symbol } from './ids.ts';
import type { Bar, MarketData } from './market-data.ts';

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
