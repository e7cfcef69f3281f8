/**
 * The binary candle cache: a second load reads the cache (the columns are views of its bytes) and
 * equals the CSV load; a changed data file, a truncated cache, another loader version's cache and
 * a corrupt one are each rebuilt with a one-line notice and never trusted; a data directory where
 * no cache can be written still loads.
 */
import { mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { symbol } from '../../src/engine/index.ts';
import { CANDLE_CACHE_VERSION, candleCachePath, loadCandles, parseChecked, type CandleFile } from '../../src/data/index.ts';
import { readCandleCache, sourceKey } from '../../src/data/candle-cache.ts';

const SYM = symbol('BTCUSDT');
const REAL = 'data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv';
const csv = readFileSync(REAL, 'utf8');

const columns = (f: CandleFile): unknown => ({
  ...f,
  series: { ...f.series, ts: [...f.series.ts], open: [...f.series.open], high: [...f.series.high], low: [...f.series.low], close: [...f.series.close], volume: [...f.series.volume] },
});

let dir: string;
let data: string;
let notices: string[];
const load = (): CandleFile => loadCandles(data, SYM, { cache: true, onNotice: (l) => notices.push(l) });
/** True when the series' columns are views of one buffer of the cache's columns (read from the cache, not parsed). */
const fromCache = (f: CandleFile): boolean =>
  f.series.ts.buffer === f.series.close.buffer && f.series.close.buffer.byteLength === f.series.length * 48 && statSync(candleCachePath(data)).size > f.series.length * 48;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parity-cache-'));
  data = join(dir, 'BTCUSDT-1m.csv');
  writeFileSync(data, csv);
  notices = [];
});

describe('candle cache', () => {
  it('writes the cache on the first load and reads it on the next, with the same result as the CSV', () => {
    const first = load();
    expect(fromCache(first)).toBe(false);
    const second = load();
    expect(fromCache(second)).toBe(true);
    expect(columns(second)).toEqual(columns(parseChecked(csv, 'BTCUSDT-1m.csv', SYM)));
    expect(notices).toEqual([]);
  });

  it('rebuilds when the data changed, even at the same size and mtime', () => {
    load();
    const st = statSync(data);
    const changed = csv.replace('96466.11', '96466.12'); // the first open, same length
    writeFileSync(data, changed);
    utimesSync(data, st.atime, st.mtime);
    const f = load();
    expect(f.series.open[0]).toBe(96466.12);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/rebuilding the candle cache .*: the data file changed/);
    expect(fromCache(load())).toBe(true);
  });

  it('rebuilds a truncated cache', () => {
    load();
    const bytes = readFileSync(candleCachePath(data));
    writeFileSync(candleCachePath(data), bytes.subarray(0, bytes.length - 1000));
    const f = load();
    expect(notices[0]).toMatch(/truncated/);
    expect(columns(f)).toEqual(columns(parseChecked(csv, 'BTCUSDT-1m.csv', SYM)));
    expect(fromCache(load())).toBe(true);
    expect(notices).toHaveLength(1);
  });

  it('rebuilds a cache of another loader version', () => {
    load();
    const bytes = readFileSync(candleCachePath(data));
    bytes.writeUInt32LE(CANDLE_CACHE_VERSION + 1, 8);
    writeFileSync(candleCachePath(data), bytes);
    load();
    expect(notices).toEqual([expect.stringContaining(`written by loader version ${CANDLE_CACHE_VERSION + 1}, this is version ${CANDLE_CACHE_VERSION}`)]);
    expect(readFileSync(candleCachePath(data)).readUInt32LE(8)).toBe(CANDLE_CACHE_VERSION);
  });

  it('rebuilds a cache whose columns were damaged (checksum)', () => {
    load();
    const bytes = readFileSync(candleCachePath(data));
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0xff; // a bit of the last volume
    writeFileSync(candleCachePath(data), bytes);
    const f = load();
    expect(notices[0]).toMatch(/the checksum of its volume column does not match/);
    expect(f.series.volume[f.series.length - 1]).toBe(parseChecked(csv, 'x', SYM).series.volume[f.series.length - 1]);
  });

  it('reads a big cache on two threads (the helper reads half the columns) with the same result, and still checks every column', () => {
    const csvFile = load();
    const key = sourceKey(data);
    if (key === undefined) throw new Error('no source key');
    const one = readCandleCache(data, key, SYM, { splitBytes: Infinity });
    const two = readCandleCache(data, key, SYM, { splitBytes: 1 });
    if (!('file' in one) || !('file' in two)) throw new Error('the cache was not read');
    expect(two.file.series.close.buffer).toBeInstanceOf(SharedArrayBuffer); // the helper's path was taken
    expect(one.file.series.close.buffer).toBeInstanceOf(ArrayBuffer);
    expect(columns(two.file)).toEqual(columns(csvFile));
    expect(columns(one.file)).toEqual(columns(csvFile));
    // A damaged byte in a column the helper reads (close), and in one this thread reads (open).
    const bytes = readFileSync(candleCachePath(data));
    const colBytes = csvFile.series.length * 8;
    const payload = bytes.length - 6 * colBytes;
    for (const [col, name] of [[4, 'close'], [1, 'open']] as const) {
      const bad = Buffer.from(bytes);
      const at = payload + col * colBytes + 12_345;
      bad[at] = (bad[at] as number) ^ 0x01;
      writeFileSync(candleCachePath(data), bad);
      expect(readCandleCache(data, key, SYM, { splitBytes: 1 })).toEqual({ miss: 'untrusted', why: `the checksum of its ${name} column does not match (corrupt)` });
    }
  });

  it('a helper that cannot read leaves the whole read to this thread, and one that reads another file is caught by the checksums', () => {
    const csvFile = load();
    const key = sourceKey(data);
    if (key === undefined) throw new Error('no source key');
    const failed = readCandleCache(data, key, SYM, { splitBytes: 1, helperPath: join(dir, 'missing.candles') });
    if (!('file' in failed)) throw new Error(`the cache was not read: ${JSON.stringify(failed)}`);
    expect(failed.file.series.close.buffer).toBeInstanceOf(ArrayBuffer); // read again here, into memory the helper does not hold
    expect(columns(failed.file)).toEqual(columns(csvFile));
    // Another cache file of the same size (the same data with one close changed): the helper's columns fail their checksum.
    const other = join(dir, 'other.candles');
    const bytes = readFileSync(candleCachePath(data));
    const colBytes = csvFile.series.length * 8;
    const at = bytes.length - 6 * colBytes + 4 * colBytes + 8 * 100; // close[100]
    bytes.writeDoubleLE(bytes.readDoubleLE(at) + 0.01, at);
    writeFileSync(other, bytes);
    expect(readCandleCache(data, key, SYM, { splitBytes: 1, helperPath: other })).toEqual({ miss: 'untrusted', why: 'the checksum of its close column does not match (corrupt)' });
  });

  it('loads without a cache where none can be written', () => {
    // `.parity-cache` taken by a plain file: the cache directory cannot be made (as in a read-only
    // data directory; the tests may run as root, which chmod does not stop).
    writeFileSync(join(dir, '.parity-cache'), 'not a directory');
    const a = load();
    const b = load();
    expect(columns(b)).toEqual(columns(a));
    expect(a.series.length).toBe(41_761);
    expect(notices).toEqual([]);
  });

  it('leaves the data alone without the option', () => {
    loadCandles(data, SYM);
    expect(() => statSync(candleCachePath(data))).toThrow();
  });
});
