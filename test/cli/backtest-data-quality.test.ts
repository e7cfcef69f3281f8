import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parity } from '../kit/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'parity-dq-'));
const SOURCE = 'data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv';

/** Two real days of BTCUSDT 1m (rows 1440..4319), with row `spikeAt` of them (if given) printed 50% higher: high and close. */
function candleFile(name: string, spikeAt?: number): { path: string; spikeTs: number } {
  const lines = readFileSync(SOURCE, 'utf8').trimEnd().split('\n');
  const header = lines[0] as string;
  const rows = lines.slice(1 + 1440, 1 + 4320).map((l) => l.split(','));
  let spikeTs = NaN;
  if (spikeAt !== undefined) {
    const r = rows[spikeAt] as string[];
    const prevClose = Number((rows[spikeAt - 1] as string[])[4]);
    r[2] = (prevClose * 1.5).toFixed(2);
    r[4] = (prevClose * 1.5).toFixed(2);
    spikeTs = Number(r[0]);
  }
  const path = join(tmp, name);
  writeFileSync(path, [header, ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return { path, spikeTs };
}

interface Out {
  fills: { ts: number; side: string; price: number }[];
  dataQuality: Record<string, number>;
}

function backtest(path: string, extra: string[] = []): Out {
  const r = parity(['backtest', '--data', `BTCUSDT=${path}`, '--json', ...extra]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Out;
}

describe('parity backtest: the bad-data breaker (the real binary)', () => {
  const clean = candleFile('clean.csv');
  const spiked = candleFile('spiked.csv', 1000);

  it('a one-bar 50% spike is dropped: dataQuality.spike = 1, and the fills are the clean file`s (none at the spike)', () => {
    const a = backtest(clean.path);
    const b = backtest(spiked.path);
    expect(a.dataQuality).toMatchObject({ dropped: 0, spike: 0, gaps: 0 });
    expect(b.dataQuality).toMatchObject({ dropped: 1, spike: 1, sigma: 0, gaps: 0, missingBars: 0 });
    expect(b.fills.length).toBeGreaterThan(10);
    expect(b.fills).toEqual(a.fills);
    expect(b.fills.some((f) => f.ts > spiked.spikeTs && f.ts <= spiked.spikeTs + 5 * 60_000)).toBe(false);
  });

  it('with data.validation.enabled false the spike is traded on (what happened before the breaker)', () => {
    const config = join(tmp, 'off.json');
    writeFileSync(config, JSON.stringify({ data: { validation: { enabled: false } } }));
    const off = backtest(spiked.path, ['-c', config]);
    const a = backtest(clean.path);
    expect(off.dataQuality).toMatchObject({ dropped: 0, spike: 0 });
    // The spiked bar moves both averages: the first fill that differs from the clean run comes within the slow window after it.
    const first = off.fills.findIndex((f, i) => JSON.stringify(f) !== JSON.stringify(a.fills[i]));
    expect(first).toBeGreaterThanOrEqual(0);
    const ts = off.fills[first]?.ts ?? NaN;
    expect(ts).toBeGreaterThan(spiked.spikeTs);
    expect(ts).toBeLessThanOrEqual(spiked.spikeTs + 31 * 60_000);
  });

  it('the human summary says what was dropped', () => {
    const r = parity(['backtest', '--data', `BTCUSDT=${spiked.path}`, '--no-chart']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('data: 1 bad event dropped (spike 1)');
  });

  it('a gap is reported and the bars after it are kept', () => {
    const lines = readFileSync(clean.path, 'utf8').trimEnd().split('\n');
    const path = join(tmp, 'gap.csv');
    writeFileSync(path, [...lines.slice(0, 500), ...lines.slice(505)].join('\n') + '\n');
    const g = backtest(path);
    expect(g.dataQuality).toMatchObject({ dropped: 0, gaps: 1, missingBars: 5 });
  });

  it('a bad data.validation value is refused, naming the key', () => {
    const config = join(tmp, 'bad.json');
    writeFileSync(config, JSON.stringify({ data: { validation: { spikePct: -1 } } }));
    const r = parity(['backtest', '--data', `BTCUSDT=${spiked.path}`, '-c', config]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('data.validation.spikePct');
  });
});
