/**
 * `parity backtest` (the real binary) honours the config's drawdown limit as a live session does:
 * sma-cross on the bundled Binance BTCUSDT spot 1m bars (data/binance-btcusdt-spot-1m-2024-12,
 * 2024-12-02 to 12-04), 0.09 BTC a trade, a 50 bps fee each way from the config (backtest.feeBps),
 * so fees take the equity 5% under its peak within hours. With risk.maxDrawdownPct 5 the hold is in
 * --json (guards) and in the summary, and no entry fills after it; the same config with a 50% limit
 * sets no hold and keeps entering. `parity sweep` builds its runs the same way (runBacktestSpec): its runs report the hold too.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parity } from '../kit/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'parity-btloss-'));
const ARGS = ['backtest', '--from', '2024-12-02', '--to', '2024-12-04', '--param', 'size=0.09'];

function config(name: string, risk: Record<string, unknown>): string {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify({ backtest: { feeBps: 50 }, risk }));
  return path;
}

interface Out {
  guards: { source: string; action: string; reason: string; ts: number }[];
  fills: { ts: number; side: 'buy' | 'sell'; qty: number; orderId: string }[];
}

/** Fills at or after `t` that open or add to the position (spot, long only: buys from flat). */
function entriesFrom(fills: Out['fills'], t: number): Out['fills'] {
  let pos = 0;
  const out: Out['fills'] = [];
  for (const f of fills) {
    const next = pos + (f.side === 'buy' ? f.qty : -f.qty);
    if (f.ts >= t && Math.abs(next) > Math.abs(pos) + 1e-12) out.push(f);
    pos = next;
  }
  return out;
}

describe('parity backtest with a drawdown limit in the config', () => {
  it('stops entries when the limit is crossed, and says so in --json and the summary', () => {
    const cfg = config('tight.json', { maxDrawdownPct: 5 });
    const r = parity([...ARGS, '--config', cfg, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.guards).toHaveLength(1);
    const g = out.guards[0] as Out['guards'][number];
    expect(g).toMatchObject({ source: 'loss-limit:drawdown', action: 'reduce-only' });
    expect(g.reason).toMatch(/^drawdown limit reached: equity [\d.]+ is 5\.\d\d% under its peak [\d.]+ \(limit 5%\); reduce-only$/);
    expect(g.ts).toBeGreaterThan(Date.UTC(2024, 11, 2));
    expect(g.ts).toBeLessThan(Date.UTC(2024, 11, 4));
    expect(out.fills.filter((f) => f.ts < g.ts).length).toBeGreaterThan(0);
    expect(entriesFrom(out.fills, g.ts)).toEqual([]);

    const text = parity([...ARGS, '--config', cfg, '--no-chart']);
    expect(text.code).toBe(0);
    const time = new Date(g.ts).toISOString().slice(0, 16).replace('T', ' ');
    expect(text.stdout).toContain(`guard loss-limit:drawdown: reduce-only at ${time}: ${g.reason}`);
  });

  it('sets no hold with a limit the run never reaches, and then goes on entering after that time', () => {
    const tight = JSON.parse(parity([...ARGS, '--config', config('tight2.json', { maxDrawdownPct: 5 }), '--json']).stdout) as Out;
    const breach = (tight.guards[0] as Out['guards'][number]).ts;
    const r = parity([...ARGS, '--config', config('loose.json', { maxDrawdownPct: 50 }), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.guards).toEqual([]);
    expect(entriesFrom(out.fills, breach).length).toBeGreaterThan(0);
    const text = parity([...ARGS, '--config', config('loose.json', { maxDrawdownPct: 50 }), '--no-chart']);
    expect(text.stdout).not.toContain('guard ');
  });

  it('takes the action from the config (flatten closes the position at the breach)', () => {
    const r = parity([...ARGS, '--config', config('flatten.json', { maxDrawdownPct: 5, drawdownAction: 'flatten' }), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    const g = out.guards[0] as Out['guards'][number];
    expect(g.action).toBe('flatten');
    expect(entriesFrom(out.fills, g.ts)).toEqual([]);
    const guard = out.fills.filter((f) => f.orderId.startsWith('P-guard-'));
    expect(guard).toHaveLength(1);
    expect(guard[0]?.ts).toBeGreaterThanOrEqual(g.ts);
    expect(out.fills.at(-1)).toBe(guard[0]); // flat from then on
  });

  it('parity sweep honours the same limit: each run reports its hold, and a run equals its backtest', () => {
    const cfg = config('sweep.json', { maxDrawdownPct: 5 });
    const bt = JSON.parse(parity([...ARGS, '--config', cfg, '--json']).stdout) as Out & { finalEquity: number };
    const r = parity(['sweep', '--from', '2024-12-02', '--to', '2024-12-04', '--param', 'size=0.05,0.09', '--config', cfg, '--json', '--workers', '1']);
    expect(r.code).toBe(0);
    const runs = (JSON.parse(r.stdout) as { runs: { swept: { size: number }; fills: number; finalEquity: number; guards: Out['guards'] }[] }).runs;
    expect(runs).toHaveLength(2);
    for (const run of runs) expect(run.guards.map((g) => [g.source, g.action])).toEqual([['loss-limit:drawdown', 'reduce-only']]);
    const same = runs.find((x) => x.swept.size === 0.09);
    expect(same?.guards).toEqual(bt.guards);
    expect(same?.fills).toBe(bt.fills.length);
    expect(same?.finalEquity).toBe(bt.finalEquity);
  });
});
