/**
 * Runs a backtest from a spec: loads the data and the strategy, builds the instruments, the
 * simulated venue and the kernel, runs, and measures. Returns everything the outputs need.
 */
import {
  ArrayFeed,
  BarFeed,
  createRng,
  fromNumber,
  mergeFeeds,
  regimeBreakdown,
  resolveParams,
  runBacktest,
  stepOfDecimals,
  summarize,
  symbol,
  toNumber,
  type BacktestResult,
  type BarSeries,
  type DataFeed,
  type Instrument,
  type LoggedMessage,
  type Params,
  type RegimeStats,
  type SampleMemory,
  type Summary,
  type Symbol,
  type VolatilityRegimes,
} from '../../engine/index.ts';
import { Worker } from 'node:worker_threads';
import { compiledDir } from '../compiled.ts';
import { SimulatedVenue } from '../../paper/index.ts';
import { loadCandles, loadFunding, resolveInstrument, sliceRange, type CandleFile } from '../../data/index.ts';
import { UserError } from '../errors.ts';
import { requireTradableSizes } from '../size-check.ts';
import { loadStrategy } from '../strategy-loader.ts';
import type { BacktestSpec } from './spec.ts';

export interface LoadedSeries {
  readonly series: BarSeries;
  readonly from: number;
  readonly to: number;
  readonly warnings: readonly string[];
  readonly file: string;
  /** Most price decimals in the file: the tick it implies when the symbol is not in the catalog. */
  readonly priceDecimals: number;
}

export interface BacktestReport {
  readonly spec: BacktestSpec;
  readonly strategyName: string;
  readonly params: Params;
  readonly instruments: readonly Instrument[];
  readonly series: readonly LoadedSeries[];
  readonly result: BacktestResult;
  readonly summary: Summary;
  readonly regimes: readonly RegimeStats[];
  /** Taker fills the bar's range capped, and the cost the cap removed (quote currency). */
  readonly slippageCapped: { readonly fills: number; readonly amount: number };
  /** Exact final equity at the last prices, and exact totals, as decimal strings. */
  readonly finalEquity: number;
  readonly totalFees: number;
  readonly totalFunding: number;
  readonly warnings: readonly string[];
}

/** Reads one candle file: `loadCandles` for a single backtest; a sweep's worker passes one that keeps the files it has read. */
export type CandleLoader = (path: string, sym: Symbol) => CandleFile;

export interface RunHooks {
  readonly onProgress?: (done: number, total: number) => void;
  readonly onMessage?: (m: LoggedMessage) => void;
  /** One line when a data cache was rebuilt (see loadCandles). */
  readonly onNotice?: (line: string) => void;
  /** Default: `loadCandles` with the binary cache beside the data. */
  readonly candles?: CandleLoader;
  /**
   * Compute the regime split's volatilities on a thread of its own while the backtest runs, when
   * the closes are in shared memory (a big cache) and many. For a single backtest; a sweep's
   * threads already keep the cores busy. The figures are the same either way.
   */
  readonly regimesBeside?: boolean;
  /**
   * Memory for the run, given the feed's size (at least that many places in each array): its
   * equity samples and the regime split's volatilities. A sweep's thread hands each of its runs
   * the same, as fresh memory costs more than the run's use of it. Default: the run allocates.
   */
  readonly memory?: (size: number) => RunMemory;
}

/** What a run records and computes in (RunHooks.memory). */
export interface RunMemory {
  readonly samples: SampleMemory;
  readonly vol: Float64Array;
}

/** Bars from which the regimes thread pays for its start-up (~50 ms, on the other core) many times over. */
export const REGIMES_THREAD_BARS = 250_000;

/**
 * `volatilityRegimes(close, window)` on a worker thread; undefined (compute it here) when the
 * closes are not in shared memory or too few. The promise gives undefined when the thread failed.
 */
