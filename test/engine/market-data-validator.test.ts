import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATA_FAULTS, makeBar, MarketDataValidator, symbol, type Bar, type DataFault, type MarketData, type QuoteTick, type TradeTick } from '../../src/engine/index.ts';

const BTC = symbol('BTCUSDT');
const MIN = 60_000;
const T0 = 1_733_011_200_000;

const bar = (i: number, o: number, h: number, l: number, c: number, v = 10): Bar => makeBar(BTC, MIN, T0 + i * MIN, o, h, l, c, v);
const flat = (i: number, p: number): Bar => bar(i, p, p * 1.001, p * 0.999, p);
const trade = (ts: number, price: number, qty = 1, tradeId = String(ts)): TradeTick => ({ type: 'trade', symbol: BTC, tsEvent: ts, tsInit: ts, price, qty, aggressor: 'buy', tradeId });
const quote = (ts: number, bid: number, ask: number, bidQty = 1, askQty = 1): QuoteTick => ({ type: 'quote', symbol: BTC, tsEvent: ts, tsInit: ts, bid, bidQty, ask, askQty });

/** Feeds `events` with the engine clock at each event's tsInit (as a backtest does); the verdicts. */
function verdicts(v: MarketDataValidator, events: readonly MarketData[]): (DataFault | undefined)[] {
  return events.map((d) => v.check(d, d.tsInit));
}

/** A calm history of `n` 1m bars around 100 (small wiggles), so every reference is set. */
function history(n = 40): Bar[] {
  return Array.from({ length: n }, (_, i) => {
    const p = 100 * (1 + 0.001 * Math.sin(i));
    return flat(i, p);
  });
}

/** The verdict on `bad` after a calm history, and on the good bar after it. */
function afterHistory(bad: MarketData, v = new MarketDataValidator()): { fault: DataFault | undefined; next: DataFault | undefined; v: MarketDataValidator } {
  const h = history();
  expect(verdicts(v, h).every((x) => x === undefined)).toBe(true);
  const fault = v.check(bad, Math.max(bad.tsInit, (h.at(-1) as Bar).tsInit));
  const nextBar = flat(h.length + 1, 100);
  const next = v.check(nextBar, nextBar.tsInit);
  return { fault, next, v };
}

