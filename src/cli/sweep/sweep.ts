/**
 * A sweep from its plan to its result: every point as a full backtest on an executor (local
 * threads or a queue), the runs ranked by the chosen metric, the overfitting odds of the best one
 * (PBO by CSCV, the deflated Sharpe ratio), and with `walkForward` the rolling in-sample /
 * out-of-sample windows.
 *
 * Invariants: a run's figures are those of `parity backtest` with the same flags and parameters
 * (the same function made them); runs keep their grid index, and ties in the metric keep grid
 * order, so the same sweep ranks the same way on any executor.
 */
import type { BacktestSpec } from '../backtest/spec.ts';
import { UserError } from '../errors.ts';
import type { ParamPoint } from './grid.ts';
import { deflatedSharpe, probabilityOfOverfitting, sampleVariance, sharpeOfSums, type ReturnStats } from './overfit.ts';
import type { Executor } from './pool.ts';
import type { RunFields, RunOutcome, RunTask } from './task.ts';

/** A year of bars, the summary's convention (src/engine/components/performance.ts): crypto trades every day. */
const YEAR_MS = 365.25 * 86_400_000;

type Summary = RunFields['summary'];

/** Metrics a sweep can rank by: the backtest summary's figures; `better` says which way is up. */
export const METRICS = {
  sharpe: 'higher',
  netPnl: 'higher',
  returnPct: 'higher',
  maxDrawdown: 'lower',
  maxDrawdownAbs: 'lower',
  winRate: 'higher',
  trades: 'higher',
  fills: 'higher',
  exposure: 'higher',
  fees: 'lower',
  endEquity: 'higher',
} as const satisfies Partial<Record<keyof Summary, 'higher' | 'lower'>>;

export type Metric = keyof typeof METRICS;

export function parseMetric(text: string | undefined): Metric {
  const m = text ?? 'sharpe';
  if (!(m in METRICS)) throw new UserError(`--sort ${m}: not a metric a sweep ranks by; use one of ${Object.keys(METRICS).join(', ')}`);
  return m as Metric;
}

