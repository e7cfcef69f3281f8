/**
 * Maps every ccxt error to the engine's error tree (retry / reject one order / halt), so that no
 * ccxt type leaves src/exchanges. Rate-limit errors carry the venue's Retry-After when it sent one.
 */
import ccxt from 'ccxt';
import { HaltError, OrderRejectedError, ParityError, RetryableError } from '../../engine/index.ts';

const E = ccxt as unknown as Record<string, new (...a: unknown[]) => Error>;
const is = (err: unknown, name: string): boolean => {
  const C = E[name];
  return C !== undefined && err instanceof C;
};

/**
 * The venue's numeric error code: inside a ccxt message, e.g. -2019 from
 * `binanceusdm {"code":-2019,...}`, or kept by mapCcxtError on the mapped error (whose message is
 * only the venue's text).
 */
export function venueCode(err: unknown): number | undefined {
  const m = /"code"\s*:\s*(-?\d+)/.exec(err instanceof Error ? err.message : String(err));
  if (m !== null) return Number(m[1]);
  return err instanceof ParityError && err.venueCode !== undefined && /^-?\d+$/.test(err.venueCode) ? Number(err.venueCode) : undefined;
}

/** Was this ccxt error class (by name) behind the error, before or after mapCcxtError? */
const was = (err: unknown, name: string): boolean => is(err, name) || (err instanceof ParityError && err.venueCode === name);

/** A response header by name, whatever its case (undefined when absent). */
export function header(headers: Readonly<Record<string, string>> | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** The venue's message inside a ccxt error, e.g. "Margin is insufficient." */
export function venueMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const m = /"msg"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text);
  return m !== null && m[1] !== undefined ? m[1] : text;
}

function retryAfterMs(headers: Readonly<Record<string, string>> | undefined): number | undefined {
  const v = header(headers, 'retry-after');
  const s = v === undefined ? NaN : Number(v);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : undefined;
}

/** Classifies a ccxt (or network) error. `headers` are the last response headers, for Retry-After. */
export function mapCcxtError(err: unknown, headers?: Readonly<Record<string, string>>): ParityError {
  if (err instanceof RetryableError || err instanceof OrderRejectedError || err instanceof HaltError) return err;
  const code = venueCode(err);
  const tag = code !== undefined ? String(code) : err instanceof Error ? err.constructor.name : 'unknown';
  const msg = venueMessage(err);
  if (is(err, 'DDoSProtection') || is(err, 'RateLimitExceeded')) {
    return new RetryableError(`rate limited by the venue: ${msg}`, tag, retryAfterMs(headers), true);
  }
  if (is(err, 'InvalidNonce')) return new RetryableError(`request timestamp rejected (clock offset?): ${msg}`, tag);
  if (is(err, 'AuthenticationError') || is(err, 'PermissionDenied') || is(err, 'AccountSuspended')) {
    return new HaltError(`the venue refused the API key: ${msg}. Check PARITY_API_KEY/PARITY_API_SECRET or the key file.`, tag);
  }
  if (is(err, 'BadSymbol')) return new HaltError(`symbol not listed on the venue: ${msg}`, tag);
  if (is(err, 'NotSupported') || is(err, 'ArgumentsRequired')) return new HaltError(`the venue does not support this: ${msg}`, tag);
  if (is(err, 'NetworkError')) return new RetryableError(`venue unreachable or slow: ${msg}`, tag); // timeouts, 5xx, maintenance
  if (is(err, 'InsufficientFunds') || is(err, 'InvalidOrder') || is(err, 'OrderNotFound') || is(err, 'BadRequest') || is(err, 'ExchangeError')) {
    return new OrderRejectedError(msg, tag);
  }
  if (err instanceof Error && /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|socket hang up|fetch failed/i.test(err.message)) {
    return new RetryableError(`venue unreachable: ${err.message}`, tag);
  }
  return new RetryableError(`unexpected error from the venue: ${err instanceof Error ? err.message : String(err)}`, tag);
}

/**
 * Is this a "the order does not exist / is no longer open" answer (Binance -2011/-2013, or the
 * venue's text where it sends no code)? Works on ccxt's error and on the mapped one alike.
 */
export function isOrderNotFound(err: unknown): boolean {
  const code = venueCode(err);
  if (was(err, 'OrderNotFound') || code === -2011 || code === -2013) return true;
  return err instanceof Error && /does not exist|Unknown order/i.test(err.message);
}

/** Binance -4116: an order with this client id already exists (our earlier attempt got through). */
export function isDuplicateClientId(err: unknown): boolean {
  return venueCode(err) === -4116 || was(err, 'DuplicateOrderId');
}
