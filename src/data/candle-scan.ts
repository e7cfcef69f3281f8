/**
 * The fast candle parser: one pass over the file's bytes straight into Float64Array columns, with
 * no string per line or field and no regex per row, validating as it goes.
 *
 * It accepts a file only when every row is clean: numbers written as plain digits (`96466.11`,
 * epoch integers), prices positive and inside low..high, volume not negative, times strictly
 * increasing. A field in any other spelling (an ISO date, `1e3`, spaces) is read through the same
 * functions the checked parser uses, so it means the same thing. At the first row that is not clean
 * (a bad value, a duplicate, an empty line, too few columns) it gives up and returns undefined: the
 * checked parser in candles.ts then reads the whole file and words the problems, so messages and
 * warnings come from one place and a file is never accepted by one parser and rejected by the other.
 *
 * Numbers: a field of at most 2^53 as digits with at most 22 decimals is m / 10^k of two exact
 * doubles, one correctly rounded division: the same double `Number(text)` gives (Clinger's fast
 * path). Longer fields go through `Number`.
 */
import type { Symbol } from '../engine/index.ts';
import { decimals, detectLayout, finishCandles, SHARED_FROM_ROWS, YEAR_2100, type CandleFile } from './candle-layout.ts';
import { epochByMagnitude, parseEpoch, parseTimestamp, toMs, type TimeUnit } from './time.ts';

const COMMA = 44;
const LF = 10;
const CR = 13;
const DOT = 46;
const EXACT = 2 ** 53;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Where the field's value goes: 0 time, 1..5 open high low close volume, -1 unused. */
const SLOT_TS = 0;
const SLOT_VOLUME = 5;

/** What the first line decides for every row: which field goes where, and how the time is read. */
interface Setup {
  readonly slotOf: Int8Array;
  readonly lastSlotCol: number;
  readonly unit: TimeUnit | undefined;
  readonly width: number;
}

/** The rows read so far (columns with room for `cap`), carried from one piece of the file to the next. */
interface Rows {
  ts: Float64Array;
  o: Float64Array;
  h: Float64Array;
  l: Float64Array;
  c: Float64Array;
  v: Float64Array;
  cap: number;
  /** Columns in shared memory (a long series: SHARED_FROM_ROWS). */
  shared: boolean;
  k: number;
  maxDec: number;
  prev: number;
}

/** The first line read: the layout, where the rows start in `buf`, and columns sized for a file of `totalBytes`. */
function begin(buf: Uint8Array, have: number, firstEnd: number, totalBytes: number, file: string): { setup: Setup; start: number; rows: Rows; layout: CandleFile['layout']; hasHeader: boolean } | undefined {
  const firstLine = Buffer.from(buf.buffer, buf.byteOffset, firstEnd - (firstEnd > 0 && buf[firstEnd - 1] === CR ? 1 : 0)).toString('utf8');
  if (firstLine.trim() === '') return undefined;
  const { cols, layout, hasHeader, width } = detectLayout(firstLine.split(','), file);
  const slotOf = new Int8Array(width).fill(-1);
  [cols.ts, cols.open, cols.high, cols.low, cols.close, cols.volume].forEach((c, slot) => (slotOf[c] = slot));
  const lastSlotCol = Math.max(cols.ts, cols.open, cols.high, cols.low, cols.close, cols.volume);
  const start = hasHeader ? firstEnd + 1 : 0;
  const rowEnd = hasHeader ? buf.subarray(0, have).indexOf(LF, start) : firstEnd;
  const firstRowBytes = Math.max(12, rowEnd - start + 1);
  const cap = Math.ceil(((totalBytes - start) / firstRowBytes) * 1.05) + 16;
  const shared = cap >= SHARED_FROM_ROWS; // cap: the rows the file's size implies
  const col = (): Float64Array => column(cap, shared);
  const rows: Rows = { ts: col(), o: col(), h: col(), l: col(), c: col(), v: col(), cap, shared, k: 0, maxDec: 0, prev: -Infinity };
  return { setup: { slotOf, lastSlotCol, unit: cols.tsUnit, width }, start, rows, layout, hasHeader };
}

