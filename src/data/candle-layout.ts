/**
 * What both candle parsers share (the byte scanner in candle-scan.ts and the checked line parser in
 * candles.ts): the result type, how the first line decides the layout and the columns, how price
 * decimals are counted, and the end of a load (bar interval, gap warnings). One definition, so
 * the two parsers cannot drift apart in what they accept or how they report it.
 */
import type { BarSeries, Symbol } from '../engine/index.ts';
import { DataError } from './errors.ts';
import { isoTime, parseTimestamp, splitUnit, type TimeUnit } from './time.ts';

export interface CandleFile {
  readonly series: BarSeries;
  readonly warnings: readonly string[];
  /** Most decimals seen in a price: the tick the data implies. */
  readonly priceDecimals: number;
  readonly layout: 'binance-kline' | 'plain' | 'header';
}

export interface Columns {
  ts: number;
  /** The unit the time column's name states (undefined: told by magnitude, or an ISO date). */
  tsUnit?: TimeUnit | undefined;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

const NAMES: Record<'ts' | 'open' | 'high' | 'low' | 'close' | 'volume', readonly string[]> = {
  ts: ['open_time', 'opentime', 'timestamp', 'time', 'date', 'datetime', 'ts', 'open time'],
  open: ['open', 'o'],
  high: ['high', 'h'],
  low: ['low', 'l'],
  close: ['close', 'c'],
  volume: ['volume', 'vol', 'v', 'base_volume'],
};

function headerColumns(header: string[], file: string): Columns {
  const lower = header.map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase().replace(/\(.*\)$/, ''));
  const find = (key: keyof typeof NAMES): number => {
    const i = lower.findIndex((h) => NAMES[key].includes(h));
    const units = key === 'ts' ? ', each optionally with a unit: _s, _ms, _us, _ns' : '';
    if (i < 0) throw new DataError(file, [`the header has no ${key === 'ts' ? 'time' : key} column (looked for: ${NAMES[key].join(', ')}${units}); header is: ${header.join(',')}`], 'cannot read the header');
    return i;
  };
  const time = header.map(splitUnit);
  const ts = time.findIndex((c) => NAMES.ts.includes(c.name));
  return { ts: ts >= 0 ? ts : find('ts'), tsUnit: time[ts]?.unit, open: find('open'), high: find('high'), low: find('low'), close: find('close'), volume: find('volume') };
}

const POSITIONAL: Columns = { ts: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 };
export const YEAR_2100 = Date.UTC(2100, 0, 1);

/**
 * A series of at least this many rows has its columns in shared memory, whichever way it was
 * loaded (the scanner, the cache), so a thread beside the run can read them in place (the regime
 * split's, src/cli/backtest/run.ts).
 */
export const SHARED_FROM_ROWS = 250_000;

export interface Layout {
  readonly cols: Columns;
  readonly layout: CandleFile['layout'];
  readonly hasHeader: boolean;
  /** Columns every row must have: those of the first line. */
  readonly width: number;
}

/** The layout the first line (split at commas) implies. Throws DataError for an unknown one. */
export function detectLayout(first: string[], file: string): Layout {
  const hasHeader = Number.isNaN(parseTimestamp(first[0] ?? ''));
  const width = first.length;
  if (hasHeader) return { cols: headerColumns(first, file), layout: 'header', hasHeader, width };
  if (first.length >= 11) return { cols: POSITIONAL, layout: 'binance-kline', hasHeader, width };
  if (first.length === 6) return { cols: POSITIONAL, layout: 'plain', hasHeader, width };
  throw new DataError(file, [`row 1 has ${first.length} columns`], 'unknown layout: expected Binance klines (12 columns), timestamp,open,high,low,close,volume, or a header naming those columns');
}

/** Decimals a price is written with (trailing zeros say nothing). */
export function decimals(text: string): number {
  const dot = text.indexOf('.');
  if (dot < 0) return 0;
  let end = text.length;
  while (end > dot + 1 && text.charCodeAt(end - 1) === 48) end--;
  return end - dot - 1;
}

/** Accepted rows, column-wise; arrays may be longer than `k`. */
export interface Rows {
  readonly k: number;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** File row (1-based line number) of accepted row i. */
  readonly rowOf: (i: number) => number;
}

/** The end of every load: at least 2 candles, the bar interval, the gap warnings (after `warnings` so far). */
export function finishCandles(r: Rows, file: string, sym: Symbol, warnings: string[], priceDecimals: number, layout: CandleFile['layout']): CandleFile {
  const { k, ts } = r;
  if (k < 2) throw new DataError(file, [], `needs at least 2 candles to know the bar interval (found ${k})`);
  const interval = modeDiff(ts, k);
  for (let i = 1; i < k; i++) {
    const d = (ts[i] as number) - (ts[i - 1] as number);
    if (d !== interval) {
      const missing = d / interval - 1;
      const what = Number.isInteger(missing) ? `${missing} missing bar${missing === 1 ? '' : 's'}` : `irregular step of ${d} ms (bars are ${interval} ms)`;
      warnings.push(`gap: ${what} between row ${r.rowOf(i - 1)} (${isoTime(ts[i - 1] as number)}) and row ${r.rowOf(i)} (${isoTime(ts[i] as number)})`);
    }
  }
  // A view, not a copy: the rows past k were never written, so their pages were never touched.
  const cut = (a: Float64Array): Float64Array => (a.length === k ? a : a.subarray(0, k));
  return {
    series: { symbol: sym, interval, length: k, ts: cut(ts), open: cut(r.open), high: cut(r.high), low: cut(r.low), close: cut(r.close), volume: cut(r.volume) },
    warnings,
    priceDecimals,
    layout,
  };
}

/** Most frequent step between consecutive times (the bar interval); ties go to the smaller step. */
function modeDiff(ts: Float64Array, n: number): number {
  const counts = new Map<number, number>();
  let run = (ts[1] as number) - (ts[0] as number);
  let runN = 0;
  for (let i = 1; i < n; i++) {
    const d = (ts[i] as number) - (ts[i - 1] as number);
    if (d === run) {
      runN++; // the common case, one step throughout: no map lookup per bar
      continue;
    }
    counts.set(run, (counts.get(run) ?? 0) + runN);
    run = d;
    runN = 1;
  }
  counts.set(run, (counts.get(run) ?? 0) + runN);
  let best = 0;
  let bestN = -1;
  for (const [d, c] of counts) if (c > bestN || (c === bestN && d < best)) [best, bestN] = [d, c];
  return best;
}
