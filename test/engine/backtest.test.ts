import { describe, expect, it } from 'vitest';
import {
  BarFeed,
  createRng,
  defineStrategy,
  fromNumber,
  makeInstrument,
  mergeFeeds,
  resolveParams,
  runBacktest,
  symbol,
  type BarSeries,
  type Instrument,
  type LoggedMessage,
} from '../../src/engine/index.ts';
import { DEFAULT_MODELS, SimulatedVenue, type VenueModels } from '../../src/paper/index.ts';
import { loadCandles, resolveInstrument, sliceRange } from '../../src/data/index.ts';
import meanReversion from '../../strategies/mean-reversion.ts';

const btc = loadCandles('data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv', symbol('BTCUSDT')).series;

function run(opts: {
  series: BarSeries[];
  instruments: Instrument[];
  models?: VenueModels;
  seed?: number;
  strategy?: Parameters<typeof runBacktest>[0]['strategies'][number]['definition'];
  range?: [number, number];
}) {
  const log: LoggedMessage[] = [];
  const cash = fromNumber(100_000);
  const models = opts.models ?? DEFAULT_MODELS;
  const feeds = opts.series.map((s) => {
    const r = opts.range ? sliceRange(s, opts.range[0], opts.range[1]) : { from: 0, to: s.length };
    return new BarFeed(s, r.from, r.to);
  });
  const def = opts.strategy ?? meanReversion;
  const result = runBacktest({
    instruments: opts.instruments,
    feed: mergeFeeds(feeds),
    currency: 'USDT',
    startingCash: cash,
    accountType: 'cash',
    strategies: [{ definition: def, params: resolveParams(def, {}), symbols: opts.instruments.map((i) => i.symbol) }],
    venue: (clock) => new SimulatedVenue({ instruments: opts.instruments, clock, rng: createRng(opts.seed ?? 1), models, currency: 'USDT', startingCash: cash, accountType: 'cash' }),
    onMessage: (m) => log.push(m),
  });
  return { result, log, text: log.map((m) => JSON.stringify(m)).join('\n') };
}

describe('backtest runtime', () => {
  const inst = resolveInstrument('BTCUSDT', 'spot', 0.01);
  const range: [number, number] = [Date.UTC(2024, 11, 5), Date.UTC(2024, 11, 8)];

  it('same inputs and seed give a byte-identical event log; another seed does not', () => {
    const models: VenueModels = { ...DEFAULT_MODELS, latency: { kind: 'lognormal', medianMs: 500, p99Ms: 5000 } };
    const a = run({ series: [btc], instruments: [inst], models, seed: 42, range });
    const b = run({ series: [btc], instruments: [inst], models, seed: 42, range });
    const c = run({ series: [btc], instruments: [inst], models, seed: 43, range });
    expect(a.result.fills.length).toBeGreaterThan(20);
    expect(a.log.some((m) => m.type === 'OrderUpdated')).toBe(true); // resting orders were moved
    expect(b.text).toBe(a.text);
    expect(c.text).not.toBe(a.text);
  });

  it('feeds every symbol in time order to a multi-symbol strategy and marks each position', () => {
    const other = makeInstrument({ symbol: symbol('ETHUSDT'), tickSize: 0.01, lotSize: 0.0001, minNotional: 5 });
    const r = sliceRange(btc, range[0], range[1]);
    // A second market on the same clock: every 5th minute of the real BTC bars, scaled to ETH prices.
    const n = Math.floor((r.to - r.from) / 5);
    const pick = (a: Float64Array, k: number, f = 1): number => Math.round((a[r.from + k * 5] as number) * f * 100) / 100;
    const eth: BarSeries = {
      symbol: other.symbol,
      interval: 300_000,
      length: n,
      ts: Float64Array.from({ length: n }, (_, k) => btc.ts[r.from + k * 5] as number),
      open: Float64Array.from({ length: n }, (_, k) => pick(btc.open, k, 0.04)),
      high: Float64Array.from({ length: n }, (_, k) => pick(btc.high, k, 0.041)),
      low: Float64Array.from({ length: n }, (_, k) => pick(btc.low, k, 0.039)),
      close: Float64Array.from({ length: n }, (_, k) => pick(btc.close, k, 0.04)),
      volume: Float64Array.from({ length: n }, () => 1000),
    };
    const seen: string[] = [];
    let lastTs = 0;
    const both = defineStrategy({
      name: 'both',
      params: {},
      create: (ctx) => ({
        onBar(bar) {
          expect(bar.tsInit).toBeGreaterThanOrEqual(lastTs);
          lastTs = bar.tsInit;
          seen.push(bar.symbol);
          if (ctx.portfolio.position(bar.symbol).qty === 0 && ctx.openOrders(bar.symbol).length === 0) {
            ctx.submit({ symbol: bar.symbol, side: 'buy', qty: bar.symbol === 'ETHUSDT' ? 0.5 : 0.01 });
          }
        },
      }),
    });
    const out = run({ series: [btc, eth], instruments: [inst, other], strategy: both, range });
    expect(new Set(seen)).toEqual(new Set(['BTCUSDT', 'ETHUSDT']));
    expect(seen.filter((s) => s === 'ETHUSDT').length).toBe(n);
    const p = out.result.kernel.portfolio;
    expect(p.position('BTCUSDT').qty).toBe(0.01);
    expect(p.position('ETHUSDT').qty).toBe(0.5);
    const lastEth = eth.close[n - 1] as number;
    const lastBtc = btc.close[r.to - 1] as number;
    const expected = p.cash() + 0.01 * lastBtc + 0.5 * lastEth;
    expect(out.result.equity[out.result.equity.length - 1]).toBeCloseTo(expected, 6);
  });

  it('stops at the first strategy fault and reports it', () => {
    const bad = defineStrategy({
      name: 'bad',
      params: {},
      create: () => ({
        onBar: () => {
          throw new Error('nope');
        },
      }),
    });
    const out = run({ series: [btc], instruments: [inst], strategy: bad, range });
    expect(out.result.fault).toMatchObject({ handler: 'onBar', message: 'nope' });
    expect(out.result.steps).toBe(1);
  });
});
