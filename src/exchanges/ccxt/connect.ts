/**
 * Connects to an exchange through ccxt and wires the adapter's parts: one rate-limited requester,
 * the markets as instruments, the execution adapter with its user stream, the reports, the market
 * data feed and the clock sync. Startup problems are HaltErrors that say what to fix.
 */
import { HaltError, RetryableError, type Clock, type Instrument, type OffsetClock, type Rng, type Scheduler } from '../../engine/index.ts';
import { RateLimiter, type Budget } from '../rate-limiter.ts';
import { createClient, type CcxtClient, type LocalVenue } from './client.ts';
import type { Credentials } from './credentials.ts';
import { CcxtMarketData } from './market-data.ts';
import { indexMarkets, resolveMarket, withLeverageTiers, type MarketIndex, type VenueMarket } from './markets.ts';
import { CcxtReports } from './reports.ts';
import { Requester } from './requester.ts';
import { TimeSync } from './time-sync.ts';
import { UserStream } from './user-stream.ts';
import { CcxtVenue } from './venue.ts';

export interface ConnectOptions {
  readonly exchange: string;
  /** For "local": where the local exchange is and ccxt's URL map for it. */
  readonly local?: LocalVenue;
  readonly credentials?: Credentials;
  /** Venue ids ("BTCUSDT") or unified symbols. */
  readonly symbols: readonly string[];
  /** Local wall clock. */
  readonly clock: Clock;
  /** Follows the venue's clock once measured. */
  readonly venueClock?: OffsetClock;
  readonly scheduler: Scheduler;
  readonly rng: Rng;
  readonly onHalt: (e: HaltError) => void;
  readonly onRequestOut?: (kind: 'submit' | 'cancel' | 'modify', id: string) => void;
  /** Named moments for the crash drills (see CcxtVenueOptions.crashpoint). */
  readonly crashpoint?: (name: 'after-submit-sent') => void;
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
}

export interface VenueStatus {
  readonly exchange: string;
  readonly userStream: boolean;
  readonly offsetMs: number;
  readonly rttMs: number | undefined;
  readonly budget: Budget;
  readonly lastError: string | undefined;
}

export interface CcxtConnection {
  readonly client: CcxtClient;
  readonly requester: Requester;
  readonly markets: ReadonlyMap<string, VenueMarket>;
  /** The same markets, looked up by engine or ccxt symbol: the one index every part of the adapter uses. */
  readonly marketIndex: MarketIndex;
  readonly instruments: readonly Instrument[];
  /** Settlement currency (USDT for USD-M). */
  readonly settle: string;
  readonly venue: CcxtVenue;
  readonly reports: CcxtReports;
  readonly marketData: CcxtMarketData;
  readonly userStream: UserStream;
  readonly timeSync: TimeSync;
  status(): VenueStatus;
  close(): Promise<void>;
}

/** Weight per minute: Binance USD-M publishes 2400; elsewhere, ccxt's per-request pacing. */
function weightLimit(c: CcxtClient): number {
  return c.id.startsWith('binance') ? 2400 : Math.max(60, Math.floor(60_000 / Math.max(1, c.rateLimit)));
}

export async function connect(o: ConnectOptions): Promise<CcxtConnection> {
  const client = await createClient({
    exchange: o.exchange,
    ...(o.local === undefined ? {} : { local: o.local }),
    ...(o.credentials === undefined ? {} : { apiKey: o.credentials.apiKey, secret: o.credentials.secret }),
    ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
  });
  const limiter = new RateLimiter({ limit: weightLimit(client), windowMs: 60_000, safety: 0.8, clock: o.clock, scheduler: o.scheduler, rng: o.rng });
  const requester = new Requester(client, limiter, o.scheduler, o.venueClock ?? o.clock);
  try {
    // ccxt keeps the promise of a failed loadMarkets and hands it back: a retry must reload.
    let first = true;
    await requester.retrying(
      'loadMarkets',
      (c) => {
        const reload = !first;
        first = false;
        return c.loadMarkets(reload);
      },
      3,
    );
  } catch (err) {
    const why = err instanceof RetryableError ? `cannot reach ${o.exchange}${o.local === undefined ? '' : ` at ${o.local.url}`}: ${err.message}` : (err as Error).message;
    await client.close().catch(() => undefined);
    throw new HaltError(`${why}. Nothing was traded.`);
  }
  const index = indexMarkets(
    await leverageTiers(
      o,
      client,
      requester,
      o.symbols.map((s) => resolveMarket(client, s)),
    ),
  );
  const markets = index.bySymbol;
  const first = [...markets.values()][0];
  const settle = first === undefined ? 'USDT' : (client.markets[first.ccxtSymbol]?.settle ?? client.markets[first.ccxtSymbol]?.quote ?? 'USDT');
  const venue = new CcxtVenue({
    requester,
    markets: index,
    onHalt: o.onHalt,
    ...(o.onRequestOut === undefined ? {} : { onRequestOut: o.onRequestOut }),
    ...(o.crashpoint === undefined ? {} : { crashpoint: o.crashpoint }),
  });
  const userStream = new UserStream(requester, venue, o.onHalt);
  const reports = new CcxtReports(requester, index, venue.records, settle);
  const marketData = new CcxtMarketData(requester, index, o.onHalt);
  const timeSync = new TimeSync(requester, o.clock, o.venueClock);
  return {
    client,
    requester,
    markets,
    marketIndex: index,
    instruments: [...markets.values()].map((m) => m.instrument),
    settle,
    venue,
    reports,
    marketData,
    userStream,
    timeSync,
    status: () => ({
      exchange: o.exchange,
      userStream: userStream.connected,
      offsetMs: timeSync.offsetMs,
      rttMs: timeSync.rttMs,
      budget: limiter.budget(),
      lastError: userStream.lastError,
    }),
    async close() {
      userStream.stop();
      await marketData.close();
      await client.close().catch(() => undefined);
    },
  };
}

/**
 * The perpetuals' leverage brackets, for the risk gate's leverage rule (and the simulator's
 * maintenance margin on paper): read where the venue has `fetchLeverageTiers` and a key was given
 * (Binance serves them to a signed request only). A venue that cannot answer stops the start:
 * trading on without them would let a position past the venue's leverage limits.
 */
async function leverageTiers(o: ConnectOptions, client: CcxtClient, requester: Requester, markets: VenueMarket[]): Promise<VenueMarket[]> {
  if (o.credentials === undefined || client.has['fetchLeverageTiers'] !== true) return markets;
  try {
    return await withLeverageTiers(markets, (symbols) => requester.retrying('fetchLeverageTiers', (c) => c.fetchLeverageTiers(symbols), 3));
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new HaltError(
      `cannot read the leverage brackets of ${markets.map((m) => m.symbol).join(', ')} from ${o.exchange}: ${(err as Error).message}. Nothing was traded; the risk gate needs them to keep positions within the venue's leverage limits. Check the key's permissions and the connection, then start again.`,
    );
  }
}
