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
  return `${orderIdPrefix(strategy)}${seq}` as ClientOrderId;
}

/** What every client order id of a strategy starts with ("P-<tag>-"). */
export function orderIdPrefix(strategy: StrategyId): string {
  return `P-${strategy.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 20) || 'S'}-`;
}

const OWN_ID = /^P-(.+)-(\d+)$/;

/** The prefix and sequence number inside one of our client order ids; undefined for any other id. */
export function parseClientOrderId(id: string): { prefix: string; seq: number } | undefined {
  const m = OWN_ID.exec(id);
  return m === null ? undefined : { prefix: `P-${m[1] as string}-`, seq: Number(m[2]) };
}

/** Whether a venue's client order id is one Parity made (not an order placed by hand). */
export function isOwnOrderId(id: string | undefined): boolean {
  return id !== undefined && OWN_ID.test(id);
}

/** The id an order gets here when the venue reports it without a client order id (placed by hand). */
export function externalOrderId(venueId: string): ClientOrderId {
  return `ext-${venueId}` as ClientOrderId;
}