function finish(r: Rows, hasHeader: boolean, layout: CandleFile['layout'], file: string, sym: Symbol): CandleFile | undefined {
  if (r.k < 2) return undefined;
  const firstRow = hasHeader ? 2 : 1;
  return finishCandles({ k: r.k, ts: r.ts, open: r.o, high: r.h, low: r.l, close: r.c, volume: r.v, rowOf: (i) => i + firstRow }, file, sym, [], r.maxDec, layout);
}

/**
 * Parses `buf` when every row is clean; undefined when the checked parser must read it (it then
 * accepts it with warnings or rejects it with messages). Throws DataError only for a bad first
 * line, exactly as the checked parser would.
 */
export function scanCandles(buf: Uint8Array, file: string, sym: Symbol): CandleFile | undefined {
  const firstEnd = buf.indexOf(LF);
  if (firstEnd < 0) return undefined;
  const b = begin(buf, buf.length, firstEnd, buf.length, file);
  if (b === undefined || !scanRows(buf, b.start, buf.length, b.setup, b.rows)) return undefined;
  return finish(b.rows, b.hasHeader, b.layout, file, sym);
}

/** Fills `into` from `at` with the source's next bytes; 0 at the end. */
export type ByteReader = (into: Buffer, at: number) => number;

/**
 * `scanCandles` over a source read piece by piece into one reused buffer of `chunk` bytes (grown
 * only for a line longer than it): the same result, but the file's bytes never sit in memory whole,
 * which on a fresh process is as much new memory to fault in as the columns themselves.
 */
export function scanCandleStream(read: ByteReader, totalBytes: number, file: string, sym: Symbol, chunk = 4 << 20): CandleFile | undefined {
  let buf = Buffer.allocUnsafe(Math.max(1, Math.min(chunk, totalBytes + 1)));
  let have = 0;
  let eof = false;
  const fill = (): void => {
    while (have < buf.length && !eof) {
      const n = read(buf, have);
      if (n === 0) eof = true;
      else have += n;
    }
  };
  const enlarge = (): void => {
    const b = Buffer.allocUnsafe(buf.length * 2);
    buf.copy(b, 0, 0, have);
    buf = b;
  };
  fill();
  let firstEnd = buf.subarray(0, have).indexOf(LF);
  while (firstEnd < 0 && !eof) {
    enlarge();
    fill();
    firstEnd = buf.subarray(0, have).indexOf(LF);
  }
  if (firstEnd < 0) return undefined;
  const b = begin(buf, have, firstEnd, totalBytes, file);
  if (b === undefined) return undefined;
  let p = b.start;
  for (;;) {
    // Whole lines only: a piece ends just after a line feed, or at the end of the file.
    const end = eof ? have : buf.subarray(0, have).lastIndexOf(LF) + 1;
    if (end > p && !scanRows(buf, p, end, b.setup, b.rows)) return undefined;
    if (eof) break;
    if (end <= p && p === 0) enlarge(); // one line longer than the buffer
    else {
      const from = Math.max(p, end);
      buf.copy(buf, 0, from, have);
      have -= from;
      p = 0;
    }
    fill();
  }
  return finish(b.rows, b.hasHeader, b.layout, file, sym);
}

