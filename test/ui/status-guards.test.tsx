/**
 * The status bar shows every guard hold in force, against the fake workstation: a loss limit
 * (REDUCE-ONLY, by engine, its reason), a STALE feed ("md STALE" and its hold), and a drift hold
 * that leaves the state RUNNING (reduce-size) but still shows; a lifted hold goes away.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeWorkstation } from '../kit/fake-workstation.ts';
import { mount, type Mounted } from './render-app.tsx';

let m: Mounted | undefined;
afterEach(() => {
  m?.unmount();
  m = undefined;
});

const since = Date.UTC(2024, 11, 12, 13, 40);

describe('status bar guards', () => {
  it('shows a loss-limit hold with the state it imposes, a stale feed, and a drift hold that keeps RUNNING', async () => {
    const ws = new FakeWorkstation();
    const reason = 'drawdown limit reached: equity 9,400.00 is 6.00% under its peak 10,000.00 (limit 5%); flatten';
    ws.setStatus({
      state: 'REDUCE-ONLY',
      stateReason: reason,
      stateSetByEngine: true,
      marketData: 'stale',
      guards: [
        { source: 'loss-limit:drawdown', action: 'flatten', reason, since },
        { source: 'feed:stale:BTCUSDT', action: 'reduce-only', reason: 'BTCUSDT feed STALE: no market data for 190 s (limit 180 s)', since },
      ],
    });
    m = await mount({ ws, noColor: true }, { columns: 220, rows: 30 });
    const [l1, l2] = m.frame().split('\n');
    expect(l1).toContain('REDUCE-ONLY  by engine  GUARD loss-limit:drawdown flatten, feed:stale:BTCUSDT reduce-only  drawdown limit reached');
    expect(l2).toContain('md STALE');
    // Narrow: the guard outlasts the reason.
    await m.resize(80, 24);
    expect(m.frame().split('\n')[0]).toMatch(/REDUCE-ONLY {2}by engine {2}GUARD loss-limit:drawdown/);
    // A drift hold that only halves sizes: RUNNING, and the guard still shows; lifted, it goes.
    ws.setStatus({
      state: 'RUNNING',
      stateReason: '',
      stateSetByEngine: false,
      marketData: 'up',
      guards: [{ source: 'drift:latency', action: 'reduce-size', reason: 'venue latency p99 2400 ms > 2000 ms', since }],
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(m.lines()[0]).toContain('RUNNING  GUARD drift:latency reduce-size');
    ws.setStatus({ guards: [] });
    await new Promise((r) => setTimeout(r, 300));
    expect(m.lines()[0]).not.toContain('GUARD');
  });
});
