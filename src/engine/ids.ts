/**
 * Branded identifiers. A branded string cannot be passed where another kind of id is expected,
 * which catches "venue order id used as client order id" at compile time.
 */

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Our id for an order; deterministic, unique per strategy and sequence number. */
export type ClientOrderId = Brand<string, 'ClientOrderId'>;
/** The venue's id for an order. */
export type VenueOrderId = Brand<string, 'VenueOrderId'>;
/** The venue's id for one execution (trade). */
export type TradeId = Brand<string, 'TradeId'>;
/** A strategy instance id. */
export type StrategyId = Brand<string, 'StrategyId'>;
/** A market symbol as the venue names it, e.g. "BTCUSDT". */
export type Symbol = Brand<string, 'Symbol'>;

export const clientOrderId = (s: string): ClientOrderId => s as ClientOrderId;
export const venueOrderId = (s: string): VenueOrderId => s as VenueOrderId;
export const tradeId = (s: string): TradeId => s as TradeId;
export const strategyId = (s: string): StrategyId => s as StrategyId;
export const symbol = (s: string): Symbol => s as Symbol;

/**
 * Deterministic client order id: the same strategy and sequence number always give the same id,
 * so an order re-sent after a crash carries the id the venue already knows and cannot be doubled.
 * Fits Binance's `newClientOrderId` rule `^[.A-Z:/a-z0-9_-]{1,36}$`.
 */
export function makeClientOrderId(strategy: StrategyId, seq: number): ClientOrderId {
  const tag = strategy.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 20) || 'S';
  return `P-${tag}-${seq}` as ClientOrderId;
}
