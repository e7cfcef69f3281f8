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
 *
 * Never goes back and never stands still. When a new measurement lowers the offset, the clock
 * does not step back (the journal's times would go backwards) nor freeze until local time catches
 * up (a frozen clock puts every order of the wait in the same instant, and the order-rate gate
 * refuses them all): it runs at `slewRate` of local speed until it meets the estimate, as NTP
 * slews a clock instead of stepping it. A higher offset is taken at once (time jumps forward).
 * The first measurement at start is taken as it is, either way (`startAt`).
 */
export class OffsetClock implements Clock {
  private last = -Infinity;
  private lastBase = NaN;
  constructor(
    private readonly base: Clock,
    private offset = 0,
    /** Share of local speed while catching down to a lowered estimate, in (0, 1]. */
    private readonly slewRate = 0.5,
  ) {
    if (!(slewRate > 0 && slewRate <= 1)) throw new RangeError(`slewRate must be in (0, 1]: ${slewRate}`);
  }
  get offsetMs(): number {
    return this.offset;
  }
  setOffset(ms: number): void {
    this.offset = ms;
  }
  /**
   * The first measurement, at start: taken as it is, back as well as forward. Before it the
   * clock read the local one standing in (the connect step's requests read it); nothing durable
   * was stamped with that guess, and slewing from it would leave the clock ahead of the venue's for
   * twice the gap: with a venue 5 minutes behind, 10 minutes in which bars look closed early (the
   * forming one taken into the warm-up, its real close then dropped as already had).
   */
  startAt(ms: number): void {
    this.offset = ms;
    this.last = -Infinity;
    this.lastBase = NaN;
  }
  now(): number {
    const b = this.base.now();
    const target = b + this.offset;
    const step = Number.isNaN(this.lastBase) ? 0 : Math.max(0, b - this.lastBase); // local time going back (a wall-clock step) moves nothing
    this.lastBase = b;
    this.last = Math.max(target, this.last + step * this.slewRate);
    return Math.floor(this.last);
  }
}
