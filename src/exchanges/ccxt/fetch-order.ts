/**
 * Asks the venue for one of our orders by its client order id: the one way the adapter looks up
 * an order it sent (after an unknown outcome, after a failed cancel/modify, for reconciliation).
 */
import type { Order } from 'ccxt';
import type { ClientOrderId } from '../../engine/index.ts';
import type { VenueMarket } from './markets.ts';
import type { Requester } from './requester.ts';

/**
 * `retry`: with backoff on retryable failures (default), or a single request when the caller
 * runs its own retries. Throws the mapped error; isOrderNotFound(err) when the venue does not know it.
 */
export function fetchByClientId(r: Requester, market: VenueMarket, id: ClientOrderId, retry = true): Promise<Order> {
  const fetch = (c: Requester['client']): Promise<Order> => c.fetchOrder('', market.ccxtSymbol, { origClientOrderId: id });
  return retry ? r.retrying('fetchOrder', fetch) : r.call('fetchOrder', fetch);
}
