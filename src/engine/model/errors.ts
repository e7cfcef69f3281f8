/**
 * The engine's small error tree, classified by what the caller does next. Every error from a venue
 * library is mapped into one of these at the adapter boundary (no ccxt type escapes src/exchanges).
 *
 * - RetryableError: transient (network, timeout, 5xx, rate limit): retry with backoff, honouring
 *   `retryAfterMs` when the venue said how long to wait.
 * - OrderRejectedError: this one order cannot be placed as asked (insufficient funds, filters,
 *   unknown order): report it on the order, keep trading.
 * - HaltError: the configuration or the credentials are wrong: stop trading and say why.
 * Strategy exceptions are not here: the kernel pauses the strategy that threw (StrategyFaulted).
 */

export type ErrorAction = 'retry' | 'reject' | 'halt';

export abstract class ParityError extends Error {
  abstract readonly action: ErrorAction;
  constructor(
    message: string,
    /** The venue's own error code or class name, for logs. */
    readonly venueCode?: string,
  ) {
    super(message);
  }
}

export class RetryableError extends ParityError {
  override readonly name = 'RetryableError';
  readonly action = 'retry' as const;
  constructor(
    message: string,
    venueCode?: string,
    /** How long the venue asked us to wait (Retry-After), ms. */
    readonly retryAfterMs?: number,
    /** The venue is rate limiting us (429) or banning us (418). */
    readonly rateLimited = false,
  ) {
    super(message, venueCode);
  }
}

export class OrderRejectedError extends ParityError {
  override readonly name = 'OrderRejectedError';
  readonly action = 'reject' as const;
}

export class HaltError extends ParityError {
  override readonly name = 'HaltError';
  readonly action = 'halt' as const;
}
