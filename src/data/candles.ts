/**
 * Candle CSV loading with validation.
 *
 * Layouts: Binance klines as data.binance.vision ships them (12 columns, no header: open time,
 * open, high, low, close, volume, close time, quote volume, trades, taker buy base, taker buy
 * quote, ignore), a plain `timestamp,open,high,low,close,volume`, or any file whose header names
 * those columns (open_time / timestamp / time / date / ts). Timestamps are epoch s/ms/µs/ns or ISO
 * dates, and mark the candle's open; a time column whose name states a unit (`timestamp_ms`,
 * `open_time_s`, `ts_us`, `time (ns)`) is read in that unit, never guessed from the magnitude.
 *
 * Rejected (the load fails, naming each row): unparseable values, non-positive or NaN prices,
 * high < low, open/close outside [low, high], negative volume, rows out of time order, two rows
 * for one time with different values. Flagged (kept, reported as warnings): gaps, and exact
 * duplicate rows (dropped).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { BarSeries, Symbol } from '../engine/index.ts';
import { DataError } from './errors.ts';
import { isoTime, parseEpoch, parseTimestamp, splitUnit, UNIT_NAME, type TimeUnit } from './time.ts';

export interface CandleFile {
  readonly series: BarSeries;
  readonly warnings: readonly string[];
  /** Most decimals seen in a price: the tick the data implies. */
  readonly priceDecimals: number;
  readonly layout: 'binance-kline' | 'plain' | 'header';
}

interface Columns {
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
const YEAR_2100 = Date.UTC(2100, 0, 1);

function decimals(text: string): number {
  const dot = text.indexOf('.');
  if (dot < 0) return 0;
  let end = text.length;
  while (end > dot + 1 && text.charCodeAt(end - 1) === 48) end--; // trailing zeros say nothing
  return end - dot - 1;
}

/** Reads a candle file (plain or .gz) and validates it. Throws DataError. */
export function loadCandles(path: string, sym: Symbol): CandleFile {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : code === 'EACCES' ? 'permission denied' : String(err);
    throw new DataError(path, [], `cannot read the data file: ${why}`);
  }
  const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return parseCandles(text, basename(path), sym);
}

