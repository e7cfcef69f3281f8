/**
 * Guard holds: a loss-limit hold never lifts by itself, whatever the equity does afterwards (only
 * the operator's lift takes it away); the state traded at is the strictest of the operator's and
 * the holds'; reduce-size halves entries and reduce-rate lets one entry a minute through.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineStrategy, fromNumber, Holds, Kernel, makeBar, SimClock, type LoggedMessage, type StrategyContext } from '../../src/engine/index.ts';
import { BTC, RecordingVenue } from '../kit/factories.ts';

function holds(maxDrawdownPct: number, dailyLossLimit: number) {
  const log: LoggedMessage[] = [];
  let t = 0;
  const h = new Holds({ limits: { maxDrawdownPct, drawdownAction: 'reduce-only', dailyLossLimit, dailyLossAction: 'halt' }, now: () => t++, emit: (m) => log.push(m) });
  return { h, log };
}

describe('loss-limit holds', () => {
  it('never lift by themselves under any sequence of equity moves, and the peak is the highest equity seen', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ equity: fc.double({ min: 1, max: 1e6, noNaN: true }), day: fc.double({ min: -5000, max: 5000, noNaN: true }) }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        (moves, pct) => {
          const { h, log } = holds(pct, 1000);
          let peak = -Infinity;
          let breached = false;
          let daily = false;
          for (const m of moves) {
            h.checkLoss(m.equity, m.day, 0);
            peak = Math.max(peak, m.equity);
            breached ||= ((peak - m.equity) / peak) * 100 >= pct;
            daily ||= m.day <= -1000;
            expect(h.get('loss-limit:drawdown') !== undefined).toBe(breached);
            expect(h.get('loss-limit:daily') !== undefined).toBe(daily);
            expect(h.peak).toBe(peak);
          }
          expect(log.filter((x) => x.type === 'HoldLifted')).toEqual([]);
          expect(log.filter((x) => x.type === 'HoldSet').length).toBe(Number(breached) + Number(daily));
          if (daily) expect(h.state()).toBe('halted');
        },
      ),
    );
  });

  it("the operator's lift takes them away and the drawdown counts from the equity then", () => {
    const { h, log } = holds(10, Infinity);
    h.checkLoss(1000, 0, 0);
    h.checkLoss(880, 0, 0);
    expect(h.state()).toBe('reducing');
    expect(h.liftLossLimits('operator resume (confirmed): checked', 880, 0)).toEqual(['loss-limit:drawdown']);
    expect(h.state()).toBe('active');
    expect(h.peak).toBe(880);
    h.checkLoss(850, 0, 0); // 3.4% under the new peak: no hold
    expect(h.get('loss-limit:drawdown')).toBeUndefined();
    expect(log.map((m) => m.type)).toEqual(['EquityPeak', 'HoldSet', 'HoldLifted', 'EquityPeak']);
  });
});

function kernel() {
  const clock = new SimClock(60_000);
  const log: LoggedMessage[] = [];
  const k = new Kernel({ clock, instruments: [BTC], currency: 'USDT', startingCash: fromNumber(100_000), accountType: 'margin', leverage: 5, onMessage: (m) => log.push(m) });
  k.attachVenue(new RecordingVenue());
  let ctx: StrategyContext | undefined;
  k.addStrategy({ definition: defineStrategy({ name: 's', params: {}, create: (c) => ((ctx = c), {}) }), params: {}, symbols: [BTC.symbol] });
  k.start();
  k.onData(makeBar(BTC.symbol, 60_000, 0, 100_000, 100_000, 100_000, 100_000, 1));
  k.drain();
  return { k, log, clock, ctx: () => ctx as StrategyContext };
}

describe('the state traded at', () => {
  it('is the strictest of the operator state and the holds, with the reason of what imposes it', () => {
    const { k } = kernel();
    k.setHold('feed:stale:BTCUSDT', 'reduce-only', 'no BTCUSDT data for 180 s');
    expect([k.tradingState, k.tradingStateReason]).toEqual(['reducing', 'no BTCUSDT data for 180 s']);
    k.setTradingState('halted', 'operator halt: x');
    expect([k.tradingState, k.tradingStateReason]).toEqual(['halted', 'operator halt: x']);
    k.setTradingState('active', 'operator resume: y');
    k.liftHold('feed:stale:BTCUSDT', 'data flows again');
    expect(k.tradingState).toBe('active');
    // The operator's own state is what a snapshot keeps as tradingState; the holds go beside it.
    k.setHold('drift:clock', 'pause', 'clock off by 2000 ms');
    const saved = k.books.capture();
    expect([saved.tradingState, saved.holds?.map((h) => h.source)]).toEqual(['active', ['drift:clock']]);
  });

  it('reduce-size halves an entry; reduce-rate lets one entry a minute through', () => {
    const { k, log, clock, ctx } = kernel();
    k.setHold('drift:latency', 'reduce-size', 'venue p99 900 ms');
    ctx().submit({ symbol: BTC.symbol, side: 'buy', qty: 0.01 });
    k.drain();
    expect(log.filter((m) => m.type === 'SubmitOrder').map((m) => (m.type === 'SubmitOrder' ? m.qty : 0))).toEqual([0.005]);
    k.setHold('drift:latency', 'reduce-rate', 'venue p99 900 ms');
    for (let i = 0; i < 3; i++) ctx().submit({ symbol: BTC.symbol, side: 'buy', qty: 0.01 });
    k.drain();
    expect(log.filter((m) => m.type === 'OrderDenied').map((m) => (m.type === 'OrderDenied' ? m.reason : ''))).toEqual([expect.stringMatching(/reduce-rate/), expect.stringMatching(/reduce-rate/)]);
    clock.advanceTo(clock.now() + 60_000);
    ctx().submit({ symbol: BTC.symbol, side: 'buy', qty: 0.01 });
    k.drain();
    expect(log.filter((m) => m.type === 'OrderDenied')).toHaveLength(2);
  });
});
