/** One backtest over a series with the simulated venue: what every backtest benchmark runs. */
import { BarFeed, createRng, fromNumber, runBacktest, type AnyStrategyDefinition, type BacktestResult, type BarSeries, type Params } from '../src/engine/index.ts';
import { SimulatedVenue, type VenueModels } from '../src/paper/index.ts';
import { resolveInstrument } from '../src/data/index.ts';

export const BTC_1M = new URL('../data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv', import.meta.url).pathname;

export function backtestOnce(series: BarSeries, definition: AnyStrategyDefinition, params: Params, models: VenueModels, cashAmount: number): BacktestResult {
  const inst = resolveInstrument('BTCUSDT', 'spot', 0.01);
  const cash = fromNumber(cashAmount);
  return runBacktest({
    instruments: [inst],
    feed: new BarFeed(series),
    currency: 'USDT',
    startingCash: cash,
    accountType: 'cash',
    strategies: [{ definition, params, symbols: [inst.symbol] }],
    venue: (clock) => new SimulatedVenue({ instruments: [inst], clock, rng: createRng(1), models, currency: 'USDT', startingCash: cash, accountType: 'cash' }),
  });
}
