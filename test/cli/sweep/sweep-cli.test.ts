import { describe, expect, it } from 'vitest';
import { expectClearFailure, parity, parityAsync } from '../../kit/cli.ts';

const RANGE = ['--from', '2024-12-02', '--to', '2024-12-05'];
const COSTS = ['--fee-bps', '4', '--latency', 'lognormal:30,200', '--seed', '3'];

interface RunJson {
  rank: number;
  index: number;
  swept: Record<string, number>;
  params: Record<string, number>;
  netPnl: number;
  sharpe: number;
  maxDrawdown: number;
  trades: number;
  fills: number;
  finalEquity: number;
  totalFees: number;
  bars: number;
  from: number;
  to: number;
}
interface SweepJson {
  runs: RunJson[];
  best: RunJson;
  points: number;
  skipped: { point: Record<string, number>; reason: string }[];
  overfit: { pbo: number | null; dsr: number | null; trials: number; likelyOverfit: boolean; reasons: string[] };
  walkForward?: {
    windows: { window: number; best: Record<string, number>; outOfSample: { from: number; to: number }; outOfSampleRun: RunJson }[];
    stitched: { netPnl: number; trades: number; bars: number };
  };
}
interface BacktestJson {
  netPnl: number;
  finalEquity: number;
  totalFees: number;
  bars: number;
  from: number;
  to: number;
  params: Record<string, number>;
  summary: Record<string, number | null>;
}

const cents = (x: number): number => Math.round(x * 100);

/** Each swept run against `parity backtest` with the same flags and parameters: the same figures, to the bit. */
async function expectEqualsBacktests(runs: readonly RunJson[], flags: readonly string[]): Promise<void> {
  const singles = await Promise.all(runs.map((r) => parityAsync(['backtest', ...flags, ...Object.entries(r.swept).flatMap(([k, v]) => ['--param', `${k}=${v}`]), '--json'])));
  runs.forEach((run, i) => {
    const s = singles[i];
    expect(s?.code, s?.stderr).toBe(0);
    const b = JSON.parse(s?.stdout ?? '') as BacktestJson;
    expect(cents(run.netPnl)).toBe(cents(b.netPnl));
    expect(cents(run.finalEquity)).toBe(cents(b.finalEquity));
    expect({ netPnl: run.netPnl, finalEquity: run.finalEquity, totalFees: run.totalFees, bars: run.bars, from: run.from, to: run.to, params: run.params }).toEqual({
      netPnl: b.netPnl,
      finalEquity: b.finalEquity,
      totalFees: b.totalFees,
      bars: b.bars,
      from: b.from,
      to: b.to,
      params: b.params,
    });
    for (const [k, v] of Object.entries(b.summary)) expect((run as unknown as Record<string, unknown>)[k], k).toEqual(v);
  });
}

