/**
 * The byte scanner and the checked parser agree on every file: the scanner either returns exactly
 * what the checked parser returns or hands the file over (undefined), and parseCandles (scanner,
 * then checked parser) equals the checked parser on clean files, on files with odd spellings
 * (spaces, CRLF, exponents, ISO times, stated units) and on files with bad rows alike.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { symbol } from '../../src/engine/index.ts';
import { parseCandles, parseChecked, type CandleFile } from '../../src/data/index.ts';
import { scanCandles, scanCandleStream, type ByteReader } from '../../src/data/candle-scan.ts';
import { SHARED_FROM_ROWS } from '../../src/data/candle-layout.ts';
import { tiledCsv } from '../kit/tiled-csv.ts';

const SYM = symbol('X');
const REAL = readFileSync('data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv', 'utf8');

function outcome(fn: () => CandleFile | undefined): unknown {
  try {
    const f = fn();
    if (f === undefined) return undefined;
    const s = f.series;
    return { ...f, series: { ...s, ts: [...s.ts], open: [...s.open], high: [...s.high], low: [...s.low], close: [...s.close], volume: [...s.volume] } };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** A reader over `bytes` that hands out at most `most` bytes a call, as a slow pipe or a short read would. */
function readerOf(bytes: Buffer, most: number): ByteReader {
  let pos = 0;
  return (into, at) => {
    const n = bytes.copy(into, at, pos, Math.min(bytes.length, pos + most, pos + into.length - at));
    pos += n;
    return n;
  };
}

const T0 = 1733007600000;
const price = fc.oneof(
  fc.integer({ min: 1, max: 99_999_999 }).map((n) => (n / 100).toFixed(2)),
  fc.integer({ min: 1, max: 9999 }).map((n) => `${n}.0`),
  fc.integer({ min: 1, max: 9999 }).map(String),
  fc.integer({ min: 1, max: 9999 }).map((n) => `${n / 1000}e3`),
  fc.integer({ min: 1, max: 99_999_999 }).map((n) => (n / 100).toFixed(2)),
  fc.constantFrom(' 12.5', '12.5 ', '', 'abc', '-3', '0', '12.50000000000000000000001', '1234567890123456789.5', '.5', '5.'),
);
const row = fc.record({ step: fc.constantFrom(1, 1, 1, 1, 1, 1, 1, 0, 2, -1), o: price, h: price, l: price, c: price, v: price, eol: fc.constantFrom('\n', '\n', '\r\n') });

describe('candle scanner', () => {
  it('returns what the checked parser returns, or hands the file over', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 8 }), fc.constantFrom('timestamp,open,high,low,close,volume', 'time_s,open,high,low,close,volume', 'date,o,h,l,c,v,extra', ''), fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 48 }), fc.integer({ min: 1, max: 64 }), (rows, header, iso, ordered, chunk, most) => {
        let t = T0;
        const lines = rows.map((raw) => {
          // Mostly consistent rows (low <= open, close <= high), so the scanner's accepting path is exercised too.
          const [l, o, c, h] = [raw.l, raw.o, raw.c, raw.h].sort((a, b) => Number(a) - Number(b));
          const r = ordered ? { ...raw, l, o, c, h } : raw;
          t += r.step * 60_000;
          const time = header.startsWith('time_s') ? String(t / 1000) : iso ? new Date(t).toISOString() : String(t);
          return `${time},${r.o},${r.h},${r.l},${r.c},${r.v}${header.endsWith('extra') ? ',x' : ''}${r.eol}`;
        });
        const text = (header === '' ? '' : `${header}\n`) + lines.join('');
        const checked = outcome(() => parseChecked(text, 'f.csv', SYM));
        const scanned = outcome(() => scanCandles(Buffer.from(text), 'f.csv', SYM));
        // Piece by piece, with pieces and reads so small that every line and field crosses a boundary somewhere.
        const bytes = Buffer.from(text);
        expect(outcome(() => scanCandleStream(readerOf(bytes, most), bytes.length, 'f.csv', SYM, chunk))).toEqual(scanned);
        if (scanned !== undefined) {
          expect(scanned).toEqual(checked);
          accepted++;
        }
        expect(outcome(() => parseCandles(text, 'f.csv', SYM))).toEqual(checked);
      }),
      { numRuns: 400 },
    );
    // The accepting path must have been exercised: about 26 of the 400 cases are clean (19 to 36 in
    // 15 runs of this test), so "more than 20" failed about one run in seven; a scanner that never
    // accepts gives 0.
    expect(accepted).toBeGreaterThan(5);
  });

  it('reads the bundled data itself, not through the checked parser', () => {
    expect(outcome(() => scanCandles(Buffer.from(REAL), 'b.csv', SYM))).toEqual(outcome(() => parseChecked(REAL, 'b.csv', SYM)));
    const real = Buffer.from(REAL);
    for (const [chunk, most] of [[4 << 20, 1 << 30], [4096, 1000], [997, 4096]] as const) {
      expect(outcome(() => scanCandleStream(readerOf(real, most), real.length, 'b.csv', SYM, chunk))).toEqual(outcome(() => parseChecked(REAL, 'b.csv', SYM)));
    }
    const crlf = REAL.replace(/\n/g, '\r\n');
    expect(outcome(() => scanCandles(Buffer.from(crlf), 'b.csv', SYM))).toEqual(outcome(() => parseChecked(REAL, 'b.csv', SYM)));
  });

  it('puts the columns of a big file in shared memory (a thread beside the run reads them in place), of a small one not', () => {
    const rows = REAL.trimEnd().split('\n').slice(1);
    const times = Math.ceil(SHARED_FROM_ROWS / rows.length) + 1;
    const tiled = Buffer.from(tiledCsv(REAL, times));
    const big = scanCandles(tiled, 'big.csv', SYM);
    const streamed = scanCandleStream(readerOf(tiled, 1 << 20), tiled.length, 'big.csv', SYM);
    expect(big?.series.length).toBe(rows.length * times);
    expect(big?.series.close.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(streamed?.series.close.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(streamed?.series.close ?? [])).toEqual(Array.from(big?.series.close ?? []));
    expect(Array.from(big?.series.close.subarray(0, rows.length) ?? [])).toEqual(Array.from(scanCandles(Buffer.from(REAL), 'b.csv', SYM)?.series.close ?? [1]));
    expect(scanCandles(Buffer.from(REAL), 'b.csv', SYM)?.series.close.buffer).toBeInstanceOf(ArrayBuffer);
  });
});
