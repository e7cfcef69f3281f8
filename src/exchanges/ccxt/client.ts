/**
 * Builds the ccxt client for an exchange id, and narrows it to the calls Parity makes. Everything
 * ccxt-specific stays in src/exchanges: the engine sees ports, reports and the error tree.
 *
 * The client is always a ccxt.pro class (REST and WebSocket in one object). Parity's own rate
 * limiter paces requests, so ccxt's is switched off. For `local` (the bundled local exchange),
 * ccxt's binanceusdm is pointed at loopback with every URL overridden.
 */
import ccxt, { type LeverageTiers, type Balances, type Exchange, type FundingHistory, type MarketInterface, type OHLCV, type Order, type Position, type Ticker, type Trade } from 'ccxt';
import { HaltError } from '../../engine/index.ts';

/** The subset of a ccxt exchange Parity uses. */
export interface CcxtClient {
  readonly id: string;
  readonly has: Readonly<Record<string, boolean | 'emulated' | undefined>>;
  readonly markets: Readonly<Record<string, MarketInterface | undefined>>;
  readonly precisionMode: number;
  /** The bar intervals the venue names, by ccxt name ("1m": "1m", ...); a venue may serve fewer per market. */
  readonly timeframes: Readonly<Record<string, unknown>> | undefined;
  readonly rateLimit: number;
  readonly last_response_headers: Readonly<Record<string, string>> | undefined;
  loadMarkets(reload?: boolean): Promise<Record<string, MarketInterface | undefined>>;
  fetchTime(): Promise<number | undefined>;
  createOrder(symbol: string, type: string, side: string, amount: number, price?: number, params?: Record<string, unknown>): Promise<Order>;
  cancelOrder(id: string, symbol: string, params?: Record<string, unknown>): Promise<Order>;
  editOrder(id: string, symbol: string, type: string, side: string, amount?: number, price?: number, params?: Record<string, unknown>): Promise<Order>;
  cancelAllOrders(symbol: string): Promise<unknown>;
  fetchOrder(id: string, symbol: string, params?: Record<string, unknown>): Promise<Order>;
  fetchOpenOrders(symbol?: string): Promise<Order[]>;
  fetchMyTrades(symbol: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<Trade[]>;
  fetchPositions(symbols?: string[]): Promise<Position[]>;
  fetchBalance(): Promise<Balances>;
  fetchFundingHistory(symbol: string, since?: number, limit?: number): Promise<FundingHistory[]>;
  fetchOHLCV(symbol: string, timeframe: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<OHLCV[]>;
  fetchFundingRateHistory(symbol: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<{ timestamp?: number; fundingRate?: number; info: unknown }[]>;
  fetchTicker(symbol: string): Promise<Ticker>;
  fetchLeverageTiers(symbols?: string[], params?: Record<string, unknown>): Promise<LeverageTiers>;
  /** The account's own maker/taker rates for a market (its tier), where the venue tells them. */
  fetchTradingFee(symbol: string): Promise<{ maker?: number; taker?: number; info: unknown }>;
  fetchFundingRate(symbol: string): Promise<{ fundingRate?: number; fundingTimestamp?: number; markPrice?: number; timestamp?: number; info: unknown }>;
  fetchTrades(symbol: string, since?: number, limit?: number): Promise<Trade[]>;
  watchOrders(symbol?: string): Promise<Order[]>;
  watchMyTrades(symbol?: string): Promise<Trade[]>;
  watchOHLCV(symbol: string, timeframe: string): Promise<OHLCV[]>;
  watchTrades(symbol: string): Promise<Trade[]>;
  watchBidsAsks(symbols: string[]): Promise<Record<string, Ticker>>;
  watchMarkPrice(symbol: string): Promise<Ticker>;
  loadHttpProxyAgent(): Promise<unknown>;
  close(): Promise<unknown>;
}

export interface ClientOptions {
  /** A ccxt exchange id ("binanceusdm", "bybit", ...) or "local". */
  readonly exchange: string;
  readonly apiKey?: string;
  readonly secret?: string;
  /** For "local": where the local exchange is (its base URL, for messages) and ccxt's URL map for it (injected by the caller). */
  readonly local?: LocalVenue;
  readonly timeoutMs?: number;
}

type Ctor = new (config: Record<string, unknown>) => Exchange;

/** A Binance USD-M stand-in on loopback: its base URL and the ccxt `urls` override that points every endpoint at it. */
export interface LocalVenue {
  readonly url: string;
  readonly urls: object;
}

export function knownExchanges(): readonly string[] {
  return ['local', ...ccxt.exchanges];
}

/** Creates the client. An unknown id is a HaltError that lists the known ones. */
export async function createClient(o: ClientOptions): Promise<CcxtClient> {
  const id = o.exchange === 'local' ? 'binanceusdm' : o.exchange;
  const pro = ccxt.pro as unknown as Record<string, Ctor | undefined>;
  const rest = ccxt as unknown as Record<string, Ctor | undefined>;
  const C = pro[id] ?? (ccxt.exchanges.includes(id) ? rest[id] : undefined);
  if (C === undefined) {
    throw new HaltError(`unknown exchange id "${o.exchange}". Use "local" for the bundled local exchange, or one of ccxt's ids (e.g. binanceusdm, bybit, okx; ${ccxt.exchanges.length} in all).`);
  }
  const config: Record<string, unknown> = {
    enableRateLimit: false,
    timeout: o.timeoutMs ?? 10_000,
    options: {
      fetchCurrencies: false,
      fetchOpenOrders: { warnWithoutSymbol: false },
      adjustForTimeDifference: false,
      // No snapshots behind the user stream. ccxt.pro fetches one on the first watchOrders /
      // watchMyTrades and parks a future for it on the stream's client that nothing awaits unless
      // watchPositions / watchBalance is called (Parity never calls them: positions and balances
      // come from reconciliation). A stream drop while that fetch was in flight, or after it failed,
      // rejected the future unhandled and ended the session (crash test, kill 61). The fetch also
      // went around Parity's rate limiter.
      watchPositions: { fetchPositionsSnapshot: false },
      watchBalance: { fetchBalanceSnapshot: false },
    },
  };
  if (o.apiKey !== undefined) config['apiKey'] = o.apiKey;
  if (o.secret !== undefined) config['secret'] = o.secret;
  if (o.exchange === 'local') {
    if (o.local === undefined) throw new HaltError('exchange "local" needs the local exchange URL (--exchange-url http://127.0.0.1:PORT)');
    config['urls'] = o.local.urls;
    // On loopback ccxt does not pick Binance's linear error table by hostname: give it explicitly.
    const probe = new (rest['binanceusdm'] as Ctor)({}) as unknown as { exceptions: { linear?: { exact?: unknown } } };
    config['exceptions'] = { exact: probe.exceptions.linear?.exact ?? {} };
  }
  const ex = new C(config) as unknown as CcxtClient;
  if (o.exchange === 'local') await ex.loadHttpProxyAgent();
  return ex;
}
