/**
 * The local exchange: a loopback Binance USD-M futures server (REST + WebSocket) that replays real
 * market data, matches orders with its own engine, and injects scripted faults. ccxt's unmodified
 * `binanceusdm` / `ccxt.pro.binanceusdm` run against it via `localBinanceUsdmUrls(port)`.
 * See README.md in this directory.
 */
export { startLocalExchange, type LocalExchange, type ExternalOrder } from './exchange.ts';
export { BUNDLED, DEFAULT_MARKETS, LocalExchangeOptionError, type LocalExchangeOptions, type LocalMarketSource } from './options.ts';
export { localBinanceUsdmUrls, localVenue, type LocalBinanceUsdmUrls } from './urls.ts';
export {
  parseFaultScript,
  FaultScriptError,
  type FaultScript,
  type FaultTrigger,
  type LatencySpec,
  type RestFaultAction,
  type RestFaultRule,
  type WsDropRule,
  type UserStreamFaultRule,
  type PartialFillRule,
  type RateLimitSettings,
  type MarketDataFaultRule,
  type MarketStreamKind,
} from './faults.ts';
export type { LocalExchangeEvent } from './events.ts';
export type { LocalExchangeState, LocalExchangeCounters, LocalOrderState, LocalTradeState, LocalPositionState, LocalIncomeState } from './state.ts';
export { BinanceError } from './errors.ts';
export { sign as signBinanceRequest } from './signing.ts';
