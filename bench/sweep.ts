/**
 * The sweep's figure: a 12-point `parity sweep` over 500,000 1m bars against the same 12 points as
 * `parity backtest` processes one after another, both through the real binary (process start,
 * loading, runs, output: what a user waits for; executed as `parity` is, see bin/parity.js). Every run must equal its single backtest to the
 * cent (in fact to the bit); the ratio of wall times is the speed-up. The data is the bundled
 * BTCUSDT December 2024 tiled end to end (each copy shifted by the month's span, so one continuous
 * 1m series; the prices repeat), written under out/ (git-ignored) and reused.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BTC_1M } from './kit.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'parity.js');
const BARS = 500_000;
const FAST = [5, 10, 15, 20];
const SLOW = [40, 60, 80];

function tiledFile(bars: number): string {
  const path = join(ROOT, 'out', 'bench', `BTCUSDT-1m-sweep-${bars}.csv`);
  if (existsSync(path)) return path;
  const lines = readFileSync(BTC_1M, 'utf8').trimEnd().split('\n');
  const header = lines[0] as string;
  const rows = lines.slice(1).map((l) => l.split(','));
  const t0 = Number(rows[0]?.[0]);
  const span = Number(rows[rows.length - 1]?.[0]) - t0 + 60_000;
  const out: string[] = [header];
  for (let k = 0; out.length <= bars; k++) {
    for (const r of rows) {
      if (out.length > bars) break;
      out.push([Number(r[0]) + k * span, ...r.slice(1, 6), r[6], r[7], Number(r[8]) + k * span, ...r.slice(9)].join(','));
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, out.join('\n') + '\n');
  return path;
}

function parity(args: readonly string[]): { ms: number; json: unknown } {
  const t0 = performance.now();
  const r = spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`parity ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, json: JSON.parse(r.stdout) as unknown };
}

interface Figures {
  netPnl: number;
  finalEquity: number;
  sharpe: number;
  trades: number;
}

export function benchSweep(bars = BARS): Record<string, number | string> {
  const data = tiledFile(bars);
  const common = ['--data', `BTCUSDT=${data}`, '--fee-bps', '4'];
  const workers = availableParallelism();
  const sweep = parity(['sweep', ...common, '--param', `fast=${FAST.join(',')}`, '--param', `slow=${SLOW.join(',')}`, '--workers', String(workers), '--json']);
  const runs = (sweep.json as { runs: (Figures & { swept: { fast: number; slow: number } })[] }).runs;
  let singleMs = 0;
  let equalCents = 0;
  let equalBits = 0;
  for (const fast of FAST) {
    for (const slow of SLOW) {
      const one = parity(['backtest', ...common, '--param', `fast=${fast}`, '--param', `slow=${slow}`, '--json']);
      singleMs += one.ms;
      const b = one.json as { netPnl: number; finalEquity: number; summary: Figures };
      const s = runs.find((r) => r.swept.fast === fast && r.swept.slow === slow);
      if (s === undefined) throw new Error(`the sweep has no run fast=${fast} slow=${slow}`);
      if (Math.round(s.netPnl * 100) === Math.round(b.netPnl * 100) && Math.round(s.finalEquity * 100) === Math.round(b.finalEquity * 100)) equalCents++;
      if (s.netPnl === b.netPnl && s.finalEquity === b.finalEquity && s.sharpe === b.summary.sharpe && s.trades === b.summary.trades) equalBits++;
    }
  }
  const points = FAST.length * SLOW.length;
  if (equalCents !== points) throw new Error(`only ${equalCents} of ${points} sweep runs equal their single backtest to the cent`);
  return {
    bars,
    points,
    workers,
    'sweep wall s': Number((sweep.ms / 1000).toFixed(2)),
    '12 backtests one after another, wall s': Number((singleMs / 1000).toFixed(2)),
    'speed-up (target >= 1.7 on 2 cores)': Number((singleMs / sweep.ms).toFixed(2)),
    'runs equal to the cent': `${equalCents}/${points}`,
    'runs equal to the bit': `${equalBits}/${points}`,
  };
}