describe('MarketDataValidator: one class per fault', () => {
  const n = 40;
  const cases: [DataFault, MarketData][] = [
    ['nonFinite', bar(n, 100, NaN, 99, 100)],
    ['nonFinite', bar(n, 100, Infinity, 99, 100)],
    ['nonPositive', bar(n, 100, 100.1, 0, 100)],
    ['nonPositive', trade(T0 + n * MIN, -5)],
    ['ohlc', bar(n, 100, 99, 100.5, 100)],
    ['ohlc', bar(n, 101, 100.5, 99.5, 100)],
    ['ohlc', bar(n, 100, 100.5, 99.5, 99)],
    ['volume', bar(n, 100, 100.1, 99.9, 100, -1)],
    ['volume', bar(n, 100, 100.1, 99.9, 100, NaN)],
    ['crossed', quote(T0 + n * MIN, 100.1, 100)],
    ['crossed', quote(T0 + n * MIN, 100, 100)],
    ['spread', quote(T0 + n * MIN, 95, 105)],
    ['future', { ...bar(n, 100, 100.1, 99.9, 100), tsEvent: T0 + (n + 10) * MIN }],
    ['backwards', { ...bar(n - 5, 100, 100.1, 99.9, 100), tsInit: T0 + (n + 1) * MIN }],
    ['duplicate', { ...bar(n - 1, 100, 100.1, 99.9, 100), tsInit: T0 + (n + 1) * MIN }],
    ['spike', bar(n, 100, 150, 99.9, 150)],
    ['spike', bar(n, 100, 100.1, 50, 100)],
    ['sigma', bar(n, 100, 106, 99.9, 106)],
    ['funding', { type: 'funding', symbol: BTC, tsEvent: T0 + n * MIN, tsInit: T0 + n * MIN, rate: 0.2 }],
    ['nonFinite', { type: 'funding', symbol: BTC, tsEvent: T0 + n * MIN, tsInit: T0 + n * MIN, rate: NaN }],
    ['spike', { type: 'funding', symbol: BTC, tsEvent: T0 + n * MIN, tsInit: T0 + n * MIN, rate: 0.0001, markPrice: 300 }],
  ];
  for (const [cls, d] of cases) {
    it(`${cls}: ${d.type} ${JSON.stringify(d, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x)).slice(0, 90)}`, () => {
      const { fault, next, v } = afterHistory(d);
      expect(fault).toBe(cls);
      expect(v.quality.counts[cls]).toBe(1);
      expect(v.quality.dropped).toBe(1);
      // The drop did not move any reference: the next good bar passes.
      expect(next).toBeUndefined();
    });
  }

  it('mark: a price far from a fresh mark is refused; a stale mark is not used', () => {
    const v = new MarketDataValidator();
    const t = T0 + 1000;
    expect(v.check(trade(t, 100), t)).toBeUndefined();
    expect(v.check({ type: 'funding', symbol: BTC, tsEvent: t, tsInit: t, rate: 0.0001, markPrice: 100 }, t)).toBeUndefined();
    // 12% above the mark, within the 15% spike band of the last trade.
    expect(v.check(trade(t + 10, 112), t + 10)).toBe('mark');
    expect(v.check(trade(t + 20, 100.5), t + 20)).toBeUndefined();
    // Two minutes later the mark is stale: the same move is judged by the trades alone.
    expect(v.check(trade(t + 120_000, 112), t + 120_000)).toBeUndefined();
    expect(v.quality.counts.mark).toBe(1);
  });

  it('trades: a repeated trade id at the same time is a duplicate; another id at the same millisecond is not', () => {
    const v = new MarketDataValidator();
    expect(verdicts(v, [trade(T0, 100, 1, 'a'), trade(T0, 100, 2, 'b'), trade(T0, 100, 2, 'b'), trade(T0 - 1, 100, 1, 'c')])).toEqual([undefined, undefined, 'duplicate', 'backwards']);
  });

  it('quotes: a spike of the mid is refused and does not become the reference', () => {
    const v = new MarketDataValidator();
    expect(verdicts(v, [quote(T0, 99.9, 100.1), quote(T0 + 1, 149.9, 150.1), quote(T0 + 2, 99.95, 100.05)])).toEqual([undefined, 'spike', undefined]);
  });

  it('a gap is counted with the bars missing, and the bar after it is kept', () => {
    const v = new MarketDataValidator();
    const got = verdicts(v, [flat(0, 100), flat(1, 100), flat(5, 100.2), flat(6, 100.1)]);
    expect(got).toEqual([undefined, undefined, undefined, undefined]);
    expect(v.quality).toMatchObject({ dropped: 0, gaps: 1, missingBars: 3 });
  });

  it('a real level shift is taken after rebaseAfter jumps in a row (the first ones stay dropped)', () => {
    const v = new MarketDataValidator({ rebaseAfter: 2 });
    const h = history();
    verdicts(v, h);
    const shifted = [0, 1, 2, 3].map((k) => flat(h.length + k, 130));
    expect(verdicts(v, shifted)).toEqual(['spike', 'spike', undefined, undefined]);
  });

  it('disabled: everything passes and nothing is counted', () => {
    const v = new MarketDataValidator({ enabled: false });
    expect(v.check(bar(0, 100, NaN, 99, 100), 0)).toBeUndefined();
    expect(v.quality.dropped).toBe(0);
  });

  it('a configured spikePct moves the line', () => {
    const wide = afterHistory(bar(40, 100, 120, 99.9, 120), new MarketDataValidator({ spikePct: 0.3, sigma: 1000 }));
    expect(wide.fault).toBeUndefined();
    const narrow = afterHistory(bar(40, 100, 104, 99.9, 104), new MarketDataValidator({ spikePct: 0.03 }));
    expect(narrow.fault).toBe('spike');
  });

  it('covers at least 12 classes', () => {
    expect(DATA_FAULTS.length).toBeGreaterThanOrEqual(12);
  });
});

