/**
 * The divergence guards in a live session through the real binary against the local exchange:
 * the live fills' PnL leaves a narrow band around the shadow backtest's; the guard logs it once (the alert rules send it) and, configured to, pauses
 * trading through the operator's desk, audited as any pause. Without the config nothing fires.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditTrail } from '../kit/drill.ts';
import { recordSession } from '../kit/recorded-session.ts';

describe('divergence guards in a live session', () => {
  it('a PnL outside the band: one divergence-guard record, and a pause through the desk', async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'parity-guard-')), 'parity.config.json');
    writeFileSync(config, JSON.stringify({ divergence: { pnlOutsideBand: true, bandBps: 0.01, maxSignalMismatch: 1000, action: 'pause' } }));
    let logs: readonly Record<string, unknown>[] = [];
    // One bar: its live fills come before the shadow's (the simulator fills on the next data point), so the PnLs part at once.
    const paused = (l: readonly Record<string, unknown>[]): boolean => l.some((r) => r['type'] === 'TradingStateChanged' && r['state'] === 'reducing');
    await recordSession('live', 1, { args: ['--param', 'size=100000', '--config', config], logs: (l) => (logs = l), before: { what: 'the pause', stop: paused } });
    const fired = logs.filter((r) => r['kind'] === 'divergence-guard');
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ guard: 'pnl', action: 'pause' });
    expect(fired[0]?.['msg']).toMatch(/^divergence guard: live PnL -?\d+\.\d\d is outside the backtest's band .* \(0\.01 bps of \d+\.\d\d traded\); trading paused$/);
    expect(auditTrail(logs).filter((a) => a.startsWith('pause/divergence-guard/'))).toHaveLength(1);
    expect(logs.some((r) => r['type'] === 'TradingStateChanged' && r['state'] === 'reducing')).toBe(true);
  }, 120_000);

  it('without a divergence config nothing fires', async () => {
    let logs: readonly Record<string, unknown>[] = [];
    await recordSession('live', 2, { args: ['--param', 'size=100000'], logs: (l) => (logs = l) });
    expect(logs.filter((r) => r['kind'] === 'divergence-guard')).toEqual([]);
    expect(auditTrail(logs).filter((a) => a.includes('divergence-guard'))).toEqual([]);
  }, 120_000);
});
