import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeedLagMonitor, LatencyWindow, OrderLatencyMonitor, type LoggedMessage } from '../../src/engine/index.ts';

const ev = (type: string, id: string, tsInit: number): LoggedMessage => ({ type, clientOrderId: id, symbol: 'X', tsEvent: tsInit, tsInit }) as unknown as LoggedMessage;

describe('LatencyWindow', () => {
  it('percentiles are those of the newest `capacity` samples, in nearest-rank order', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 64 }), (xs, cap) => {
        const w = new LatencyWindow(cap);
        for (const x of xs) w.add(x);
        const kept = xs.slice(-cap);
        const sorted = [...kept].sort((a, b) => a - b);
        const s = w.summary(10);
        expect(s.count).toBe(xs.length);
        expect(s.p50).toBe(sorted[Math.floor(0.5 * sorted.length)]);
        expect(s.p99).toBe(sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))]);
        expect(s.recent).toEqual(kept.slice(-10));
      }),
    );
  });

  it('is empty-safe and ignores non-finite samples', () => {
    const w = new LatencyWindow(4);
    expect(Number.isNaN(w.summary().p50)).toBe(true);
    w.add(Number.NaN);
    w.add(Infinity);
    expect(w.count).toBe(0);
  });
});

describe('OrderLatencyMonitor', () => {
  it('times submit->ack, ack->first fill and cancel->ack per order', () => {
    const m = new OrderLatencyMonitor();
    for (const e of [
      ev('OrderSubmitted', 'a', 100),
      ev('OrderSubmitted', 'b', 105),
      ev('OrderAccepted', 'a', 130),
      ev('OrderAccepted', 'b', 110),
      ev('OrderFilled', 'a', 180),
      ev('OrderFilled', 'a', 400),
      ev('OrderPendingCancel', 'b', 500),
      ev('OrderCanceled', 'b', 520),
    ])
      m.onMessage(e);
    expect(m.submitToAck.summary().recent).toEqual([30, 5]);
    expect(m.ackToFill.summary().recent).toEqual([50]); // the second fill is not a new leg
    expect(m.cancelToAck.summary().recent).toEqual([20]);
  });

  it('forgets orders that end without the closing message (rejected, denied)', () => {
    const m = new OrderLatencyMonitor();
    m.onMessage(ev('OrderSubmitted', 'a', 0));
    m.onMessage(ev('OrderRejected', 'a', 5));
    m.onMessage(ev('OrderAccepted', 'a', 10));
    expect(m.submitToAck.count).toBe(0);
  });

  it('keeps memory flat when legs never end: cancels overtaken by the last fill, the oldest dropped first', () => {
    const m = new OrderLatencyMonitor();
    for (let i = 0; i < 30_000; i++) {
      m.onMessage(ev('OrderPendingCancel', `o${i}`, i));
      m.onMessage(ev('OrderFilled', `o${i}`, i + 1)); // filled before the cancel landed; no cancel reply follows
    }
    m.onMessage(ev('OrderCanceled', 'o0', 40_000)); // long gone: no sample
    m.onMessage(ev('OrderCanceled', 'o29999', 30_009)); // still tracked
    expect(m.cancelToAck.summary().recent).toEqual([10]);
    expect((m as unknown as { canceling: Map<string, number> }).canceling.size).toBeLessThanOrEqual(10_000);
  });
});

describe('FeedLagMonitor', () => {
  it('measures a bar from its close, ticks from their event time, and skips funding', () => {
    const f = new FeedLagMonitor();
    f.onData({ type: 'bar', symbol: 'X' as never, interval: 60_000, tsEvent: 0, tsInit: 60_000, open: 1, high: 1, low: 1, close: 1, volume: 1 }, 60_250);
    f.onData({ type: 'trade', symbol: 'X' as never, tsEvent: 1000, tsInit: 1003, price: 1, qty: 1, aggressor: 'buy', tradeId: 't' }, 1012);
    f.onData({ type: 'funding', symbol: 'X' as never, tsEvent: 9e12, tsInit: 1, rate: 0.0001 }, 2000);
    expect(f.lag.summary().recent).toEqual([250, 12]);
    expect(f.lastAt).toBe(2000);
  });
});