describe('MarketDataValidator: properties', () => {
  /** Random valid 1m bars: log returns within ±3% (below sigmaMinPct and spikePct), wicks within 2%, gaps of up to 5 bars. */
  const series = fc.array(
    fc.record({
      r: fc.double({ min: -0.03, max: 0.03, noNaN: true }),
      up: fc.double({ min: 0, max: 0.02, noNaN: true }),
      down: fc.double({ min: 0, max: 0.02, noNaN: true }),
      skip: fc.integer({ min: 0, max: 5 }),
      v: fc.double({ min: 0, max: 1e6, noNaN: true }),
    }),
    { minLength: 2, maxLength: 300 },
  );

  function build(rows: { r: number; up: number; down: number; skip: number; v: number }[]): { bars: Bar[]; missing: number; gaps: number } {
    let p = 100;
    let i = 0;
    let missing = 0;
    let gaps = 0;
    const bars: Bar[] = [];
    for (const [k, x] of rows.entries()) {
      const c = p * Math.exp(x.r);
      const hi = Math.max(p, c) * (1 + x.up);
      const lo = Math.min(p, c) * (1 - x.down);
      if (k > 0 && x.skip > 0) {
        i += x.skip;
        missing += x.skip;
        gaps++;
      }
      bars.push(bar(i, p, hi, lo, c, x.v));
      p = c;
      i++;
    }
    return { bars, missing, gaps };
  }

  it('a valid bar series is never flagged; its gaps are counted', () => {
    fc.assert(
      fc.property(series, (rows) => {
        const { bars, missing, gaps } = build(rows);
        const v = new MarketDataValidator();
        expect(verdicts(v, bars).filter((x) => x !== undefined)).toEqual([]);
        expect(v.quality).toMatchObject({ dropped: 0, gaps, missingBars: missing });
      }),
    );
  });

  const injections: [DataFault, (prev: Bar) => Bar][] = [
    ['nonFinite', (b) => ({ ...b, close: NaN })],
    ['nonPositive', (b) => ({ ...b, low: -1 })],
    ['ohlc', (b) => ({ ...b, high: b.low * 0.99 })],
    ['volume', (b) => ({ ...b, volume: -3 })],
    ['future', (b) => ({ ...b, tsEvent: b.tsInit + 3_600_000 })],
    ['backwards', (b) => ({ ...b, tsEvent: b.tsEvent - 2 * MIN })],
    ['duplicate', (b) => ({ ...b, tsEvent: b.tsEvent - MIN })],
    ['spike', (b) => ({ ...b, high: b.close * 1.5, close: b.close * 1.5 })],
  ];

  it('any injected bad bar is dropped, counted in its class, and the series around it still passes', () => {
    fc.assert(
      fc.property(series, fc.nat(), fc.constantFrom(...injections), (rows, at, [cls, make]) => {
        const { bars } = build(rows);
        const k = 1 + (at % (bars.length - 1));
        const prev = bars[k - 1] as Bar;
        // The bad bar sits between bar k-1 and bar k, on the clock of bar k-1's successor slot.
        const bad = {
          ...make({ ...prev, tsEvent: prev.tsEvent + MIN, tsInit: prev.tsInit + MIN, open: prev.close, close: prev.close, high: Math.max(prev.close, prev.high), low: Math.min(prev.close, prev.low) }),
          tsInit: prev.tsInit,
        };
        const stream = [...bars.slice(0, k), bad, ...bars.slice(k)];
        const v = new MarketDataValidator();
        const got = stream.map((d) => v.check(d, Math.max(d.tsInit, prev.tsInit)));
        expect(got[k]).toBe(cls);
        expect(got.filter((x) => x !== undefined)).toEqual([cls]);
        expect(v.quality.counts[cls]).toBe(1);
        expect(v.quality.dropped).toBe(1);
      }),
    );
  });
});
