/** What the benchmarks share: one backtest over a series, percentiles, a local exchange replaying the real L2 recording. */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BarFeed, createRng, fromNumber, runBacktest, type AnyStrategyDefinition, type BacktestResult, type BarSeries, type Params } from '../src/engine/index.ts';
import { SimulatedVenue, type VenueModels } from '../src/paper/index.ts';
import { resolveInstrument } from '../src/data/index.ts';
import { startExchangeChild } from '../src/cli/demo.ts';

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

/** Nearest-rank quantile (NaN when empty). */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

export const L2_BTCUSDT = 'data/binance-btcusdt-usdm-l2-2024-08-08/usdm_btcusdt_20240808.gz';
/** The L2 recording: 21,313 trades in ~346 s. */
export const L2_RECORDED = { trades: 21_313, seconds: 346 } as const;

/** `parity exchange serve` as a child replaying the BTCUSDT L2 recording at `speed`; resolves with its URL. */
export async function startReplayExchange(speed: number): Promise<{ child: ChildProcess; url: string; t0: number }> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const { child, url } = await startExchangeChild(speed, ['--l2', `BTCUSDT=${join(root, L2_BTCUSDT)}`]);
  return { child, url, t0: performance.now() };
}
