/**
 * Clocks. Nothing in the engine, the simulator or a strategy reads the wall clock: a Clock is
 * injected. The simulated clock refuses to go back in time; the live clock is the only place the
 * wall clock is read.
 */

import type { Clock } from '../ports/index.ts';

export class SimClock implements Clock {
  private t: number;
  constructor(start = 0) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  /** Moves time forward to `ts`; moving backwards is a broken invariant (out-of-order data). */
  advanceTo(ts: number): void {
    if (ts < this.t) throw new RangeError(`simulated clock cannot go back in time: ${ts} < ${this.t}`);
    this.t = ts;
  }
}

export class LiveClock implements Clock {
  now(): number {
    // The one read of the wall clock: a live runtime injects this clock (the rule holds everywhere else).
    // eslint-disable-next-line no-restricted-properties
    return Date.now();
  }
}

/**
 * A venue's clock estimated from the local one: local time plus a measured offset (venue - local).
 * Never goes back, even when a new measurement lowers the offset.
 */
export class OffsetClock implements Clock {
  private last = -Infinity;
  constructor(
    private readonly base: Clock,
    private offset = 0,
  ) {}
  get offsetMs(): number {
    return this.offset;
  }
  setOffset(ms: number): void {
    this.offset = ms;
  }
  now(): number {
    const t = this.base.now() + this.offset;
    if (t > this.last) this.last = t;
    return this.last;
  }
}
