import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/engine/index.ts';
import { RateLimiter } from '../../src/exchanges/rate-limiter.ts';
import { ManualScheduler } from '../kit/manual-scheduler.ts';

function limiter(limit = 100, safety = 0.8) {
  const s = new ManualScheduler();
  const rl = new RateLimiter({ limit, windowMs: 60_000, safety, clock: s, scheduler: s, rng: createRng(1) });
  const started: string[] = [];
  const job = (name: string, weight: number): Promise<string> =>
    rl.schedule(weight, async () => {
      started.push(`${name}@${s.now()}`);
      return name;
    });
  return { s, rl, started, job };
}

describe('rate limiter', () => {
  it('runs requests in FIFO order within the safety margin of the window', async () => {
    const { s, rl, started, job } = limiter(100, 0.8); // 80 per minute for us
    void job('a', 50);
    void job('b', 20);
    void job('c', 20); // 90 > 80: waits for 'a' and 'b' to leave the window
    void job('d', 1); // FIFO: waits behind 'c' even though it would fit
    await s.flush();
    expect(started).toEqual(['a@0', 'b@0']);
    expect(rl.budget()).toMatchObject({ used: 70, remaining: 10, queued: 2 });
    await s.advance(60_001);
    expect(started).toEqual(['a@0', 'b@0', 'c@60001', 'd@60001']);
  });

  it('pauses everything on 429 for Retry-After plus jitter, and backs off harder on repeats', async () => {
    const { s, rl, started, job } = limiter(1000);
    rl.onRateLimited(2000);
    void job('x', 1);
    await s.advance(1999);
    expect(started).toEqual([]);
    expect(rl.budget().pausedUntil).toBeGreaterThan(1999);
    await s.advance(500);
    expect(started).toEqual(['x@' + started[0]?.split('@')[1]]);
    const at = Number(started[0]?.split('@')[1]);
    expect(at).toBeGreaterThanOrEqual(2000);
    expect(at).toBeLessThanOrEqual(2400); // at most 20% jitter
    // no Retry-After: exponential backoff, 418 (banned) four times longer
    rl.onRateLimited(undefined, true);
    const paused = rl.budget().pausedUntil - s.now();
    expect(paused).toBeGreaterThanOrEqual(4000);
    expect(rl.budget().rateLimitedCount).toBe(2);
  });

  it('trusts the venue count when it is higher than ours', async () => {
    const { s, rl, started, job } = limiter(100);
    rl.observeVenueUsed(79);
    void job('big', 5);
    await s.flush();
    expect(started).toEqual([]);
    expect(rl.budget().remaining).toBe(1);
    await s.advance(60_001);
    expect(started).toHaveLength(1);
  });
});
