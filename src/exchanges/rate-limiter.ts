/**
 * The request budget: every request to a venue goes through one FIFO queue, weighted like the
 * venue weighs it, within a safety margin of the venue's limit over a rolling window.
 *
 * - FIFO: a request waits for every request queued before it (no reordering, no starvation).
 * - A request starts when the weight used in the last `windowMs`, plus its own, fits within
 *   `limit x safety`.
 * - When the venue says we went too far (429, or 418 = banned) everything pauses: for Retry-After
 *   if given, else an exponential backoff, with jitter, and the pause grows on repeats.
 * - The venue's own count (e.g. Binance's X-MBX-USED-WEIGHT-1M) can correct ours.
 * - `budget()` says what is left, for the status bar.
 */
import type { Clock, Rng, Scheduler } from '../engine/index.ts';

export interface RateLimiterOptions {
  /** Weight allowed per window by the venue (Binance USD-M: 2400 per minute). */
  readonly limit: number;
  readonly windowMs: number;
  /** Share of the limit we allow ourselves (default 0.8). */
  readonly safety?: number;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly rng: Rng;
}

export interface Budget {
  readonly limit: number;
  /** Weight spent in the current window (ours, or the venue's count if higher). */
  readonly used: number;
  /** Weight we may still spend in the window (after the safety margin). */
  readonly remaining: number;
  readonly queued: number;
  /** Epoch ms until which every request is held after a 429/418; 0 when not paused. */
  readonly pausedUntil: number;
  readonly rateLimitedCount: number;
}

interface Job {
  readonly weight: number;
  readonly run: () => void;
}

export class RateLimiter {
  private readonly queue: Job[] = [];
  private readonly spent: { t: number; w: number }[] = [];
  private venueUsed = 0;
  private venueUsedAt = -Infinity;
  private pausedUntil = 0;
  private strikes = 0;
  private rateLimited = 0;
  private armed = false;
  private readonly cap: number;

  constructor(private readonly o: RateLimiterOptions) {
    this.cap = o.limit * (o.safety ?? 0.8);
  }

  /** Runs `fn` when the budget allows, in FIFO order. */
  schedule<T>(weight: number, fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ weight, run: () => void fn().then(resolve, reject) });
      this.pump();
    });
  }

  /** The venue rejected us for rate: hold everything for retryAfterMs, or back off exponentially. */
  onRateLimited(retryAfterMs?: number, banned = false): void {
    this.rateLimited++;
    this.strikes++;
    const base = retryAfterMs ?? Math.min(60_000, 500 * 2 ** (this.strikes - 1)) * (banned ? 4 : 1);
    const jitter = base * 0.2 * this.o.rng.next();
    this.pausedUntil = Math.max(this.pausedUntil, this.o.clock.now() + base + jitter);
    this.arm(this.pausedUntil - this.o.clock.now());
  }

  /** A request went through: the strike count decays. */
  onSuccess(): void {
    if (this.strikes > 0) this.strikes--;
  }

  /** The venue's own count of weight used in the current window. */
  observeVenueUsed(used: number): void {
    this.venueUsed = used;
    this.venueUsedAt = this.o.clock.now();
  }

  budget(): Budget {
    const used = this.used(this.o.clock.now());
    return {
      limit: this.o.limit,
      used,
      remaining: Math.max(0, Math.floor(this.cap - used)),
      queued: this.queue.length,
      pausedUntil: this.pausedUntil > this.o.clock.now() ? this.pausedUntil : 0,
      rateLimitedCount: this.rateLimited,
    };
  }

  private used(now: number): number {
    while (this.spent.length > 0 && (this.spent[0] as { t: number }).t <= now - this.o.windowMs) this.spent.shift();
    let ours = 0;
    for (const s of this.spent) ours += s.w;
    const venue = now - this.venueUsedAt < this.o.windowMs ? this.venueUsed : 0;
    return Math.max(ours, venue);
  }

  private pump(): void {
    const now = this.o.clock.now();
    if (now < this.pausedUntil) return this.arm(this.pausedUntil - now);
    while (this.queue.length > 0) {
      const job = this.queue[0] as Job;
      const used = this.used(now);
      if (used > 0 && used + job.weight > this.cap) {
        // Wait until the oldest spend leaves the window.
        const oldest = this.spent[0];
        return this.arm(oldest === undefined ? 1000 : oldest.t + this.o.windowMs - now + 1);
      }
      this.queue.shift();
      this.spent.push({ t: now, w: job.weight });
      job.run();
    }
  }

  private arm(ms: number): void {
    if (this.armed) return;
    this.armed = true;
    this.o.scheduler.schedule(
      () => {
        this.armed = false;
        this.pump();
      },
      Math.max(1, ms),
    );
  }
}