/** Scans the whole lines in buf[p, len) into `r`; false at the first row that is not clean. */
function scanRows(buf: Uint8Array, p: number, len: number, s: Setup, r: Rows): boolean {
  const { slotOf, lastSlotCol, unit, width } = s;
  let { ts, o, h, l, c, v, cap, k, maxDec, prev } = r;
  const vals = new Float64Array(6);
  while (p < len) {
    let ch = buf[p] as number;
    if (ch === LF || ch === CR || ch === 32 || ch === 9) return false; // an empty line, or trailing blank lines: the checked parser
    let fi = 0;
    for (;;) {
      const a = p;
      // One field: digits with at most one dot, accumulated as an integer m and a decimal count.
      let m = 0;
      let intDigits = 0;
      let fracDigits = -1;
      let lastNonZero = 0;
      let plain = true;
      while (p < len && (ch = buf[p] as number) !== COMMA && ch !== LF) {
        const d = ch - 48;
        if (d >= 0 && d <= 9) {
          m = m * 10 + d;
          if (fracDigits < 0) intDigits++;
          else {
            fracDigits++;
            if (d !== 0) lastNonZero = fracDigits;
          }
        } else if (ch === DOT && fracDigits < 0) fracDigits = 0;
        else if (ch !== CR || buf[p + 1] !== LF) plain = false; // a CR before the LF ends the line, as in the checked parser

        p++;
      }
      const slot = fi < width ? (slotOf[fi] as number) : -1;
      if (slot >= 0) {
        if (plain && intDigits > 0 && fracDigits !== 0 && m <= EXACT && fracDigits <= 22) {
          const x = fracDigits > 0 ? m / (POW10[fracDigits] as number) : m;
          if (slot === SLOT_TS) vals[0] = unit === undefined ? epochByMagnitude(x) : toMs(x, unit);
          else {
            vals[slot] = x;
            if (slot !== SLOT_VOLUME && lastNonZero > maxDec) maxDec = lastNonZero;
          }
        } else {
          // Another spelling: the checked parser's own reading of it (a CR before LF is not part of the line).
          const b = p < len && ch === LF && p > a && buf[p - 1] === CR ? p - 1 : p;
          const text = Buffer.from(buf.buffer, buf.byteOffset + a, b - a).toString('utf8');
          const trimmed = text.trim();
          if (slot === SLOT_TS) vals[0] = unit === undefined ? parseTimestamp(trimmed) : parseEpoch(trimmed, unit);
          else {
            vals[slot] = trimmed === '' ? NaN : Number(text);
            if (slot !== SLOT_VOLUME) maxDec = Math.max(maxDec, decimals(trimmed));
          }
        }
      }
      fi++;
      if (p >= len || ch === LF) break;
      p++; // the comma
      if (fi > lastSlotCol) {
        // The columns after the last one read: only counted.
        while (p < len && (ch = buf[p] as number) !== LF) {
          if (ch === COMMA) fi++;
          p++;
        }
        fi++;
        break;
      }
    }
    p++; // the line feed
    if (fi < width) return false;
    const t = vals[0] as number;
    const op = vals[1] as number;
    const hi = vals[2] as number;
    const lo = vals[3] as number;
    const cl = vals[4] as number;
    const vol = vals[5] as number;
    // Every rule of the checked parser; NaN fails each comparison, so it is not clean either.
    if (!(t > prev)) return false;
    if (unit !== undefined && !(t >= 0 && t < YEAR_2100)) return false;
    if (!(lo > 0 && hi >= lo && op >= lo && op <= hi && cl >= lo && cl <= hi && vol >= 0 && hi < Infinity && vol < Infinity)) return false;
    if (k === cap) {
      cap *= 2;
      [ts, o, h, l, c, v] = [grow(ts, cap, r.shared), grow(o, cap, r.shared), grow(h, cap, r.shared), grow(l, cap, r.shared), grow(c, cap, r.shared), grow(v, cap, r.shared)];
    }
    ts[k] = t;
    o[k] = op;
    h[k] = hi;
    l[k] = lo;
    c[k] = cl;
    v[k] = vol;
    prev = t;
    k++;
  }
  r.ts = ts;
  r.o = o;
  r.h = h;
  r.l = l;
  r.c = c;
  r.v = v;
  r.cap = cap;
  r.k = k;
  r.maxDec = maxDec;
  r.prev = prev;
  return true;
}

function column(n: number, shared: boolean): Float64Array {
  return shared ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n);
}

function grow(a: Float64Array, cap: number, shared: boolean): Float64Array {
  const b = column(cap, shared);
  b.set(a);
  return b;
}
