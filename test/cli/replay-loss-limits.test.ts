/**
 * `parity replay` applies the loss limits the session ran with: a paper session recorded by the real
 * binary against the local exchange (`churn`, orders every bar) with a config whose drawdown limit
 * (0.000001%, flatten) the first dip under the equity peak crosses. The recording's header carries the limits; replaying it
 * with execution held equal (--live-fills) sets the same hold at the same time, with the same action.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRecording } from '../../src/persistence/recording.ts';
import { parityAsync } from '../kit/cli.ts';
import { recordSession } from '../kit/recorded-session.ts';

interface Guard {
  readonly source: string;
  readonly action: string;
  readonly reason: string;
  readonly ts: number;
}

describe('parity replay with the session loss limits', () => {
  let dir: string;
  beforeAll(async () => {
    const cfg = join(mkdtempSync(join(tmpdir(), 'parity-rploss-')), 'config.json');
    writeFileSync(cfg, JSON.stringify({ risk: { maxDrawdownPct: 0.000001, drawdownAction: 'flatten' } }));
    dir = await recordSession('paper', 8, { args: ['--config', cfg] });
  }, 90_000);

  it('records the limits in the header and sets the session hold again when replayed', async () => {
    const sessions = readRecording(dir).sessions;
    const s = sessions.at(-1);
    expect(s?.header.account.lossLimits).toEqual({ maxDrawdownPct: 0.000001, drawdownAction: 'flatten' });
    const live = s?.messages.map((x) => x.m).filter((m) => m.type === 'HoldSet') ?? [];
    expect(live.length).toBeGreaterThan(0);
    const r = await parityAsync(['replay', dir, '--live-fills', '--json']);
    expect(r.code).toBe(0);
    const guards = (JSON.parse(r.stdout) as { guards: Guard[] }).guards;
    expect(guards.map((g) => [g.source, g.action, g.reason])).toEqual(live.map((m) => [m.source, m.action, m.reason]));
    expect(guards[0]?.source).toBe('loss-limit:drawdown');
  }, 60_000);
});
