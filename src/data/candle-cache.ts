/**
 * The binary candle cache: a parsed candle file's columns as raw float64s, beside the data in
 * `.parity-cache/<file name>.candles`, so a later load reads one file and views its bytes as
 * Float64Arrays (no parsing, no copy).
 *
 * Trust: a cache is used only when all of these hold, else it is rebuilt from the CSV (with a
 * one-line notice saying why) and never read: the magic and the loader version match; the header
 * parses; the source file's size, mtime and ctime (ns), inode and a CRC-32 of its first and last
 * 64 KiB match those recorded (any write to the file moves its ctime, which no tool can set back);
 * the cache has exactly the length its header implies; and the CRC-32 of the columns matches.
 * The cache is written to a temporary file and renamed into place, so a reader never sees half a
 * cache. A data directory that cannot be written (read-only, permissions) just goes without one.
 *
 * Layout: "PRTYCNDL", u32 version, u32 header length, the header (JSON), zero padding to a multiple
 * of 8, then the ts, open, high, low, close and volume columns (n float64s each, little-endian).
 */
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Symbol } from '../engine/index.ts';
import type { CandleFile } from './candle-layout.ts';

/** Bump when the parser's results or this layout change: every older cache is then rebuilt. */
export const CANDLE_CACHE_VERSION = 1;
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
  readonly crc: number;
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

/** Reads the cache for `dataPath` if it exists and can be trusted for `key`. */
export function readCandleCache(dataPath: string, key: SourceKey, sym: Symbol): CacheRead {
  let buf: Buffer;
  try {
    buf = readFileSync(candleCachePath(dataPath));
  } catch {
    return { miss: 'absent' };
  }
  const untrusted = (why: string): CacheRead => ({ miss: 'untrusted', why });
  if (buf.length < 16 || !buf.subarray(0, 8).equals(MAGIC)) return untrusted('it is not a candle cache');
  const version = buf.readUInt32LE(8);
  if (version !== CANDLE_CACHE_VERSION) return untrusted(`it was written by loader version ${version}, this is version ${CANDLE_CACHE_VERSION}`);
  const headerLen = buf.readUInt32LE(12);
  let h: Header;
  try {
    h = JSON.parse(buf.toString('utf8', 16, 16 + headerLen)) as Header;
  } catch {
    return untrusted('its header is unreadable (truncated or corrupt)');
  }
  const off = align8(16 + headerLen);
  if (!Number.isInteger(h.n) || buf.length !== off + h.n * 8 * COLUMNS.length) return untrusted(`it is ${buf.length} bytes, its header says ${off + h.n * 48} (truncated or corrupt)`);
  if (!sameKey(h.key, key)) return untrusted('the data file changed since it was written');
  const payload = buf.subarray(off);
  if (crc32(payload) !== h.crc) return untrusted('its checksum does not match (corrupt)');
  const base = buf.byteOffset % 8 === 0 ? buf : Buffer.from(buf); // a Float64Array view needs 8-byte alignment
  const col = (i: number): Float64Array => new Float64Array(base.buffer, base.byteOffset + off + i * h.n * 8, h.n);
  const [ts, open, high, low, close, volume] = COLUMNS.map((_, i) => col(i)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  return { file: { series: { symbol: sym, interval: h.interval, length: h.n, ts, open, high, low, close, volume }, warnings: h.warnings, priceDecimals: h.priceDecimals, layout: h.layout } };
}

/** Writes the cache for `dataPath`; false when the directory cannot be written (the load goes on without it). */
export function writeCandleCache(dataPath: string, key: SourceKey, f: CandleFile): boolean {
  const s = f.series;
  const columns = COLUMNS.map((c) => Buffer.from(s[c].buffer, s[c].byteOffset, s.length * 8));
  let crc = 0;
  for (const c of columns) crc = crc32(c, crc);
  const header: Header = { key, n: s.length, interval: s.interval, layout: f.layout, priceDecimals: f.priceDecimals, warnings: f.warnings, crc };
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
