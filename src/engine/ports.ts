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
import type { MarketData } from './market-data.ts';

export type VenueEventSink = (event: VenueEvent) => void;

export interface ExecutionPort {
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
