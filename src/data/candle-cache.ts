/**
 * The binary candle cache: a parsed candle file's columns as raw float64s, beside the data in
 * `.parity-cache/<file name>.candles`, so a later load reads one file into one buffer and views it
 * as Float64Arrays (no parsing, no copy); a big one is read by two threads (SPLIT_READ_BYTES).
 *
 * Trust: a cache is used only when all of these hold, else it is rebuilt from the CSV (with a
 * one-line notice saying why) and never read: the magic and the loader version match; the header
 * parses; the source file's size, mtime and ctime (ns), inode and a CRC-32 of its first and last
 * 64 KiB match those recorded (any write to the file moves its ctime, which no tool can set back);
 * the cache has exactly the length its header implies; and the CRC-32 of each column matches.
 * The cache is written to a temporary file and renamed into place, so a reader never sees half a
 * cache. A data directory that cannot be written (read-only, permissions) just goes without one.
 *
 * Layout: "PRTYCNDL", u32 version, u32 header length, the header (JSON), zero padding to a multiple
 * of 8, then the ts, open, high, low, close and volume columns (n float64s each, little-endian).
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import type { Symbol } from '../engine/index.ts';
import { SHARED_FROM_ROWS, type CandleFile } from './candle-layout.ts';

/** Bump when the parser's results or this layout change: every older cache is then rebuilt. */
export const CANDLE_CACHE_VERSION = 2;
const MAGIC = Buffer.from('PRTYCNDL', 'latin1');
const SAMPLE = 64 * 1024;
const COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

/** What identifies the source file's content. */
interface SourceKey {
  readonly size: string;
  readonly mtimeNs: string;
  readonly ctimeNs: string;
  readonly ino: string;
  readonly sample: number;
}

interface Header {
  readonly key: SourceKey;
  readonly n: number;
  readonly interval: number;
  readonly layout: CandleFile['layout'];
  readonly priceDecimals: number;
  readonly warnings: readonly string[];
  /** CRC-32 of each column, in COLUMNS order. */
  readonly crcs: readonly number[];
}

/** Where the cache of a data file lives. */
export function candleCachePath(dataPath: string): string {
  return join(dirname(dataPath), '.parity-cache', `${basename(dataPath)}.candles`);
}

/** The source file's identity, read from the open file (undefined when it cannot be read). */
export function sourceKey(dataPath: string): SourceKey | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(dataPath, 'r');
    const st = fstatSync(fd, { bigint: true });
    const size = Number(st.size);
    const head = Buffer.alloc(Math.min(SAMPLE, size));
    readSync(fd, head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(SAMPLE, size));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    return { size: String(st.size), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs), ino: String(st.ino), sample: crc32(tail, crc32(head)) };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const sameKey = (a: SourceKey, b: SourceKey): boolean => a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.sample === b.sample;

export type CacheRead = { readonly file: CandleFile } | { readonly miss: 'absent' } | { readonly miss: 'untrusted'; readonly why: string };

/**
 * Payloads at least this big are read by two threads, each reading and checking half the columns.
 * On a fresh process every page of the columns is new memory to fault in (on some virtual machines
 * ~10 us a page, 0.4 s for 2M bars), and a second core takes half of that; below this size the
 * helper's start-up (~40 ms) costs more than it saves.
 */
export const SPLIT_READ_BYTES = 24 << 20;

export interface CacheReadOptions {
  /** See SPLIT_READ_BYTES (tests lower it to exercise the helper on small files). */
  readonly splitBytes?: number;
  /** The file the helper reads (default: the cache; tests name a missing or another file to exercise what guards its work). */
  readonly helperPath?: string;
}

/** Reads the cache for `dataPath` if it exists and can be trusted for `key`. */
export function readCandleCache(dataPath: string, key: SourceKey, sym: Symbol, opts: CacheReadOptions = {}): CacheRead {
  const path = candleCachePath(dataPath);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return { miss: 'absent' };
  }
  try {
    return readOpenCache(fd, path, key, sym, opts.splitBytes ?? SPLIT_READ_BYTES, opts.helperPath);
  } catch {
    return { miss: 'absent' }; // unreadable (EIO, a directory): rebuilt, as if there were none
  } finally {
    closeSync(fd);
  }
}

