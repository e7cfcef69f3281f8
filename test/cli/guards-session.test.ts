/**
 * The stale-feed guard on a live session against the local exchange (manual mode: a bar arrives
 * only when the test advances the market). While bars flow the status says "md up"; when they stop
 * for longer than guards.staleFeedSec the feed reads STALE, a reduce-only hold is journaled and
 * shown (status, ctl status, event log, an alert) and the engine is reducing (no new entries); the
 * next bar lifts it by itself (journaled too). The drift guards run on the same monitor, fed here
 * by the values the test controls, against a real kernel.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSession, type Session } from '../../src/cli/run/session.ts';
import { buildRunSpec } from '../../src/cli/run/spec.ts';
import { GuardMonitor } from '../../src/cli/run/guards.ts';
import { formatStatus } from '../../src/cli/ctl/status.ts';
import { nodeScheduler } from '../../src/cli/node-scheduler.ts';
import { startLocalExchange, type LocalExchange } from '../../src/local-exchange/index.ts';
import { readJournal } from '../../src/persistence/journal.ts';
import { wireAlerts } from '../../src/workstation/alert-rules.ts';
import type { Alert } from '../../src/workstation/alerts.ts';
import { fromNumber, Kernel, type LoggedMessage } from '../../src/engine/index.ts';
import { BTC, RecordingVenue } from '../kit/factories.ts';
import { ManualScheduler } from '../kit/manual-scheduler.ts';

const CHURN = fileURLToPath(new URL('../kit/strategies/churn.ts', import.meta.url));
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const BAR = 300_000;

let lx: LocalExchange;
let s: Session | undefined;

beforeEach(async () => {
  lx = await startLocalExchange({ mode: 'manual', startingBalance: 100_000, warmupBars: 50 });
});
afterEach(async () => {
  await s?.stop('test done');
  s = undefined;
  await lx.close();
});

async function bars(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    lx.advance(BAR);
    await settle(150);
  }
}

describe('stale-feed guard on a live session', () => {
  it('a feed that stops reads STALE and holds entries; the next bar lifts the hold by itself', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'parity-guard-'));
    const spec = buildRunSpec(
      { stateDir, mode: 'live', exchange: 'local', exchangeUrl: lx.url, symbol: ['XRPUSDT'], strategy: CHURN, timeframe: '5m', warmup: 5, feed: 'bars', leverage: 5 },
      // The local exchange's clock jumps a bar at each advance (manual mode): its clock guard is off by default.
      { guards: { staleFeedSec: 1 } },
    );
    s = await startSession(spec, { log: () => undefined }, { scheduler: nodeScheduler, env: {} });
    const alerts: Alert[] = [];
    wireAlerts(s.tap, { enabled: true, send: (a) => void alerts.push(a), flush: () => Promise.resolve() });
    s.endStartup();
    await settle(100);
    await bars(2);
    expect(s.workstation.snapshot().status.marketData).toBe('up');
    expect(s.kernel.tradingState).toBe('active');
    // No bar for longer than 1 s: STALE, and a reduce-only hold.
    await settle(2300);
    const snap = s.workstation.snapshot();
    expect(snap.status.marketData).toBe('stale');
    expect(snap.status.state).toBe('REDUCE-ONLY');
    expect(s.kernel.tradingState).toBe('reducing'); // no new entries
    expect(snap.status.stateReason).toMatch(/XRPUSDT feed STALE: no market data for \d+ s \(limit 1 s\)/);
    expect(snap.status.guards?.map((g) => `${g.source} ${g.action}`)).toEqual(['feed:stale:XRPUSDT reduce-only']);
    expect(snap.events.some((e) => e.level === 'warn' && /guard feed:stale:XRPUSDT: reduce-only/.test(e.text))).toBe(true);
    const text = formatStatus(snap, { stateDir }).join('\n');
    expect(text).toContain('market data STALE');
    expect(text).toMatch(/guards \(1\):\n {2}feed:stale:XRPUSDT: reduce-only since .* UTC: XRPUSDT feed STALE/);
    expect(text).toContain('lift by themselves when data flows again');
    expect(alerts).toMatchObject([{ kind: 'guard', severity: 'warn', message: expect.stringMatching(/^guard feed:stale:XRPUSDT: reduce-only/) }]);
    // Data again: the hold is lifted before the bar reaches the strategy, which trades on it.
    const before = s.kernel.orders.list().length;
    await bars(1);
    expect(s.kernel.holds.list()).toEqual([]);
    expect(s.workstation.snapshot().status).toMatchObject({ marketData: 'up', state: 'RUNNING', guards: [] });
    expect(s.kernel.orders.list().length).toBeGreaterThan(before);
    expect(alerts.map((a) => a.severity)).toEqual(['warn', 'info']);
    await s.stop('test done');
    s = undefined;
    const journaled = readJournal<{ k: string; m?: LoggedMessage }>(stateDir)
      .lines.map((l) => l.entry.m)
      .filter((m) => m?.type === 'HoldSet' || m?.type === 'HoldLifted')
      .map((m) => `${m?.type} ${m !== undefined && 'source' in m ? m.source : ''}`);
    expect(journaled).toEqual(['HoldSet feed:stale:XRPUSDT', 'HoldLifted feed:stale:XRPUSDT']);
  }, 30_000);
});

describe('drift guards', () => {
  it('latency p99 or clock offset past the threshold sets driftAction; back within bounds lifts it', async () => {
    const sched = new ManualScheduler();
    const log: LoggedMessage[] = [];
    const kernel = new Kernel({ clock: sched, instruments: [BTC], currency: 'USDT', startingCash: fromNumber(10_000), accountType: 'margin', onMessage: (m) => log.push(m) });
    kernel.attachVenue(new RecordingVenue());
    let p99 = NaN;
    let offset = 0;
    const g = new GuardMonitor({
      kernel,
      symbols: [BTC.symbol],
      settings: { staleFeedMs: 3_600_000, latencyP99Ms: 500, clockOffsetMs: 1000, driftAction: 'pause' },
      clock: sched,
      scheduler: sched,
      latencyP99: () => p99,
      clockOffsetMs: () => offset,
      wake: () => kernel.drain(),
    });
    g.start();
    await sched.advance(5000);
    expect(log).toEqual([]); // no samples yet, clock in bounds
    p99 = 900;
    offset = -1500;
    await sched.advance(1000);
    expect(kernel.tradingState).toBe('reducing');
    expect(log.map((m) => (m.type === 'HoldSet' ? `${m.source} ${m.action}: ${m.reason}` : m.type))).toEqual([
      'drift:latency pause: venue latency p99 900 ms > 500 ms: pause',
      'drift:clock pause: venue clock off by -1500 ms (limit 1000 ms): pause',
    ]);
    p99 = 100;
    await sched.advance(1000);
    expect(kernel.holds.list().map((h) => h.source)).toEqual(['drift:clock']);
    offset = 20;
    await sched.advance(1000);
    expect(kernel.tradingState).toBe('active');
    expect(log.filter((m) => m.type === 'HoldLifted').map((m) => (m.type === 'HoldLifted' ? m.reason : ''))).toEqual(['latency back within bounds', 'clock back within bounds']);
    g.stop();
  });
});
