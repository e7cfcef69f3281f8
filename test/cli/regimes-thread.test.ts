/**
 * The regime split's volatilities computed on a thread beside the backtest (src/cli/backtest/run.ts,
 * regimes-thread.js) are the ones computed in place, bit for bit, including for a range that starts
 * inside the column (--from: the thread reads the closes at an offset in shared memory); and a
 * backtest whose closes are in shared memory reports the same regimes with the thread as without.
 */
import { describe, expect, it } from 'vitest';
import { symbol, volatilityRegimes, type BarSeries } from '../../src/engine/index.ts';
import { loadCandles, type CandleFile } from '../../src/data/index.ts';
import { buildSpec } from '../../src/cli/backtest/spec.ts';
import { REGIMES_THREAD_BARS, regimesOnThread, runBacktestSpec } from '../../src/cli/backtest/run.ts';
import { parseConfig } from '../../src/config/schema.ts';

const REAL = 'data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv';

/** The bundled month tiled `times` over, its columns in one SharedArrayBuffer as a big cache's are. */
function sharedTiled(times: number): CandleFile {
  const f = loadCandles(REAL, symbol('BTCUSDT'));
  const s = f.series;
  const n = s.length * times;
  const mem = new SharedArrayBuffer(n * 8 * 6);
  const span = (s.ts[s.length - 1] as number) - (s.ts[0] as number) + s.interval;
  const cols = [s.ts, s.open, s.high, s.low, s.close, s.volume].map((src, c) => {
    const out = new Float64Array(mem, c * n * 8, n);
    for (let k = 0; k < times; k++) for (let i = 0; i < s.length; i++) out[k * s.length + i] = c === 0 ? (src[i] as number) + k * span : (src[i] as number);
    return out;
  }) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const [ts, open, high, low, close, volume] = cols;
  const series: BarSeries = { symbol: s.symbol, interval: s.interval, length: n, ts, open, high, low, close, volume };
  return { ...f, series };
}

describe('regimes beside the run', () => {
  const file = sharedTiled(Math.ceil((REGIMES_THREAD_BARS + 20_000) / 41_761));

  it('gives the volatilities and terciles computed in place, at an offset in shared memory too', async () => {
    const close = file.series.close.subarray(12_345);
    const thread = regimesOnThread(close, 60);
    if (thread === undefined) throw new Error('the thread did not start for shared closes');
    const got = await thread.result;
    const here = volatilityRegimes(close, 60);
    expect(got?.split).toEqual(here.split);
    expect(got?.vol.length).toBe(here.vol.length);
    expect(Buffer.from(got?.vol.buffer ?? new ArrayBuffer(0)).equals(Buffer.from(here.vol.buffer))).toBe(true);
    // Not for closes in private memory, nor for few.
    expect(regimesOnThread(Float64Array.from(close), 60)).toBeUndefined();
    expect(regimesOnThread(file.series.close.subarray(0, 1000), 60)).toBeUndefined();
  }, 60_000);

  it('a backtest reports the same regimes with the thread as without', async () => {
    const from = new Date((file.series.ts[5_000] as number) + 0).toISOString();
    const spec = buildSpec({ data: [REAL], strategy: 'sma-cross', from }, parseConfig('{}', 'test'));
    const candles = (): CandleFile => file;
    const [beside, here] = await Promise.all([runBacktestSpec(spec, { candles, regimesBeside: true }), runBacktestSpec(spec, { candles })]);
    expect(beside.regimes).toHaveLength(3);
    expect(beside.regimes).toEqual(here.regimes);
    expect(beside.summary).toEqual(here.summary);
  }, 120_000);
});