export function parseCandles(text: string, file: string, sym: Symbol): CandleFile {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && (lines[lines.length - 1] as string).trim() === '') lines.pop();
  if (lines.length === 0) throw new DataError(file, [], 'the file is empty');
  const first = (lines[0] as string).split(',');
  const hasHeader = Number.isNaN(parseTimestamp(first[0] ?? ''));
  let cols: Columns;
  let layout: CandleFile['layout'];
  if (hasHeader) {
    cols = headerColumns(first, file);
    layout = 'header';
  } else if (first.length >= 11) {
    cols = POSITIONAL;
    layout = 'binance-kline';
  } else if (first.length === 6) {
    cols = POSITIONAL;
    layout = 'plain';
  } else {
    throw new DataError(file, [`row 1 has ${first.length} columns`], 'unknown layout: expected Binance klines (12 columns), timestamp,open,high,low,close,volume, or a header naming those columns');
  }
  const start = hasHeader ? 1 : 0;
  const width = hasHeader ? first.length : first.length;
  const n = lines.length - start;
  const ts = new Float64Array(n);
  const o = new Float64Array(n);
  const h = new Float64Array(n);
  const l = new Float64Array(n);
  const c = new Float64Array(n);
  const v = new Float64Array(n);
  const rowOf: number[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  let k = 0;
  let maxDec = 0;
  for (let li = start; li < lines.length; li++) {
    const row = li + 1;
    const line = lines[li] as string;
    if (line.trim() === '') {
      errors.push(`row ${row}: empty line`);
      continue;
    }
    const f = line.split(',');
    if (f.length < width) {
      errors.push(`row ${row}: ${f.length} columns, expected ${width}`);
      continue;
    }
    const unit = cols.tsUnit;
    const rawTime = (f[cols.ts] as string).trim();
    const t = unit === undefined ? parseTimestamp(rawTime) : parseEpoch(rawTime, unit);
    const vals = [f[cols.open], f[cols.high], f[cols.low], f[cols.close], f[cols.volume]].map((x) => (x === undefined || x.trim() === '' ? NaN : Number(x)));
    const [op, hi, lo, cl, vol] = vals as [number, number, number, number, number];
    const bad: string[] = [];
    if (unit !== undefined && !(t >= 0 && t < YEAR_2100)) {
      const col = (first[cols.ts] ?? '').trim();
      bad.push(Number.isNaN(t) ? `time "${rawTime}" is not a number of ${UNIT_NAME[unit]} (the column is ${col})` : `time ${rawTime} in ${UNIT_NAME[unit]} (the column is ${col}) is not between 1970 and 2100: is the column in another unit?`);
    } else if (Number.isNaN(t)) bad.push(`time "${f[cols.ts]}" is not a timestamp`);
    (['open', 'high', 'low', 'close'] as const).forEach((name, i) => {
      const x = vals[i] as number;
      if (!Number.isFinite(x)) bad.push(`${name} "${(f[cols[name]] ?? '').trim()}" is not a number`);
      else if (x <= 0) bad.push(`${name} ${x} is not positive`);
    });
    if (!Number.isFinite(vol)) bad.push(`volume "${(f[cols.volume] ?? '').trim()}" is not a number`);
    else if (vol < 0) bad.push(`volume ${vol} is negative`);
    if (bad.length === 0) {
      if (hi < lo) bad.push(`high ${hi} < low ${lo}`);
      else {
        if (op < lo || op > hi) bad.push(`open ${op} outside low..high ${lo}..${hi}`);
        if (cl < lo || cl > hi) bad.push(`close ${cl} outside low..high ${lo}..${hi}`);
      }
    }
    if (bad.length > 0) {
      errors.push(`row ${row}: ${bad.join('; ')}`);
      continue;
    }
    if (k > 0) {
      const prev = ts[k - 1] as number;
      if (t < prev) {
        errors.push(`row ${row}: out of order: ${isoTime(t)} comes after ${isoTime(prev)} (row ${rowOf[k - 1]})`);
        continue;
      }
      if (t === prev) {
        const same = o[k - 1] === op && h[k - 1] === hi && l[k - 1] === lo && c[k - 1] === cl && v[k - 1] === vol;
        if (same) warnings.push(`row ${row}: exact duplicate of row ${rowOf[k - 1]} (${isoTime(t)}), dropped`);
        else errors.push(`row ${row}: duplicate time ${isoTime(t)} (also row ${rowOf[k - 1]}) with different values`);
        continue;
      }
    }
    for (const i of [cols.open, cols.high, cols.low, cols.close]) maxDec = Math.max(maxDec, decimals((f[i] as string).trim()));
    ts[k] = t;
    o[k] = op;
    h[k] = hi;
    l[k] = lo;
    c[k] = cl;
    v[k] = vol;
    rowOf.push(row);
    k++;
  }
  if (errors.length > 0) throw new DataError(file, errors, `${errors.length} bad row${errors.length === 1 ? '' : 's'}; nothing was loaded`);
  if (k < 2) throw new DataError(file, [], `needs at least 2 candles to know the bar interval (found ${k})`);
  const interval = modeDiff(ts, k);
  for (let i = 1; i < k; i++) {
    const d = (ts[i] as number) - (ts[i - 1] as number);
    if (d !== interval) {
      const missing = d / interval - 1;
      const what = Number.isInteger(missing) ? `${missing} missing bar${missing === 1 ? '' : 's'}` : `irregular step of ${d} ms (bars are ${interval} ms)`;
      warnings.push(`gap: ${what} between row ${rowOf[i - 1]} (${isoTime(ts[i - 1] as number)}) and row ${rowOf[i]} (${isoTime(ts[i] as number)})`);
    }
  }
  return {
    series: { symbol: sym, interval, length: k, ts: ts.slice(0, k), open: o.slice(0, k), high: h.slice(0, k), low: l.slice(0, k), close: c.slice(0, k), volume: v.slice(0, k) },
    warnings,
    priceDecimals: maxDec,
    layout,
  };
}

/** Most frequent step between consecutive times (the bar interval). */
function modeDiff(ts: Float64Array, n: number): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < n; i++) {
    const d = (ts[i] as number) - (ts[i - 1] as number);
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = 0;
  let bestN = -1;
  for (const [d, c] of counts) if (c > bestN || (c === bestN && d < best)) [best, bestN] = [d, c];
  return best;
}

/** Index range [from, to) of bars whose open time is in [fromMs, toMs). */
export function sliceRange(s: BarSeries, fromMs: number, toMs: number): { from: number; to: number } {
  let from = 0;
  while (from < s.length && (s.ts[from] as number) < fromMs) from++;
  let to = from;
  while (to < s.length && (s.ts[to] as number) < toMs) to++;
  return { from, to };
}
