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
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { BarSeries, Symbol } from '../engine/index.ts';
import { candleCachePath, readCandleCache, sourceKey, writeCandleCache } from './candle-cache.ts';
import { scanCandles, scanCandleStream } from './candle-scan.ts';
import { decimals, detectLayout, finishCandles, YEAR_2100, type CandleFile } from './candle-layout.ts';
import { DataError } from './errors.ts';
import { isoTime, parseEpoch, parseTimestamp, UNIT_NAME } from './time.ts';

export type { CandleFile } from './candle-layout.ts';

export interface LoadOptions {
  /**
   * Keep a binary cache beside the data (`.parity-cache/`, see candle-cache.ts) and read it instead
   * of the CSV while the file is unchanged. Default false.
   */
  readonly cache?: boolean;
  /** Receives one line when a cache could not be trusted and was rebuilt. */
  readonly onNotice?: (line: string) => void;
}

/** Reads a candle file (plain or .gz) and validates it, or its cache. Throws DataError. */
export function loadCandles(path: string, sym: Symbol, opts: LoadOptions = {}): CandleFile {
  const key = opts.cache === true ? sourceKey(path) : undefined;
  if (key !== undefined) {
    const hit = readCandleCache(path, key, sym);
    if ('file' in hit) return hit.file;
    if (hit.miss === 'untrusted') opts.onNotice?.(`${path}: rebuilding the candle cache ${candleCachePath(path)}: ${hit.why}`);
  }
  const file = basename(path);
  const gz = path.endsWith('.gz');
  // A plain file is scanned piece by piece (candle-scan.ts); read whole only for gunzip or the checked parser.
  let parsed = gz ? undefined : readData(path, (fd) => scanCandleStream((into, at) => readSync(fd, into, at, into.length - at, null), fstatSync(fd).size, file, sym));
  if (parsed === undefined) {
    const raw = readData(path, (fd) => readFileSync(fd));
    const bytes = gz ? gunzipSync(raw) : raw;
    parsed = (gz ? scanCandles(bytes, file, sym) : undefined) ?? parseChecked(bytes.toString('utf8'), file, sym);
  }
  if (key !== undefined) writeCandleCache(path, key, parsed);
  return parsed;
}

/** `use` on the open data file; a file that cannot be opened or read is a DataError saying why. */
function readData<T>(path: string, use: (fd: number) => T): T {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw unreadable(path, err);
  }
  try {
    return use(fd);
  } catch (err) {
    // The system's errors (EISDIR, EIO, ...) say the file is unreadable; anything else is not about reading.
    if (typeof (err as NodeJS.ErrnoException).code === 'string' && !(err instanceof DataError)) throw unreadable(path, err);
    throw err;
  } finally {
    closeSync(fd);
  }
}

function unreadable(path: string, err: unknown): DataError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : code === 'EACCES' ? 'permission denied' : String(err);
  return new DataError(path, [], `cannot read the data file: ${why}`);
}

/** Parses candle CSV text: the byte scanner when every row is clean, else the checked parser (same results, its messages). */
export function parseCandles(text: string, file: string, sym: Symbol): CandleFile {
  return scanCandles(Buffer.from(text, 'utf8'), file, sym) ?? parseChecked(text, file, sym);
}

/** The checked parser: line by line, every problem of every row worded; the reference for what is accepted. */
export function parseChecked(text: string, file: string, sym: Symbol): CandleFile {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && (lines[lines.length - 1] as string).trim() === '') lines.pop();
  if (lines.length === 0) throw new DataError(file, [], 'the file is empty');
  const first = (lines[0] as string).split(',');
  const { cols, layout, hasHeader, width } = detectLayout(first, file);
  const start = hasHeader ? 1 : 0;
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
  return finishCandles({ k, ts, open: o, high: h, low: l, close: c, volume: v, rowOf: (i) => rowOf[i] as number }, file, sym, warnings, maxDec, layout);
}

/**
 * Index range [from, to) of bars whose open time is in [fromMs, toMs). A series is ascending by
 * open time, so two binary searches (a scan to the end of 2M bars took ~12 ms).
 */
export function sliceRange(s: BarSeries, fromMs: number, toMs: number): { from: number; to: number } {
  const from = firstNotBefore(s.ts, 0, s.length, fromMs);
  return { from, to: firstNotBefore(s.ts, from, s.length, toMs) };
}

/** The first index in [lo, hi) of ascending `ts` whose time is not before `t` (hi when none). */
function firstNotBefore(ts: Float64Array, lo: number, hi: number, t: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ts[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
