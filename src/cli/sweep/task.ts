/**
 * One run of a sweep: a full backtest from its spec (the same `runBacktestSpec` as `parity
 * backtest`), reported with the same fields as `parity backtest --json` (`reportFields`) and the
 * return statistics the overfitting measures need. Used alike by the local worker threads and by
 * `parity worker` taking runs off a queue, so both give the same figures.
 *
 * Data is read once per process or thread (`loadData`, the one place that reads candle files for a
 * sweep) and reused by every later run over the same file. A long series (its columns in shared
 * memory, SHARED_FROM_ROWS) is read once by a local sweep's main thread and handed to its threads
 * (`sharedData`, `adoptData`): one copy in memory, not one per thread.
 */
import { loadCandles, type CandleFile } from '../../data/index.ts';
import { symbol, type BarSeries, type Symbol } from '../../engine/index.ts';
import { reportFields } from '../backtest/output.ts';
import { runBacktestSpec, type RunMemory } from '../backtest/run.ts';
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
const dataKey = (path: string, sym: Symbol): string => `${sym}\u0000${path}`;

/** Reads a candle file once per process or worker thread (from the binary cache beside it when it is current); later runs over it share the parsed series. */
export function loadData(path: string, sym: Symbol): CandleFile {
  const key = dataKey(path, sym);
  let f = files.get(key);
  if (f === undefined) {
    f = loadCandles(path, sym, { cache: true });
    files.set(key, f);
  }
  return f;
}

/** A candle file read by a sweep's main thread, its columns in shared memory: what a thread takes instead of reading the file itself. */
export interface SharedData {
  readonly key: string;
  readonly file: CandleFile;
}

const inSharedMemory = (s: BarSeries): boolean => [s.ts, s.open, s.high, s.low, s.close, s.volume].every((c) => c.buffer instanceof SharedArrayBuffer);

/**
 * The candle files these tasks read whose columns are in shared memory (a long series), read here
 * once (loadData) for every thread: passed with a task, a thread's copy is a view of the same
 * memory. A short series is not passed (it would be copied with every task): each thread reads it.
 */
export function sharedData(tasks: readonly RunTask[]): SharedData[] {
  const out: SharedData[] = [];
  const seen = new Set<string>();
  for (const t of tasks) {
    for (const d of t.spec.data) {
      const sym = symbol(d.symbol);
      const key = dataKey(d.path, sym);
      if (seen.has(key)) continue;
      seen.add(key);
      const file = loadData(d.path, sym);
      if (inSharedMemory(file.series)) out.push({ key, file });
    }
  }
  return out;
}

/** Takes files another thread read (sharedData) as read here: later runs over them read nothing. */
export function adoptData(shared: readonly SharedData[]): void {
  for (const s of shared) if (!files.has(s.key)) files.set(s.key, s.file);
}

/**
 * The run memory (RunHooks.memory) the last run on this thread gave back, for the next: on some
 * machines a page's first touch costs ~10 µs, and a 500k-bar run's samples and volatilities are
 * 16 MB. Runs on one thread can overlap (each awaits its strategy's import), so a run takes it and
 * gives it back once done with it: one set of memory is never lent to two runs.
 */
let spare: RunMemory | undefined;

/** What this thread holds for its next run (undefined before the first run ends). */
export function spareMemory(): RunMemory | undefined {
  return spare;
}

function takeMemory(size: number): RunMemory {
  const m = spare;
  spare = undefined;
  if (m !== undefined && m.vol.length >= size) return m;
  return { samples: { ts: new Float64Array(size), equity: new Float64Array(size), exposure: new Float64Array(size) }, vol: new Float64Array(size) };
}

/** Runs one backtest; `onProgress` gets the share of its bars done (0..1). */
export async function runTask(task: RunTask, onProgress?: (share: number) => void): Promise<RunOutcome> {
  let lent: RunMemory | undefined;
  const report = await runBacktestSpec(task.spec, {
    candles: loadData,
    memory: (size) => (lent = takeMemory(size)),
    ...(onProgress === undefined ? {} : { onProgress: (d, t) => onProgress(t > 0 ? d / t : 1) }),
  });
  const outcome: RunOutcome = {
    index: task.index,
    point: task.point,
    fields: reportFields(report),
    returns: returnStats(report.result.equity, task.spec.cash, task.blocks),
    intervalMs: report.series[0]?.series.interval ?? 60_000,
  };
  // The form a queue carries (JSON), here too: a local sweep and a distributed one give identical results.
  const out = JSON.parse(JSON.stringify(outcome)) as RunOutcome;
  // Nothing of the report outlives this: the next run may have its memory.
  if (lent !== undefined) spare = lent;
  return out;
}
