import { describe, expect, it } from 'vitest';
import { maxDrawdown } from '../../../src/engine/index.ts';
import { equityStats } from '../../../src/ui/panes/EquityPane.tsx';

describe('equityStats', () => {
  it('change over the window and the largest fall from a running peak, as a negative fraction', () => {
    const st = equityStats([100, 120, 90, 130, 117]);
    expect(st).toEqual({ last: 117, change: 17, changePct: 0.17, maxDrawdown: -0.25 });
  });

  it('matches the backtest report (the engine drawdown from the first sample)', () => {
    const values = [10_000, 10_250, 9_800, 10_400, 10_100, 10_234.56];
    expect(equityStats(values)?.maxDrawdown).toBe(-maxDrawdown(values, 10_000).frac);
  });

  it('no fall reads 0 (never -0); no samples, no stats', () => {
    expect(Object.is(equityStats([100, 110, 120])?.maxDrawdown, 0)).toBe(true);
    expect(equityStats([])).toBeUndefined();
  });
});
