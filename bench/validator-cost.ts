/**
 * What the bad-data breaker costs a backtest: sma-cross over the bundled BTCUSDT 1m month (or the
 * 2M-bar tiled file with `big`) through the full engine, with the breaker on and off, interleaved
 * so machine noise hits both alike. `npx tsx bench/validator-cost.ts [big]`.
 */
import { fileURLToPath } from 'node:url';
import { BarFeed, createRng, fromNumber, resolveParams, runBacktest, symbol, type BarSeries } from '../src/engine/index.ts';
import { FRICTIONLESS, SimulatedVenue } from '../src/paper/index.ts';
import { loadCandles, resolveInstrument } from '../src/data/index.ts';
import smaCross from '../strategies/sma-cross.ts';
import { bigCandleFile } from './big-data.ts';
import { BTC_1M, quantile } from './kit.ts';

function once(series: BarSeries, enabled: boolean): number {
  const inst = resolveInstrument('BTCUSDT', 'spot', 0.01);
  const cash = fromNumber(10_000);
  const models = { ...FRICTIONLESS, fees: { maker: 0.0004, taker: 0.0004 } };
  const t0 = performance.now();
  runBacktest({
    instruments: [inst],
    feed: new BarFeed(series),
    currency: 'USDT',
    startingCash: cash,
    accountType: 'cash',
    strategies: [{ definition: smaCross, params: resolveParams(smaCross, {}), symbols: [inst.symbol] }],
    venue: (clock) => new SimulatedVenue({ instruments: [inst], clock, rng: createRng(1), models, currency: 'USDT', startingCash: cash, accountType: 'cash' }),
    validation: { enabled },
  });
  return performance.now() - t0;
}

export function benchValidatorCost(big = false, reps = big ? 5 : 21): Record<string, number> {
  const { series } = loadCandles(big ? bigCandleFile() : BTC_1M, symbol('BTCUSDT'));
  for (let i = 0; i < 3; i++) [once(series, true), once(series, false)];
  const on: number[] = [];
  const off: number[] = [];
  for (let i = 0; i < reps; i++) {
    on.push(once(series, true));
    off.push(once(series, false));
  }
  const bps = (ms: number): number => Math.round(series.length / (ms / 1000));
  const mOn = quantile(on, 0.5);
  const mOff = quantile(off, 0.5);
  return {
    bars: series.length,
    'bars/s breaker on (median)': bps(mOn),
    'bars/s breaker off (median)': bps(mOff),
    'cost % (median)': Number(((mOn / mOff - 1) * 100).toFixed(2)),
    'bars/s breaker on (best)': bps(Math.min(...on)),
    'bars/s breaker off (best)': bps(Math.min(...off)),
    'cost % (best)': Number(((Math.min(...on) / Math.min(...off) - 1) * 100).toFixed(2)),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.table(benchValidatorCost(process.argv[2] === 'big'));