export function regimesOnThread(close: Float64Array, window: number): { result: Promise<VolatilityRegimes | undefined>; stop(): void } | undefined {
  if (!(close.buffer instanceof SharedArrayBuffer) || close.length < REGIMES_THREAD_BARS) return undefined;
  let worker: Worker;
  try {
    worker = new Worker(new URL('./regimes-thread.js', import.meta.url), {
      workerData: { compiled: compiledDir(), close: close.buffer, offset: close.byteOffset, length: close.length, window },
      stdout: true,
      stderr: true,
    });
  } catch {
    return undefined;
  }
  const result = new Promise<VolatilityRegimes | undefined>((resolve) => {
    worker.once('message', (m: VolatilityRegimes) => resolve(m));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  return { result, stop: () => void worker.terminate() };
}

function load(spec: BacktestSpec, candles: CandleLoader): LoadedSeries[] {
  return spec.data.map((d) => {
    const file = candles(d.path, symbol(d.symbol));
    const { from, to } = sliceRange(file.series, spec.from ?? -Infinity, spec.to ?? Infinity);
    if (to - from < 2) {
      throw new UserError(
        `${d.path}: no data in the requested range (${to - from} bars between --from and --to); the file covers ${new Date(file.series.ts[0] as number).toISOString()} to ${new Date(file.series.ts[file.series.length - 1] as number).toISOString()}`,
        1,
      );
    }
    return { series: file.series, from, to, warnings: file.warnings.map((w) => `${d.path}: ${w}`), file: d.path, priceDecimals: file.priceDecimals };
  });
}

export async function runBacktestSpec(spec: BacktestSpec, hooks: RunHooks = {}): Promise<BacktestReport> {
  const { definition } = await loadStrategy(spec.strategy);
  const params: Params = resolveParams(definition, spec.params);
  const onNotice = hooks.onNotice;
  const loaded = load(spec, hooks.candles ?? ((path, sym) => loadCandles(path, sym, { cache: true, ...(onNotice === undefined ? {} : { onNotice }) })));
  const kind = spec.market === 'perp' ? 'perpetual' : 'spot';
  const instruments = loaded.map((l) => resolveInstrument(l.series.symbol, kind, stepOfDecimals(Math.min(l.priceDecimals, 8)), spec.instrument));
  // The price a size is first judged at: the first bar's close, what the strategy sees first.
  requireTradableSizes(
    definition,
    params,
    instruments.map((instrument, i) => ({ instrument, price: loaded[i]?.series.close[loaded[i]?.from ?? 0] })),
  );
  const feeds: DataFeed[] = loaded.map((l) => new BarFeed(l.series, l.from, l.to));
  for (const f of spec.funding) {
    const rates = loadFunding(f.path, symbol(f.symbol));
    const first = loaded.find((l) => l.series.symbol === f.symbol) as LoadedSeries;
    const start = first.series.ts[first.from] as number;
    const end = (first.series.ts[first.to - 1] as number) + first.series.interval;
    feeds.push(new ArrayFeed(rates.filter((r) => r.tsEvent >= start && r.tsEvent < end)));
  }
  const currency = instruments[0]?.quote ?? 'USDT';
  const cash = fromNumber(spec.cash);
  const accountType = spec.market === 'perp' ? 'margin' : 'cash';
  const rng = createRng(spec.seed);
  let sim: SimulatedVenue | undefined;
  const primary = loaded[0] as LoadedSeries;
  const regimeClose = loaded.length === 1 ? primary.series.close.subarray(primary.from, primary.to) : undefined;
  const beside = hooks.regimesBeside === true && regimeClose !== undefined ? regimesOnThread(regimeClose, spec.regimeWindow) : undefined;
  const feed = mergeFeeds(feeds);
  const memory = hooks.memory?.(feed.size);
  // Whatever happens to the run, the thread does not outlive it.
  try {
    const result = runBacktest({
      instruments,
      feed,
      ...(memory === undefined ? {} : { samples: memory.samples }),
      currency,
      startingCash: cash,
      accountType,
      leverage: spec.leverage,
      limits: spec.limits,
      lossLimits: spec.lossLimits,
      validation: spec.validation,
      strategies: [{ definition, params, symbols: instruments.map((i) => i.symbol) }],
      venue: (clock) => (sim = new SimulatedVenue({ instruments, clock, rng, models: spec.models, currency, startingCash: cash, accountType, leverage: spec.leverage })),
      ...(hooks.onMessage === undefined ? {} : { onMessage: hooks.onMessage }),
      ...(hooks.onProgress === undefined ? {} : { onProgress: hooks.onProgress }),
    });
    if (result.fault !== undefined) {
      const f = result.fault;
      throw new UserError(
        `strategy ${definition.name} threw in ${f.handler} at ${new Date(f.tsInit).toISOString()}: ${f.message}\n` +
          'The backtest stopped there; its results would be meaningless. Fix the strategy and run again.',
        1,
      );
    }
    const interval = primary.series.interval;
    const { summary, finalEquity, totalFees, totalFunding } = runFigures(result, spec.cash, interval);
    const computed = beside === undefined ? undefined : await beside.result;
    const regimes =
      regimeClose !== undefined
        ? regimeBreakdown({
            close: regimeClose,
            barTs: primary.series.ts.subarray(primary.from, primary.to),
            times: result.equityTs,
            equity: result.equity,
            exposure: result.exposure,
            startEquity: spec.cash,
            intervalMs: interval,
            fills: result.fills,
            window: spec.regimeWindow,
            ...(computed === undefined ? {} : { regimes: computed }),
            ...(memory === undefined ? {} : { volInto: memory.vol }),
          })
        : [];
    return {
      spec,
      strategyName: definition.name,
      params,
      instruments,
      series: loaded,
      result,
      summary,
      regimes,
      slippageCapped: { ...(sim?.slippageCapped ?? { fills: 0, amount: 0 }) },
      finalEquity,
      totalFees,
      totalFunding,
      warnings: loaded.flatMap((l) => l.warnings),
    };
  } finally {
    beside?.stop();
  }
}

/** A run's summary and its final books (the same for a backtest and a replay of a session). */
export function runFigures(result: BacktestResult, startEquity: number, intervalMs: number): { summary: Summary; finalEquity: number; totalFees: number; totalFunding: number } {
  const ledger = result.kernel.portfolio.ledger;
  const totalFees = toNumber(ledger.fees);
  const totalFunding = toNumber(ledger.funding);
  const summary = summarize({ startEquity, equity: result.equity, exposure: result.exposure, intervalMs, fills: result.fills, fees: totalFees, funding: totalFunding });
  return { summary, finalEquity: toNumber(result.kernel.portfolio.exactEquity()), totalFees, totalFunding };
}
