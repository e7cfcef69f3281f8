/**
 * The local exchange venue's shapes: its markets' state, its configuration, where it reports, and
 * what the order commands (execution.ts) need of it, kept apart from the Venue class so the two
 * modules do not import each other.
 */
import type { Account } from './account.ts';
import type { Fixed } from './decimal.ts';
import type { LocalExchangeEvent } from './events.ts';
import type { Feed } from './feed.ts';
import type { MarketStreamKind } from './faults.ts';
import type { FundingSchedule } from './funding.ts';
import type { Spike } from './market-faults.ts';
import type { MarketSpec } from './markets.ts';
import type { OrderStore } from './orders.ts';
import type { PositionView } from './shapes.ts';

export type UserEventKind = 'fill' | 'order' | 'account';

export interface VenueSink {
  /** Does any connection listen to this topic (canonical stream name)? */
  wants(topic: string): boolean;
  /** A market message: an object, or an array for `!…@arr` topics. */
  market(topic: string, msg: object): void;
  user(msg: Record<string, unknown>, kind: UserEventKind): void;
  log(e: LocalExchangeEvent): void;
  /** Whether the next print / closing kline goes out spiked (a market-data fault: wire only). */
  spike(symbol: string, streams: readonly MarketStreamKind[], price: Fixed, tick: Fixed, what: string): Spike | undefined;
}

export interface PublicTrade {
  readonly id: number;
  readonly ts: number;
  readonly price: Fixed;
  readonly qty: Fixed;
  readonly buyerMaker: boolean;
}

/** Stream names of one market, built once: publishing asks for them on every feed event. */
export interface MarketTopics {
  readonly depth: string;
  readonly depthN: readonly (readonly [levels: number, topic: string])[];
  readonly bookTicker: string;
  readonly trade: string;
  readonly aggTrade: string;
  readonly miniTicker: string;
  readonly ticker: string;
  readonly markPrice: string;
  /** The kline streams the market's base interval can serve. */
  readonly klines: readonly { readonly name: string; readonly topic: string; readonly ms: number }[];
}

export interface MarketState {
  readonly spec: MarketSpec;
  readonly topics: MarketTopics;
  readonly feed: Feed;
  readonly funding: FundingSchedule;
  /** Public size our takers used since the book last changed, per side and price. */
  consumed: { bids: Map<Fixed, Fixed>; asks: Map<Fixed, Fixed> };
  leverage: number;
  lastTickerSecond: number;
  readonly recent: PublicTrade[];
  ended: boolean;
}

export interface VenueConfig {
  readonly markets: readonly { spec: MarketSpec; feed: Feed; funding: FundingSchedule }[];
  readonly startingBalance: Fixed;
  readonly leverage: number;
  readonly fees: { readonly maker: Fixed; readonly taker: Fixed };
  readonly start: number;
  /** How many TRADE events one fill becomes (the forced-partial-fill fault); 1 = no split. */
  readonly splitFill: (symbol: string) => number;
  /** The factor a funding payment due is booked at (the wrong-charge fault); 1 = as due. */
  readonly fundingFactor: (symbol: string) => number;
}

/** What the order commands need of the venue. */
export interface ExecutionVenue {
  readonly now: number;
  readonly markets: ReadonlyMap<string, MarketState>;
  readonly cfg: VenueConfig;
  readonly sink: VenueSink;
  readonly orders: OrderStore;
  readonly account: Account;
  nextTradeId(): number;
  positionView(ms: MarketState): PositionView;
  publishMark(ms: MarketState, ts: number): void;
}
