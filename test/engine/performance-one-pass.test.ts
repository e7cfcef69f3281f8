/**
 * The one-pass statistics equal the implementation they replaced (kept in
 * test/kit/reference-performance.ts) to 1e-12: on a real sma-cross run over the bundled BTCUSDT
 * month (summary and regime split), and on random equity curves with flat stretches and ties.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarFeed, createRng, fromNumber, regimeBreakdown, resolveParams, runBacktest, select, summarize, symbol, type OrderFilled } from '../../src/engine/index.ts';
import { DEFAULT_MODELS, SimulatedVenue } from '../../src/paper/index.ts';
import { loadCandles, resolveInstrument } from '../../src/data/index.ts';
import smaCross from '../../strategies/sma-cross.ts';
import * as ref from '../kit/reference-performance.ts';

function close(a: Record<string, unknown>, b: Record<string, unknown>): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const k of Object.keys(b)) {
    const x = a[k];
    const y = b[k];
    if (typeof y === 'number' && typeof x === 'number' && Number.isFinite(y)) expect(Math.abs(x - y), `${k}: ${x} vs ${y}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(y)));
    else expect(x, k).toEqual(y);
  }
}

describe('one-pass statistics', () => {
  it('equal the old implementation on a real run (summary and regimes)', () => {
    const series = loadCandles('data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv', symbol('BTCUSDT')).series;
    const inst = resolveInstrument('BTCUSDT', 'spot', 0.01);
    const cash = fromNumber(10_000);
    const r = runBacktest({
      instruments: [inst],
      feed: new BarFeed(series),
      currency: 'USDT',
      startingCash: cash,
      accountType: 'cash',
      strategies: [{ definition: smaCross, params: resolveParams(smaCross, {}), symbols: [inst.symbol] }],
      venue: (clock) => new SimulatedVenue({ instruments: [inst], clock, rng: createRng(1), models: DEFAULT_MODELS, currency: 'USDT', startingCash: cash, accountType: 'cash' }),
    });
    expect(r.fills.length).toBeGreaterThan(1000);
    const input = { startEquity: 10_000, equity: r.equity, exposure: r.exposure, intervalMs: 60_000, fills: r.fills, fees: 1, funding: 0 };
    const now = summarize(input);
    close({ ...now }, { ...ref.summarize(input) });
    expect(now.sharpe).not.toBe(0);
    for (const window of [30, 60, 240]) {
      const rin = { close: series.close, barTs: series.ts, times: r.equityTs, equity: r.equity, exposure: r.exposure, startEquity: 10_000, intervalMs: 60_000, fills: r.fills, window };
      const a = regimeBreakdown(rin);
      const b = ref.regimeBreakdown(rin);
      expect(a).toHaveLength(3);
      a.forEach((x, i) => close({ ...x }, { ...(b[i] as object) }));
    }
  });

  it('equal the old implementation on random curves', () => {
    const curve = fc.array(fc.oneof(fc.double({ min: 9000, max: 11000, noNaN: true }), fc.constant(10_000)), { minLength: 0, maxLength: 80 });
    fc.assert(
      fc.property(curve, fc.integer({ min: 2, max: 6 }), fc.array(fc.nat(80)), (eq, window, fillIdx) => {
        const n = eq.length;
        const times = eq.map((_, i) => 1_000 + i * 60_000);
        const exposure = eq.map((e, i) => (i % 3 === 0 ? 0 : e / 2));
        const closeP = eq.map((e, i) => 100 + ((e * 7 + i) % 13));
        const fills = fillIdx.map(
          (i) => ({ type: 'OrderFilled', tsEvent: 1_000 + (i % Math.max(1, n)) * 60_000 - 5, side: 'buy', lastQty: 1, lastPx: 1, fee: '0', symbol: 'X' }) as unknown as OrderFilled,
        );
        const s = { startEquity: 10_000, equity: eq, exposure, intervalMs: 60_000, fills: [], fees: 0, funding: 0 };
        close({ ...summarize(s) }, { ...ref.summarize(s) });
        const rin = { close: closeP, barTs: times.map((t) => t - 60_000), times, equity: eq, exposure, startEquity: 10_000, intervalMs: 60_000, fills, window };
        const a = regimeBreakdown(rin);
        const b = ref.regimeBreakdown(rin);
        expect(a.length).toBe(b.length);
        a.forEach((x, i) => close({ ...x }, { ...(b[i] as object) }));
      }),
      { numRuns: 300 },
    );
  });

  it('select finds the k-th smallest, with many ties', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 300 }), fc.nat(), (xs, kRaw) => {
        const k = kRaw % xs.length;
        const sorted = [...xs].sort((p, q) => p - q);
        expect(select(Float64Array.from(xs), 0, xs.length, k)).toBe(sorted[k]);
      }),
    );
  });
});
