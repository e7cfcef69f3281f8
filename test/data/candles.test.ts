import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { symbol } from '../../src/engine/index.ts';
import fc from 'fast-check';
import { DataError, loadCandles, parseCandles, parseFunding, sliceRange } from '../../src/data/index.ts';

const SYM = symbol('BTCUSDT');
const REAL = 'data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv';

function problems(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return (err as Error).message;
  }
  throw new Error('expected a DataError');
}

describe('candle files', () => {
  it('loads the bundled Binance data: 41,761 one-minute bars, no warnings', () => {
    const f = loadCandles(REAL, SYM);
    expect(f.layout).toBe('header');
    expect(f.series.length).toBe(41_761);
    expect(f.series.interval).toBe(60_000);
    expect(f.warnings).toEqual([]);
    expect(f.priceDecimals).toBe(2);
    expect(f.series.ts[0]).toBe(1733007600000);
    expect(f.series.open[0]).toBe(96466.11);
  });

  it('reads the Binance kline layout (no header, 12 columns, µs or ms times) and the plain layout', () => {
    const rows = readFileSync(REAL, 'utf8').split('\n').slice(1, 4);
    const kline = rows
      .map((r) => {
        const [ot, o, h, l, c, v, qv, n, ct] = r.split(',');
        return [ot, o, h, l, c, v, ct, qv, n, '0', '0', '0'].join(',');
      })
      .join('\n');
    const a = parseCandles(kline, 'k.csv', SYM);
    expect(a.layout).toBe('binance-kline');
    expect(Array.from(a.series.close)).toEqual([96440.0, 96454.62, Number(rows[2]?.split(',')[4])]);
    const micros = kline.replace(/^(\d{13})/gm, '$1000');
    expect(Array.from(parseCandles(micros, 'k.csv', SYM).series.ts)).toEqual(Array.from(a.series.ts));
    const plain = rows.map((r) => r.split(',').slice(0, 6).join(',')).join('\n');
    expect(parseCandles(plain, 'p.csv', SYM).layout).toBe('plain');
    const iso = 'timestamp,open,high,low,close,volume\n2021-12-31 23:01:00.000000,46319.0,46385.0,46319.0,46377.0,2300413.7\n2021-12-31 23:02:00.000000,46377.0,46411.0,46377.0,46411.0,1829623.1';
    expect(parseCandles(iso, 'f.csv', SYM).series.ts[0]).toBe(Date.UTC(2021, 11, 31, 23, 1));
  });

  it('reads a time column whose name states its unit in that unit (timestamp_ms, open_time_s, ts_us, time (ns), ts)', () => {
    const t0 = 1733007600000;
    const body = (scale: (ms: number) => string): string => [0, 1, 2].map((i) => `${scale(t0 + i * 60_000)},10,11,9,10,1`).join('\n');
    const cases: [string, (ms: number) => string][] = [
      ['timestamp_ms', (ms) => String(ms)],
      ['open_time_ms', (ms) => String(ms)],
      ['time_ms', (ms) => String(ms)],
      ['ts', (ms) => String(ms)],
      ['ts_ms', (ms) => String(ms)],
      ['timestamp_s', (ms) => String(ms / 1000)],
      ['open_time_s', (ms) => String(ms / 1000)],
      ['timestamp_us', (ms) => `${ms}000`],
      ['ts_ns', (ms) => `${ms}000000`],
      ['Time (ns)', (ms) => `${ms}000000`],
      ['"timestamp [ms]"', (ms) => String(ms)],
    ];
    for (const [col, scale] of cases) {
      const f = parseCandles(`${col},open,high,low,close,volume\n${body(scale)}`, 'u.csv', SYM);
      expect([col, Array.from(f.series.ts)]).toEqual([col, [t0, t0 + 60_000, t0 + 120_000]]);
      expect(f.series.interval).toBe(60_000);
    }
  });

  it('a unit in the name is not second-guessed from the magnitude: a wrong unit is an error, not a silent fix', () => {
    // Seconds-sized numbers under a _ms column are read as ms (1970); magnitude would have read them as seconds.
    const secsAsMs = parseCandles(`timestamp_ms,open,high,low,close,volume\n1733007600,10,11,9,10,1\n1733007660,10,11,9,10,1`, 'u.csv', SYM);
    expect(Array.from(secsAsMs.series.ts)).toEqual([1733007600, 1733007660]);
    const msAsSecs = problems(() => parseCandles(`timestamp_s,open,high,low,close,volume\n1733007600000,10,11,9,10,1\n1733007660000,10,11,9,10,1`, 'u.csv', SYM));
    expect(msAsSecs).toContain('row 2: time 1733007600000 in seconds (the column is timestamp_s) is not between 1970 and 2100: is the column in another unit?');
    const iso = problems(() => parseCandles(`time_ms,open,high,low,close,volume\n2024-12-01T00:00:00Z,10,11,9,10,1\n2024-12-01T00:01:00Z,10,11,9,10,1`, 'u.csv', SYM));
    expect(iso).toContain('row 2: time "2024-12-01T00:00:00Z" is not a number of milliseconds (the column is time_ms)');
  });

  const H = 'timestamp,open,high,low,close,volume';
  const T = (i: number): number => 1733007600000 + i * 60_000;
  const iso = (i: number): string => new Date(T(i)).toISOString();
  it('rejects bad rows, naming each row and why', () => {
    const msg = problems(() =>
      parseCandles(
        [
          H,
          `${T(1)},10,11,9,10,1`,
          `${T(2)},10,11,9,abc,1`,
          `${T(3)},10,9,11,10,1`,
          `${T(4)},0,11,9,10,1`,
          `${T(5)},10,11,9,12,1`,
          `${T(6)},10,11,9,10,-1`,
          `${T(7)},10,11,9,10,1`,
          `${T(6)},10,11,9,10,1`,
          `${T(7)},10,11,9,10.5,1`,
          'nope,10,11,9,10,1',
        ].join('\n'),
        'bad.csv',
        SYM,
      ),
    );
    expect(msg).toMatch(/^bad\.csv: 8 bad rows; nothing was loaded/);
    expect(msg).toContain('row 3: close "abc" is not a number');
    expect(msg).toContain('row 4: high 9 < low 11');
    expect(msg).toContain('row 5: open 0 is not positive');
    expect(msg).toContain('row 6: close 12 outside low..high 9..11');
    expect(msg).toContain('row 7: volume -1 is negative');
    expect(msg).toContain(`row 9: out of order: ${iso(6)} comes after ${iso(7)} (row 8)`);
    expect(msg).toContain(`row 10: duplicate time ${iso(7)} (also row 8) with different values`);
    expect(msg).toContain('row 11: time "nope" is not a timestamp');
  });

  it('flags gaps and drops exact duplicates, keeping the rest', () => {
    const f = parseCandles([H, `${T(1)},10,11,9,10,1`, `${T(2)},10,11,9,10,1`, `${T(2)},10,11,9,10,1`, `${T(5)},10,11,9,10,1`, `${T(6)},10,11,9,10,1`].join('\n'), 'g.csv', SYM);
    expect(f.series.length).toBe(4);
    expect(f.warnings).toEqual([`row 4: exact duplicate of row 3 (${iso(2)}), dropped`, `gap: 2 missing bars between row 3 (${iso(2)}) and row 5 (${iso(5)})`]);
  });

  it('says what is wrong with unreadable files', () => {
    expect(problems(() => loadCandles('no/such/file.csv', SYM))).toMatch(/cannot read the data file: no such file/);
    expect(problems(() => parseCandles('', 'e.csv', SYM))).toMatch(/empty/);
    expect(problems(() => parseCandles('a,b,c\n1,2,3', 'x.csv', SYM))).toMatch(/no time column/);
    expect(problems(() => parseCandles('1,2,3\n4,5,6', 'x.csv', SYM))).toMatch(/unknown layout/);
    expect(problems(() => parseCandles(`${H}\n${T(0)},10,11,9,10,1`, 'one.csv', SYM))).toMatch(/at least 2 candles/);
  });
});