function readOpenCache(fd: number, path: string, key: SourceKey, sym: Symbol, splitBytes: number, helperPath: string | undefined): CacheRead {
  const untrusted = (why: string): CacheRead => ({ miss: 'untrusted', why });
  const size = fstatSync(fd).size;
  const head = readAt(fd, Buffer.alloc(Math.min(size, 16)), 0);
  if (size < 16 || !head.subarray(0, 8).equals(MAGIC)) return untrusted('it is not a candle cache');
  const version = head.readUInt32LE(8);
  if (version !== CANDLE_CACHE_VERSION) return untrusted(`it was written by loader version ${version}, this is version ${CANDLE_CACHE_VERSION}`);
  const headerLen = head.readUInt32LE(12);
  let h: Header;
  try {
    if (16 + headerLen > size) throw new Error('truncated');
    h = JSON.parse(readAt(fd, Buffer.alloc(headerLen), 16).toString('utf8')) as Header;
  } catch {
    return untrusted('its header is unreadable (truncated or corrupt)');
  }
  const off = align8(16 + headerLen);
  if (!Number.isInteger(h.n) || h.n < 0 || size !== off + h.n * 8 * COLUMNS.length) return untrusted(`it is ${size} bytes, its header says ${off + h.n * 48} (truncated or corrupt)`);
  if (!Array.isArray(h.crcs) || h.crcs.length !== COLUMNS.length) return untrusted('its header is unreadable (truncated or corrupt)');
  if (!sameKey(h.key, key)) return untrusted('the data file changed since it was written');
  const colBytes = h.n * 8;
  const bytes = colBytes * COLUMNS.length;
  const damaged = (i: number): CacheRead => untrusted(`the checksum of its ${COLUMNS[i]} column does not match (corrupt)`);
  /** Reads and checks columns [from, to) into `mem`; the verdict when one is damaged. */
  const read = (mem: ArrayBuffer | SharedArrayBuffer, from: number, to: number): CacheRead | undefined => {
    for (let i = from; i < to; i++) if (crc32(readAt(fd, Buffer.from(mem, i * colBytes, colBytes), off + i * colBytes)) !== h.crcs[i]) return damaged(i);
    return undefined;
  };
  // The columns are views of one buffer: shared for a long series (SHARED_FROM_ROWS) and when a helper fills part of it.
  const fresh = (): ArrayBuffer | SharedArrayBuffer => (h.n >= SHARED_FROM_ROWS ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const split = bytes >= splitBytes && bytes > 0 ? new SharedArrayBuffer(bytes) : undefined;
  let mem = split ?? fresh();
  const helper = split === undefined ? undefined : startColumnReader(helperPath ?? path, split, off, colBytes, HELPER_FROM);
  const mine = read(mem, 0, helper === undefined ? COLUMNS.length : HELPER_FROM);
  if (mine !== undefined) return mine;
  if (helper !== undefined) {
    const crcs = helper.wait();
    if (crcs === undefined) {
      // The helper failed (or is late, and may still write into `mem`): this thread reads it all, into memory of its own.
      mem = fresh();
      const all = read(mem, 0, COLUMNS.length);
      if (all !== undefined) return all;
    } else {
      for (let i = HELPER_FROM; i < COLUMNS.length; i++) if (crcs[i - HELPER_FROM] !== h.crcs[i]) return damaged(i);
    }
  }
  const col = (i: number): Float64Array => new Float64Array(mem, i * colBytes, h.n);
  const [ts, open, high, low, close, volume] = COLUMNS.map((_, i) => col(i)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  return { file: { series: { symbol: sym, interval: h.interval, length: h.n, ts, open, high, low, close, volume }, warnings: h.warnings, priceDecimals: h.priceDecimals, layout: h.layout } };
}

/** Fills `b` from the file at `pos`; a file that ends early leaves the rest as it was (the checksum then fails). */
function readAt(fd: number, b: Buffer, pos: number): Buffer {
  for (let at = 0; at < b.length; ) {
    const n = readSync(fd, b, at, b.length - at, pos + at);
    if (n === 0) break;
    at += n;
  }
  return b;
}

/** The helper reads columns HELPER_FROM.. (half the bytes), this thread the ones before. */
const HELPER_FROM = 3;

/**
 * The helper: a worker thread that reads columns `from`.. of the cache into the shared memory and
 * takes their checksums. Plain JavaScript evaluated as is (node: modules only), so it starts the
 * same from the compiled copy, through tsx, or under a test runner.
 */
const COLUMN_READER = `
const { workerData: w } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { crc32 } = require('node:zlib');
const ctl = new Int32Array(w.ctl);
const crcs = new Uint32Array(w.ctl, 4);
let status = 2;
try {
  const fd = openSync(w.path, 'r');
  try {
    for (let i = w.from; i < w.columns; i++) {
      const b = Buffer.from(w.mem, i * w.colBytes, w.colBytes);
      for (let at = 0; at < b.length; ) {
        const n = readSync(fd, b, at, b.length - at, w.off + i * w.colBytes + at);
        if (n === 0) throw new Error('short read');
        at += n;
      }
      crcs[i - w.from] = crc32(b);
    }
    status = 1;
  } finally {
    closeSync(fd);
  }
} catch {}
Atomics.store(ctl, 0, status);
Atomics.notify(ctl, 0);
`;

/** Longest wait for the helper before this thread reads its columns itself (it is normally done in a fraction of a second). */
const HELPER_PATIENCE_MS = 20_000;

function startColumnReader(path: string, mem: SharedArrayBuffer, off: number, colBytes: number, from: number): { wait(): readonly number[] | undefined } | undefined {
  const ctl = new SharedArrayBuffer(4 + 4 * (COLUMNS.length - from));
  let worker: Worker;
  try {
    worker = new Worker(COLUMN_READER, { eval: true, workerData: { path, mem, off, colBytes, from, columns: COLUMNS.length, ctl } });
  } catch {
    return undefined;
  }
  worker.on('error', () => {}); // a helper that fails reports through `ctl` (or not at all: then this thread reads)
  worker.unref();
  return {
    wait() {
      const status = new Int32Array(ctl);
      Atomics.wait(status, 0, 0, HELPER_PATIENCE_MS);
      return Atomics.load(status, 0) === 1 ? [...new Uint32Array(ctl, 4)] : undefined;
    },
  };
}

/** Writes the cache for `dataPath`; false when the directory cannot be written (the load goes on without it). */
export function writeCandleCache(dataPath: string, key: SourceKey, f: CandleFile): boolean {
  const s = f.series;
  const columns = COLUMNS.map((c) => Buffer.from(s[c].buffer, s[c].byteOffset, s.length * 8));
  const header: Header = { key, n: s.length, interval: s.interval, layout: f.layout, priceDecimals: f.priceDecimals, warnings: f.warnings, crcs: columns.map((c) => crc32(c)) };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pre = Buffer.alloc(align8(16 + json.length));
  MAGIC.copy(pre, 0);
  pre.writeUInt32LE(CANDLE_CACHE_VERSION, 8);
  pre.writeUInt32LE(json.length, 12);
  json.copy(pre, 16);
  const path = candleCachePath(dataPath);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    // Piece by piece, not one concatenated buffer: a copy of every column would be as much fresh memory again.
    const fd = openSync(tmp, 'w');
    try {
      for (const b of [pre, ...columns]) for (let at = 0; at < b.length; ) at += writeSync(fd, b, at, b.length - at);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    return true;
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the directory itself is unusable: nothing was written
    }
    return false;
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
