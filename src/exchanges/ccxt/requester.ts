/**
 * Every request to the venue goes through here: the shared FIFO rate limiter (weighted like the
 * venue weighs it), the venue's own used-weight header fed back into the budget, ccxt errors mapped
 * to the engine's tree, and 429/418 pausing everything.
 */
import { LatencyWindow, RetryableError, type Clock, type ParityError, type Scheduler } from '../../engine/index.ts';
import type { RateLimiter } from '../rate-limiter.ts';
import type { CcxtClient } from './client.ts';
import { header, mapCcxtError } from './errors.ts';

/** Request weights, Binance USD-M's (what ccxt charges per endpoint); other venues use them as a guide. */
export const WEIGHTS = {
  createOrder: 1,
  cancelOrder: 1,
  editOrder: 1,
  cancelAllOrders: 1,
  fetchOrder: 1,
  fetchOpenOrders: 1,
  fetchOpenOrdersAll: 40,
  fetchMyTrades: 5,
  fetchPositions: 5,
  fetchBalance: 5,
  fetchFundingHistory: 30,
  fetchOHLCV: 5,
  fetchFundingRateHistory: 1,
  fetchTime: 1,
  loadMarkets: 1,
  fetchLeverageTiers: 1,
  fetchTicker: 1,
  fetchFundingRate: 1,
  fetchTrades: 5,
  fetchTradingFee: 20,
} as const;

export type RequestKind = keyof typeof WEIGHTS;

export class Requester {
  /** Round trips of the last 100 requests (from leaving the rate limiter to the answer), ms: the drift guard reads its p99. */
  readonly latency = new LatencyWindow(100);

  constructor(
    readonly client: CcxtClient,
    readonly limiter: RateLimiter,
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
  ) {}

  /** One request through the budget. Throws a mapped ParityError. */
  async call<T>(kind: RequestKind, fn: (c: CcxtClient) => Promise<T>): Promise<T> {
    try {
      const out = await this.limiter.schedule(WEIGHTS[kind], () => this.timed(fn));
      this.observeHeaders();
      this.limiter.onSuccess();
      return out;
    } catch (err) {
      const e = mapCcxtError(err, this.client.last_response_headers);
      this.observeHeaders();
      if (e instanceof RetryableError && e.rateLimited) this.limiter.onRateLimited(e.retryAfterMs, e.venueCode === '418' || /418|banned/i.test(e.message));
      throw e;
    }
  }

  /** Retries retryable failures with exponential backoff and jitter, up to `attempts`. */
  async retrying<T>(kind: RequestKind, fn: (c: CcxtClient) => Promise<T>, attempts = 5): Promise<T> {
    let last: ParityError | undefined;
    for (let i = 0; i < attempts; i++) {
      try {
        return await this.call(kind, fn);
      } catch (err) {
        if (!(err instanceof RetryableError)) throw err;
        last = err;
        if (i < attempts - 1) await this.sleep(backoffMs(i, err.retryAfterMs));
      }
    }
    throw last as ParityError;
  }

  /** Runs one request, timing its round trip (failures too: a venue that times out is slow). */
  private async timed<T>(fn: (c: CcxtClient) => Promise<T>): Promise<T> {
    const t0 = this.clock.now();
    try {
      return await fn(this.client);
    } finally {
      this.latency.add(this.clock.now() - t0);
    }
  }

  /** Venue request latency p99 over the last 100 requests, ms; NaN before 10 samples. */
  latencyP99(): number {
    return this.latency.count < 10 ? NaN : this.latency.summary(0).p99;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => void this.scheduler.schedule(resolve, ms));
  }

  now(): number {
    return this.clock.now();
  }

  private observeHeaders(): void {
    const v = header(this.client.last_response_headers, 'x-mbx-used-weight-1m');
    const used = v === undefined ? NaN : Number(v);
    if (Number.isFinite(used)) this.limiter.observeVenueUsed(used);
  }
}

/** 250 ms, 500 ms, 1 s, ... capped at 8 s, at least what the venue asked for. */
export function backoffMs(attempt: number, retryAfterMs?: number): number {
  return Math.max(retryAfterMs ?? 0, Math.min(8000, 250 * 2 ** attempt));
}
