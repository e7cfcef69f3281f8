/**
 * `parity replay` through the real binary, over sessions recorded by the real binary against the
 * local exchange: deterministic output, the backtest's --json shape, and with execution held equal
 * (--live-fills) the live decisions reproduced one for one (and a perturbed one caught).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeLine, decodeLine } from '../../src/persistence/journal.ts';
import { parityAsync } from '../kit/cli.ts';
import { recordSession } from '../kit/recorded-session.ts';

interface ReplayJson {
  readonly fills: unknown[];
  readonly replay: { execution: string; decisions: { live: number; replay: number; matched: number; mismatches: unknown[] }; session: { mode: string; dataPoints: number } };
}

const replay = async (dir: string, ...flags: string[]) => {
  const r = await parityAsync(['replay', dir, ...flags]);
  if (r.code !== 0) throw new Error(`parity replay exited ${r.code}: ${r.stderr}`);
  return r;
};

/** A copy of `dir` with the first recorded SubmitOrder's qty changed (its line re-sealed with a valid checksum). */
function perturbed(dir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'parity-perturbed-'));
  cpSync(dir, copy, { recursive: true });
  const recDir = join(copy, 'recording');
  for (const f of readdirSync(recDir).sort()) {
    const lines = readFileSync(join(recDir, f), 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"type":"SubmitOrder"') && l.includes('"strategyId":"churn"'));
    if (at === -1) continue;
    const d = decodeLine<{ m: { qty: number } }>(lines[at] as string);
    if (!d.ok) throw new Error('a recorded line does not decode');
    d.line.entry.m.qty += 1;
    lines[at] = encodeLine(d.line.seq, d.line.entry).trimEnd();
    writeFileSync(join(recDir, f), lines.join('\n'));
    return copy;
  }
  throw new Error('no recorded decision to perturb');
}

describe.each(['paper', 'live'] as const)('parity replay over a %s session', (mode) => {
  let dir: string;
  beforeAll(async () => {
    dir = await recordSession(mode, 4);
  }, 90_000);

  it('gives byte-identical output twice, text and --json, in the shape of parity backtest --json', async () => {
    const a = await replay(dir, '--json');
    const b = await replay(dir, '--json');
    expect(a.stdout).toBe(b.stdout);
    expect((await replay(dir)).stdout).toBe((await replay(dir)).stdout);
    const j = JSON.parse(a.stdout) as ReplayJson & Record<string, unknown>;
    const bt = await parityAsync(['backtest', '--json', '--from', '2024-12-01', '--to', '2024-12-02']);
    expect(bt.code).toBe(0);
    const keys = Object.keys(JSON.parse(bt.stdout) as object);
    expect(Object.keys(j).filter((k) => k !== 'replay')).toEqual(keys);
    expect(j.replay.execution).toBe('simulated');
    expect(j.replay.session).toMatchObject({ mode, dataPoints: 4 });
    expect(j.fills.length).toBeGreaterThan(0);
  }, 60_000);

  it('with --live-fills, reproduces every live decision one for one; a perturbed decision is caught', async () => {
    const j = JSON.parse((await replay(dir, '--live-fills', '--json')).stdout) as ReplayJson;
    const d = j.replay.decisions;
    expect(d.live).toBeGreaterThanOrEqual(8); // churn: a market order and a limit order every bar, and cancels
    expect(d).toMatchObject({ replay: d.live, matched: d.live, mismatches: [] });
    const p = JSON.parse((await replay(perturbed(dir), '--live-fills', '--json')).stdout) as ReplayJson;
    expect(p.replay.decisions.matched).toBe(d.live - 1);
    expect(p.replay.decisions.mismatches).toHaveLength(1);
  }, 60_000);
});
