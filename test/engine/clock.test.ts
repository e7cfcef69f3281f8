/**
 * The venue clock estimate (OffsetClock): never back, never frozen while local time moves, and it
 * meets the estimate again after a lowered offset.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OffsetClock, type Clock } from '../../src/engine/index.ts';

class Manual implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
}

describe('OffsetClock', () => {
  it('follows local time plus the offset, and jumps forward at once when the offset rises', () => {
    const local = new Manual(1_000_000);
    const c = new OffsetClock(local, 500);
    expect(c.now()).toBe(1_000_500);
    local.t += 100;
    expect(c.now()).toBe(1_000_600);
    c.setOffset(60_000);
    expect(c.now()).toBe(1_060_100);
  });

  it('a lowered offset (the venue 82 s behind the first reading): runs at half speed, not frozen, and meets the estimate', () => {
    const local = new Manual(1_000_000);
    const c = new OffsetClock(local); // read before the first measurement: offset 0
    const first = c.now();
    c.setOffset(-82_000);
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      local.t += 100; // ten orders 100 ms apart
      times.push(c.now());
    }
    expect(times[0]).toBe(first + 50);
    // A second of local time is half a second here: the ten orders are not in one instant.
    expect((times.at(-1) as number) - first).toBe(500);
    expect(new Set(times).size).toBe(10);
    local.t += 164_000 - 1_000; // by then the estimate is met...
    expect(c.now()).toBe(local.t - 82_000);
    local.t += 10;
    expect(c.now()).toBe(local.t - 82_000); // ...and followed exactly again
  });

  it('the first measurement at start is taken as it is, back too; later ones slew again', () => {
    const local = new Manual(1_000_000);
    const c = new OffsetClock(local); // read before the first measurement: the local clock stands in
    expect(c.now()).toBe(1_000_000);
    c.startAt(-300_973); // a venue five minutes behind
    expect(c.now()).toBe(1_000_000 - 300_973);
    local.t += 100;
    expect(c.now()).toBe(1_000_100 - 300_973);
    const before = c.now();
    c.setOffset(-301_973); // a later, lower measurement: never back
    local.t += 100;
    expect(c.now()).toBe(before + 50);
  });

  it('local time stepping back moves nothing, and the clock never goes back', () => {
    const local = new Manual(5_000);
    const c = new OffsetClock(local);
    expect(c.now()).toBe(5_000);
    local.t = 1_000;
    expect(c.now()).toBe(5_000);
    local.t = 1_200;
    expect(c.now()).toBe(5_100);
  });

  it('property: over any local path and offset changes, the clock is monotonic, moves at least at the slew rate, and never runs ahead of the larger of its estimate and where it was', () => {
    const op = fc.oneof(fc.record({ dt: fc.integer({ min: -2_000, max: 5_000 }) }), fc.record({ offset: fc.integer({ min: -600_000, max: 600_000 }) }));
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 200 }), fc.constantFrom(0.25, 0.5, 1), (ops, rate) => {
        const local = new Manual(1_700_000_000_000);
        const c = new OffsetClock(local, 0, rate);
        let prev = c.now();
        let offset = 0;
        for (const o of ops) {
          if ('offset' in o) {
            offset = o.offset;
            c.setOffset(offset);
          } else local.t += o.dt;
          const t = c.now();
          if (t < prev) return false;
          if ('dt' in o && o.dt > 0 && t < prev + Math.floor(o.dt * rate) - 1) return false;
          if (t > Math.max(prev + Math.max(0, 'dt' in o ? o.dt : 0), local.t + offset)) return false;
          prev = t;
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a slew rate outside (0, 1]', () => {
    expect(() => new OffsetClock(new Manual(0), 0, 0)).toThrow(/slewRate/);
    expect(() => new OffsetClock(new Manual(0), 0, 1.5)).toThrow(/slewRate/);
  });
});