describe('parity sweep (the real binary)', () => {
  it('a 12-point sweep: every run equals `parity backtest` with its parameters, ranked by the metric', async () => {
    const r = parity(['sweep', ...RANGE, ...COSTS, '--param', 'fast=5,10', '--param', 'slow=20..30:10', '--param', 'size=0.01,0.02,0.03', '--workers', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as SweepJson;
    expect(out.points).toBe(12);
    expect(out.runs).toHaveLength(12);
    expect(new Set(out.runs.map((x) => x.index))).toEqual(new Set(Array.from({ length: 12 }, (_, i) => i)));
    for (let i = 1; i < out.runs.length; i++) expect(out.runs[i - 1]?.sharpe).toBeGreaterThanOrEqual(out.runs[i]?.sharpe ?? 0);
    expect(out.best).toEqual(out.runs[0]);
    // Different parameters, different results: the grid really reached the strategy.
    expect(new Set(out.runs.map((x) => x.netPnl)).size).toBe(12);
    await expectEqualsBacktests(out.runs, [...RANGE, ...COSTS]);
    expect(out.overfit.trials).toBe(12);
    expect(out.overfit.pbo).toBeGreaterThanOrEqual(0);
    expect(out.overfit.pbo).toBeLessThanOrEqual(1);
    expect(out.overfit.likelyOverfit).toBe((out.overfit.pbo ?? 0) > 0.5 || (out.overfit.dsr ?? 1) < 0.95);
  }, 300_000);

  it('sorts by another metric, and skips the points the strategy refuses, saying why', () => {
    const r = parity(['sweep', ...RANGE, '--param', 'fast=10,20,30', '--param', 'slow=20,40', '--sort', 'maxDrawdown', '--json', '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as SweepJson;
    expect(out.runs.map((x) => x.swept)).toHaveLength(4);
    for (let i = 1; i < out.runs.length; i++) expect(out.runs[i - 1]?.maxDrawdown).toBeLessThanOrEqual(out.runs[i]?.maxDrawdown ?? 0);
    expect(out.skipped.map((s) => s.point)).toEqual([
      { fast: 20, slow: 20 },
      { fast: 30, slow: 20 },
    ]);
    expect(out.skipped[0]?.reason).toMatch(/slow must be a whole number > fast/);
  }, 300_000);

  it('prints a table sorted by the metric with the overfitting verdict, and plain progress lines when stderr is not a terminal', () => {
    const r = parity(['sweep', ...RANGE, '--param', 'fast=5,10', '--param', 'slow=30,60', '--sort', 'netPnl']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/4 runs on \d worker threads? on this machine/);
    expect(r.stdout).toMatch(/#\s+fast\s+slow\s+net PnL USDT\s+return\s+Sharpe\s+max DD\s+trades/);
    const pnl = r.stdout
      .split('\n')
      .filter((l) => /^\s+[1-4]\s+\d+\s+\d+\s/.test(l))
      .map((l) => Number(l.trim().split(/\s+/)[3]?.replace(/,/g, '')));
    expect(pnl).toHaveLength(4);
    expect([...pnl].sort((a, b) => b - a)).toEqual(pnl);
    expect(r.stdout).toMatch(/PBO \d\.\d\d \(CSCV, 16 blocks, 12870 splits\)\s+deflated Sharpe \d\.\d\d \(4 trials\)/);
    expect(r.stdout).toMatch(/LIKELY OVERFIT|Not flagged/);
    expect(r.stderr).toMatch(/sweep 4 runs: 100%, took/);
    expect(r.stderr).not.toMatch(/\r/);
  }, 300_000);

  it('draws --random points with a seed: the same seed the same runs', () => {
    const args = ['sweep', '--from', '2024-12-02', '--to', '2024-12-03', '--param', 'fast=2..12', '--param', 'slow=20..60:5', '--random', '3', '--json'];
    const a = JSON.parse(parity([...args, '--sample-seed', '5']).stdout) as SweepJson;
    const b = JSON.parse(parity([...args, '--sample-seed', '5']).stdout) as SweepJson;
    const c = JSON.parse(parity([...args, '--sample-seed', '6']).stdout) as SweepJson;
    const pts = (s: SweepJson): string[] => s.runs.map((x) => JSON.stringify(x.swept)).sort();
    expect(pts(a)).toHaveLength(3);
    expect(pts(b)).toEqual(pts(a));
    expect(pts(c)).not.toEqual(pts(a));
    for (const x of a.runs) expect(Number.isInteger(x.swept['fast'])).toBe(true);
  }, 300_000);

  it('walks forward: the best in-sample point scored on the next segment, each window a real backtest, stitched', async () => {
    const r = parity(['sweep', '--from', '2024-12-02', '--to', '2024-12-08', '--param', 'fast=5,10,20', '--param', 'slow=40,80', '--walk-forward', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const wf = (JSON.parse(r.stdout) as SweepJson).walkForward;
    expect(wf?.windows).toHaveLength(2);
    const [w1, w2] = wf?.windows ?? [];
    // 6 days in 3 segments of 2 days: windows score on Dec 4-6 and Dec 6-8.
    expect(w1?.outOfSample).toEqual({ from: Date.UTC(2024, 11, 4), to: Date.UTC(2024, 11, 6) });
    expect(w2?.outOfSample).toEqual({ from: Date.UTC(2024, 11, 6), to: Date.UTC(2024, 11, 8) });
    expect(wf?.stitched.netPnl).toBeCloseTo((w1?.outOfSampleRun.netPnl ?? 0) + (w2?.outOfSampleRun.netPnl ?? 0), 9);
    expect(wf?.stitched.bars).toBe(2 * 2 * 1440);
    const iso = (ms: number): string => new Date(ms).toISOString();
    await expectEqualsBacktests(
      [w1?.outOfSampleRun as RunJson],
      ['--from', iso(Date.UTC(2024, 11, 4)), '--to', iso(Date.UTC(2024, 11, 6))].map((x) => x.replace('.000Z', '').slice(0, 16)),
    );
    // The pick is the in-sample best: no point beats it on Dec 2-4 (the first segment).
    const is = JSON.parse(parity(['sweep', '--from', '2024-12-02', '--to', '2024-12-04', '--param', 'fast=5,10,20', '--param', 'slow=40,80', '--json']).stdout) as SweepJson;
    expect(w1?.best).toEqual(is.best.swept);
  }, 300_000);
});

describe('parity sweep: bad input (one clear message each)', { timeout: 300_000 }, () => {
  const sweep = (...args: string[]) => parity(['sweep', '--from', '2024-12-02', '--to', '2024-12-03', ...args]);
  it('a grid with no points', () => {
    expectClearFailure(sweep('--param', 'fast='), /--param fast=: no values: a grid with no points/);
    expectClearFailure(sweep('--param', 'fast=20..10:5'), /the range is empty \(10 < 20\): a grid with no points/);
    expectClearFailure(
      sweep('--param', 'fast=40,50', '--param', 'slow=20,30'),
      /the grid has no point strategy sma-cross accepts \(4 refused\), so there is nothing to run: fast=40 slow=20: .*slow must be/,
    );
    expectClearFailure(sweep(), /a sweep needs at least one --param .* \(parameters of sma-cross: fast, slow, size\)/);
  });
  it('a parameter the strategy does not have: names its parameters', () => {
    expectClearFailure(
      sweep('--param', 'period=5,10'),
      /--param period=5,10: strategy sma-cross has no parameter "period"; its parameters are: fast \(default 10\), slow \(default 30\), size \(default 0.01\)/,
    );
    expectClearFailure(sweep('--strategy', 'mean-reversion', '--param', 'fast=5'), /strategy mean-reversion has no parameter "fast"; its parameters are: /);
  });
  it('a malformed range', () => {
    expectClearFailure(sweep('--param', 'fast=5..x'), /--param fast=5..x: malformed range; write lo..hi:step/);
    expectClearFailure(sweep('--param', 'fast=5..10:-1'), /the step must be > 0/);
    expectClearFailure(sweep('--param', 'fast=5..10'), /only drawn from: add :step, or --random N/);
  });
  it('--workers 0, and other bad numbers', () => {
    const r = sweep('--param', 'fast=5,10', '--workers', '0');
    expectClearFailure(r, /--workers.*'0' is invalid\. expected a whole number >= 1/);
    expectClearFailure(sweep('--param', 'fast=5', '--pbo-blocks', '7'), /--pbo-blocks.*expected an even whole number/);
    expectClearFailure(sweep('--param', 'fast=5', '--sort', 'luck'), /--sort luck: not a metric a sweep ranks by; use one of sharpe, netPnl/);
    expectClearFailure(parity(['sweep', '--from', '2024-12-02', '--to', '2024-12-02T03:00', '--param', 'fast=5', '--walk-forward', '50']), /--walk-forward 50: 180 bars cannot make 51 segments/);
  });
});
