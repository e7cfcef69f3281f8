/**
 * One run of a sweep: a full backtest from its spec (the same `runBacktestSpec` as `parity
 * backtest`), reported with the same fields as `parity backtest --json` (`reportFields`) and the
 * return statistics the overfitting measures need. Used alike by the local worker threads and by
 * `parity worker` taking runs off a queue, so both give the same figures.
 *
 * Data is read once per process or thread (`loadData`, the one place that reads candle files for a
 * sweep) and reused by every later run over the same file.
 */
import { loadCandles, type CandleFile } from '../../data/index.ts';
import type { Symbol } from '../../engine/index.ts';
import { reportFields } from '../backtest/output.ts';
import { runBacktestSpec } from '../backtest/run.ts';
import type { BacktestSpec } from '../backtest/spec.ts';
import type { ParamPoint } from './grid.ts';
import { returnStats, type ReturnStats } from './overfit.ts';

export interface RunTask {
  /** Position in the sweep (the grid's order). */
  readonly index: number;
  readonly point: ParamPoint;
  readonly spec: BacktestSpec;
  /** Blocks the returns are cut into for CSCV. */
  readonly blocks: number;
}

export type RunFields = ReturnType<typeof reportFields>;

export interface RunOutcome {
  readonly index: number;
  readonly point: ParamPoint;
  /** What `parity backtest --json` reports but the fills, as JSON gives it (NaN as null). */
  readonly fields: RunFields;
  readonly returns: ReturnStats;
  /** Bar interval of the (first) series, ms: what annualizes a per-bar Sharpe ratio. */
  readonly intervalMs: number;
}

const files = new Map<string, CandleFile>();

/** Reads a candle file once per process or worker thread (from the binary cache beside it when it is current); later runs over it share the parsed series. */
export function loadData(path: string, sym: Symbol): CandleFile {
  const key = `${sym}\u0000${path}`;
  let f = files.get(key);
  if (f === undefined) {
    f = loadCandles(path, sym, { cache: true });
    files.set(key, f);
  }
  return f;
}

/** Runs one backtest; `onProgress` gets the share of its bars done (0..1). */
export async function runTask(task: RunTask, onProgress?: (share: number) => void): Promise<RunOutcome> {
  const report = await runBacktestSpec(task.spec, { candles: loadData, ...(onProgress === undefined ? {} : { onProgress: (d, t) => onProgress(t > 0 ? d / t : 1) }) });
  const outcome: RunOutcome = {
    index: task.index,
    point: task.point,
    fields: reportFields(report),
    returns: returnStats(report.result.equity, task.spec.cash, task.blocks),
    intervalMs: report.series[0]?.series.interval ?? 60_000,
  };
  // The form a queue carries (JSON), here too: a local sweep and a distributed one give identical results.
  return JSON.parse(JSON.stringify(outcome)) as RunOutcome;
}
