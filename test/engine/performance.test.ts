import { describe, expect, it } from 'vitest';
import { regimeBreakdown, type OrderFilled } from '../../src/engine/index.ts';

describe('regimeBreakdown', () => {
  it('counts each fill in the period it lands in, also between bar timestamps (after latency)', () => {
    const n = 60;
    const interval = 60_000;
    const times = Array.from({ length: n }, (_, i) => 1_000_000 + i * interval);
    const close = times.map((_, i) => 100 + Math.sin(i / 3) * (1 + i / 10)); // volatility grows
    const equity = times.map(() => 10_000);
    const fillAt = (ts: number): OrderFilled => ({ type: 'OrderFilled', tsEvent: ts }) as unknown as OrderFilled;
    // One fill 37 ms into every bar from bar 10 on, one exactly on a bar timestamp.
    const fills = [...times.slice(10, n - 1).map((t) => fillAt(t + 37)), fillAt(times[30] as number)];
    const r = regimeBreakdown({ close, barTs: times.map((t) => t - interval), times, equity, exposure: equity.map(() => 0), startEquity: 10_000, intervalMs: interval, fills, window: 5 });
    expect(r.map((x) => x.regime)).toEqual(['low', 'mid', 'high']);
    expect(r.reduce((s, x) => s + x.fills, 0)).toBe(fills.length);
    expect(r[2]?.fills).toBeGreaterThan(r[0]?.fills ?? 0); // the late, volatile bars traded
  });
});
