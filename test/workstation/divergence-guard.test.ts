/**
 * The divergence guards' comparison: signals matched per data point as multisets, the match rate,
 * each threshold crossing exactly where it should (shares need enough decisions, the slippage p95
 * enough fills), and each guard firing once with its action.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientOrderId, symbol, type LoggedMessage } from '../../src/engine/index.ts';
import { crossedGuards, DivergenceGuard, matchRate, p95, SignalMatcher, type GuardInput } from '../../src/workstation/divergence-guard.ts';

const submit = (qty: number, strategyId = 'churn', side: 'buy' | 'sell' = 'buy'): LoggedMessage =>
  ({
    type: 'SubmitOrder',
    strategyId,
    clientOrderId: clientOrderId(`P-${qty}`),
    symbol: symbol('XRPUSDT'),
    side,
    orderType: 'market',
    qty,
    timeInForce: 'ioc',
    postOnly: false,
    reduceOnly: false,
    tsInit: 0,
  }) as LoggedMessage;

const input = (o: Partial<{ live: number; shadow: number; matched: number; liveP95: number; modelP95: number; fills: number; livePnl: number; shadowPnl: number; notional: number }>): GuardInput => ({
  signals: { live: o.live ?? 0, shadow: o.shadow ?? 0, matched: o.matched ?? 0 },
  slippage: { liveP95Bps: o.liveP95 ?? 0, modelP95Bps: o.modelP95 ?? 0, liveFills: o.fills ?? 0, modelFills: o.fills ?? 0 },
  pnl: { live: o.livePnl ?? 0, shadow: o.shadowPnl ?? 0, notional: o.notional ?? 0 },
});

describe('signal matching', () => {
  it('matches decisions on the same data point one for one; another point, another strategy or size does not match', () => {
    const s = new SignalMatcher('churn');
    s.live(submit(50));
    s.live(submit(50));
    s.shadow(submit(50));
    s.point(); // one of two matched
    s.live(submit(10));
    s.point(); // the shadow decides the same one point later: no match
    s.shadow(submit(10));
    s.live(submit(7, 'operator'));
    s.live(submit(20));
    s.shadow(submit(21));
    s.point();
    expect(s.total).toEqual({ live: 4, shadow: 3, matched: 1 });
    expect(matchRate(s.total)).toBeCloseTo(1 / 6, 12);
  });

  it('a decision sequence against itself matches fully; the rate is in [0, 1] for any', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }), { maxLength: 30 }),
        fc.array(fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }), { maxLength: 30 }),
        (a, b) => {
          const same = new SignalMatcher('churn');
          const other = new SignalMatcher('churn');
          for (let i = 0; i < Math.max(a.length, b.length); i++) {
            for (const q of a[i] ?? []) {
              same.live(submit(q));
              same.shadow(submit(q));
              other.live(submit(q));
            }
            for (const q of b[i] ?? []) other.shadow(submit(q));
            same.point();
            other.point();
          }
          expect(matchRate(same.total)).toBe(1);
          const r = matchRate(other.total);
          expect(r).toBeGreaterThanOrEqual(0);
          expect(r).toBeLessThanOrEqual(1);
          expect(other.total.matched).toBeLessThanOrEqual(Math.min(other.total.live, other.total.shadow));
        },
      ),
    );
  });
});

describe('guards', () => {
  it('a mismatch count or share, past its threshold only; a share waits for 10 decisions', () => {
    expect(crossedGuards(input({ live: 10, shadow: 10, matched: 8 }), { maxSignalMismatch: 4 })).toEqual([]);
    expect(crossedGuards(input({ live: 10, shadow: 10, matched: 7 }), { maxSignalMismatch: 4 }).map((b) => b.guard)).toEqual(['signals']); // 13 decisions, 6 unmatched
    expect(crossedGuards(input({ live: 4, shadow: 4, matched: 2 }), { maxSignalMismatch: 0.1 })).toEqual([]); // 6 decisions: too few for a share
    const b = crossedGuards(input({ live: 10, shadow: 10, matched: 9 }), { maxSignalMismatch: 0.05 });
    expect(b[0]?.message).toBe('signals diverge from the backtest: 9 of 11 decisions match (81.82%; 2 mismatched, 5.00% allowed)');
    expect(crossedGuards(input({ live: 10, shadow: 10, matched: 10 }), { maxSignalMismatch: 0 })).toEqual([]);
  });

  it('slippage p95 beyond the model, with 5 fills a side; the PnL band of bandBps of the notional', () => {
    expect(crossedGuards(input({ liveP95: 9, modelP95: 3, fills: 4 }), { maxSlippageP95Bps: 5 })).toEqual([]);
    expect(crossedGuards(input({ liveP95: 8, modelP95: 3, fills: 5 }), { maxSlippageP95Bps: 5 })).toEqual([]);
    expect(crossedGuards(input({ liveP95: 8.5, modelP95: 3, fills: 5 }), { maxSlippageP95Bps: 5 })[0]?.message).toBe("live slippage p95 8.50 bps is 5.50 bps beyond the model's 3.00 bps (5 allowed)");
    // 10 bps of 100 000 traded: a band of +-100.
    expect(crossedGuards(input({ livePnl: -90, shadowPnl: 0, notional: 100_000 }), { pnlOutsideBand: true })).toEqual([]);
    expect(crossedGuards(input({ livePnl: -101, shadowPnl: 0, notional: 100_000 }), { pnlOutsideBand: true })[0]?.guard).toBe('pnl');
    expect(crossedGuards(input({ livePnl: -101, shadowPnl: 0, notional: 100_000 }), { pnlOutsideBand: true, bandBps: 20 })).toEqual([]);
    expect(crossedGuards(input({ livePnl: -1e6, liveP95: 1e3, live: 99, shadow: 99 }), {})).toEqual([]);
  });

  it('each guard fires once, with the configured action', () => {
    const fired: string[] = [];
    const g = new DivergenceGuard({ maxSignalMismatch: 1, pnlOutsideBand: true, action: 'pause' }, (b, action) => fired.push(`${b.guard}/${action}`));
    expect(g.enabled).toBe(true);
    g.check(input({ live: 5, shadow: 5, matched: 5 }));
    expect(fired).toEqual([]);
    g.check(input({ live: 5, shadow: 5, matched: 3 }));
    g.check(input({ live: 6, shadow: 6, matched: 3, livePnl: 50, notional: 1000 }));
    expect(fired).toEqual(['signals/pause', 'pnl/pause']);
    expect(new DivergenceGuard({}, () => undefined).enabled).toBe(false);
    expect(p95([5, 1, 4, 2, 3])).toBe(5);
  });
});