describe('sliceRange', () => {
  it('finds the bars in [from, to) as a scan from the start would, on ascending series with repeats and any bounds', () => {
    const bound = fc.oneof(fc.constant(-Infinity), fc.constant(Infinity), fc.constant(NaN), fc.integer({ min: 0, max: 100 }));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 40 }), bound, bound, (steps, fromMs, toMs) => {
        let t = 10;
        const ts = Float64Array.from(steps, (d) => (t += d));
        const s = { symbol: SYM, interval: 1, length: ts.length, ts, open: ts, high: ts, low: ts, close: ts, volume: ts };
        let from = 0;
        while (from < ts.length && (ts[from] as number) < fromMs) from++;
        let to = from;
        while (to < ts.length && (ts[to] as number) < toMs) to++;
        expect(sliceRange(s, fromMs, toMs)).toEqual({ from, to });
      }),
      { numRuns: 500 },
    );
  });
});

describe('funding files', () => {
  it('reads the bundled XRPUSDT funding history', () => {
    const rates = parseFunding(readFileSync('data/binance-xrpusdt-perp-2021-11/XRPUSDT-funding-8h.csv', 'utf8'), 'f.csv', symbol('XRPUSDT'));
    expect(rates).toHaveLength(91);
    expect(rates[0]).toMatchObject({ type: 'funding', tsEvent: 1637193600017, rate: 0.0001 });
  });

  it('reads a funding time column in the unit its name states', () => {
    const rates = parseFunding('funding_time_s,funding_rate\n1637193600,0.0001\n1637222400,-0.0002', 'f.csv', symbol('X'));
    expect(rates.map((r) => r.tsEvent)).toEqual([1637193600000, 1637222400000]);
  });

  it('rejects rows without a usable time or rate', () => {
    expect(problems(() => parseFunding('funding_time,funding_rate\n1000,0.0001\nx,0.1\n3000,5', 'f.csv', symbol('X')))).toMatch(/2 bad rows/);
    expect(problems(() => parseFunding('a,b\n1,2', 'f.csv', symbol('X')))).toMatch(/needs a header/);
  });
});