/** The metric's value; null (no trades for a win rate) ranks last. */
function metricOf(o: RunOutcome, metric: Metric): number | null {
  const v: unknown = o.fields.summary[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Outcomes best first by `metric`; ties in grid order. */
export function rank(outcomes: readonly RunOutcome[], metric: Metric): RunOutcome[] {
  const sign = METRICS[metric] === 'higher' ? -1 : 1;
  return [...outcomes].sort((a, b) => {
    const x = metricOf(a, metric);
    const y = metricOf(b, metric);
    if (x === null || y === null) return x === y ? a.index - b.index : x === null ? 1 : -1;
    return x !== y ? sign * (x - y) : a.index - b.index;
  });
}

export interface SweepPlan {
  readonly base: BacktestSpec;
  readonly points: readonly ParamPoint[];
  /** Grid points the strategy refused (its validate), with why. */
  readonly skipped: readonly { readonly point: ParamPoint; readonly reason: string }[];
  readonly metric: Metric;
  /** CSCV blocks (even). */
  readonly blocks: number;
  readonly walkForward: number | undefined;
}

export interface OverfitVerdict {
  readonly pbo: number | null;
  readonly splits: number;
  readonly blocks: number;
  /** Deflated Sharpe ratio of the best run, and the Sharpe ratio (per bar) a best of `trials` unskilled runs would reach. */
  readonly dsr: number | null;
  readonly sr0PerBar: number;
  readonly trials: number;
  readonly likelyOverfit: boolean;
  readonly reasons: readonly string[];
}

export interface WalkForwardWindow {
  readonly window: number;
  readonly inSample: { readonly from: number; readonly to: number };
  readonly outOfSample: { readonly from: number; readonly to: number };
  readonly best: ParamPoint;
  readonly inSampleMetric: number | null;
  readonly outOfSampleMetric: number | null;
  /** The out-of-sample run with the in-sample pick. */
  readonly run: RunOutcome;
}

export interface WalkForwardResult {
  readonly windows: readonly WalkForwardWindow[];
  /** The out-of-sample runs end to end: PnL added, returns compounded, Sharpe over the joined per-bar returns. */
  readonly stitched: { readonly netPnl: number; readonly returnPct: number; readonly sharpe: number; readonly trades: number; readonly bars: number; readonly worstDrawdown: number };
}

export interface SweepResult {
  readonly plan: SweepPlan;
  /** Best first. */
  readonly ranked: readonly RunOutcome[];
  readonly overfit: OverfitVerdict;
  readonly walkForward: WalkForwardResult | undefined;
  readonly elapsedMs: number;
  readonly where: string;
}

export function taskOf(base: BacktestSpec, point: ParamPoint, index: number, blocks: number, range?: { from: number; to: number }): RunTask {
  return { index, point, blocks, spec: { ...base, params: { ...base.params, ...point }, ...(range === undefined ? {} : { from: range.from, to: range.to }) } };
}

const perBarSharpe = (r: ReturnStats): number => (r.std > 0 ? r.mean / r.std : 0);

/** PBO over all runs, DSR of `best` among them. Likely overfit: PBO > 0.5 or DSR < 0.95. */
export function verdict(outcomes: readonly RunOutcome[], best: RunOutcome | undefined): OverfitVerdict {
  const pbo = probabilityOfOverfitting(outcomes.map((o) => o.returns));
  const trials = outcomes.length;
  let dsr: number | null = null;
  let sr0 = 0;
  if (best !== undefined) {
    const d = deflatedSharpe({
      sharpe: perBarSharpe(best.returns),
      observations: best.returns.n,
      skew: best.returns.skew,
      kurtosis: best.returns.kurtosis,
      trials,
      variance: sampleVariance(outcomes.map((o) => perBarSharpe(o.returns))),
    });
    dsr = Number.isFinite(d.dsr) ? d.dsr : null;
    sr0 = d.sr0;
  }
  const reasons: string[] = [];
  if (pbo !== undefined && pbo.pbo > 0.5)
    reasons.push(`PBO ${pbo.pbo.toFixed(2)} > 0.5: the in-sample best ranks at or below the median out of sample in ${(pbo.pbo * 100).toFixed(0)}% of ${pbo.splits} splits`);
  if (dsr !== null && dsr < 0.95) reasons.push(`DSR ${dsr.toFixed(2)} < 0.95: after ${trials} trials the best Sharpe ratio is not clearly above what luck alone gives`);
  return { pbo: pbo?.pbo ?? null, splits: pbo?.splits ?? 0, blocks: pbo?.blocks ?? 0, dsr, sr0PerBar: sr0, trials, likelyOverfit: reasons.length > 0, reasons };
}

async function runAll(executor: Executor, tasks: readonly RunTask[], onProgress: (share: number) => void): Promise<RunOutcome[]> {
  try {
    return await executor.run(tasks, onProgress);
  } catch (err) {
    if (err instanceof UserError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    // A worker's error arrives as a plain Error (its class stays in the worker): its message is the run's own.
    throw new UserError(`a run of the sweep failed: ${message}\nNo results were printed: fix the cause and run the sweep again.`, 1);
  }
}

/**
 * Window bounds for `k` rolling windows over bars `ts[from..to)`: k + 1 equal segments; window i
 * is in-sample on segment i and out-of-sample on segment i + 1. Bounds are open times (the end
 * exclusive: the next segment's first bar, or the last bar's open plus the interval).
 */
export function walkForwardBounds(
  ts: ArrayLike<number>,
  from: number,
  to: number,
  interval: number,
  k: number,
): { inSample: { from: number; to: number }; outOfSample: { from: number; to: number } }[] {
  const n = to - from;
  if (k < 1 || n < 4 * (k + 1)) throw new UserError(`--walk-forward ${k}: ${n} bars cannot make ${k + 1} segments of at least 4 bars; use fewer windows or more data`);
  const edge = (s: number): number => (s === k + 1 ? (ts[to - 1] as number) + interval : (ts[from + Math.floor((s * n) / (k + 1))] as number));
  return Array.from({ length: k }, (_, i) => ({ inSample: { from: edge(i), to: edge(i + 1) }, outOfSample: { from: edge(i + 1), to: edge(i + 2) } }));
}

export async function walkForward(plan: SweepPlan, executor: Executor, bounds: ReturnType<typeof walkForwardBounds>, onProgress: (share: number) => void): Promise<WalkForwardResult> {
  const p = plan.points.length;
  const isTasks = bounds.flatMap((b, w) => plan.points.map((pt, i) => taskOf(plan.base, pt, w * p + i, plan.blocks, b.inSample)));
  const isOut = await runAll(executor, isTasks, (s) => onProgress(s * (p / (p + 1))));
  const picks = bounds.map((_, w) => rank(isOut.slice(w * p, (w + 1) * p), plan.metric)[0] as RunOutcome);
  const oosTasks = bounds.map((b, w) => taskOf(plan.base, (picks[w] as RunOutcome).point, w, plan.blocks, b.outOfSample));
  const oosOut = await runAll(executor, oosTasks, (s) => onProgress(p / (p + 1) + s / (p + 1)));
  const windows = bounds.map((b, w): WalkForwardWindow => {
    const pick = picks[w] as RunOutcome;
    const oos = oosOut[w] as RunOutcome;
    return { window: w + 1, inSample: b.inSample, outOfSample: b.outOfSample, best: pick.point, inSampleMetric: metricOf(pick, plan.metric), outOfSampleMetric: metricOf(oos, plan.metric), run: oos };
  });
  let c = 0;
  let s1 = 0;
  let s2 = 0;
  for (const o of oosOut) {
    for (const [bc, bs1, bs2] of o.returns.blocks) {
      c += bc;
      s1 += bs1;
      s2 += bs2;
    }
  }
  const interval = oosOut[0]?.intervalMs ?? 60_000;
  return {
    windows,
    stitched: {
      netPnl: oosOut.reduce((s, o) => s + o.fields.summary.netPnl, 0),
      returnPct: oosOut.reduce((g, o) => g * (1 + o.fields.summary.returnPct), 1) - 1,
      sharpe: sharpeOfSums(c, s1, s2) * Math.sqrt(YEAR_MS / interval),
      trades: oosOut.reduce((s, o) => s + o.fields.summary.trades, 0),
      bars: c,
      worstDrawdown: Math.max(0, ...oosOut.map((o) => o.fields.summary.maxDrawdown)),
    },
  };
}

/** Runs the whole sweep (and the walk-forward windows when asked, with `bounds`). */
export async function runSweep(plan: SweepPlan, executor: Executor, onProgress: (share: number) => void, bounds?: ReturnType<typeof walkForwardBounds>): Promise<SweepResult> {
  const t0 = performance.now();
  const tasks = plan.points.map((pt, i) => taskOf(plan.base, pt, i, plan.blocks));
  const wf = bounds !== undefined;
  // Progress: the full sweep, then the walk-forward runs (about as many bars again).
  const outcomes = await runAll(executor, tasks, (s) => onProgress(wf ? s / 2 : s));
  const ranked = rank(outcomes, plan.metric);
  const overfit = verdict(outcomes, ranked[0]);
  const walk = bounds === undefined ? undefined : await walkForward(plan, executor, bounds, (s) => onProgress(0.5 + s / 2));
  return { plan, ranked, overfit, walkForward: walk, elapsedMs: performance.now() - t0, where: executor.where };
}
