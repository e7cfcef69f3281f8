/**
 * The bad-data suite: the real BTCUSDT 1m month, with valid funding (carrying a mark) and trades
 * added, is backtested with sma-cross on a perpetual; then the same stream with bad events of every
 * class injected into it. The breaker must drop each one before the simulator and the strategy see
 * it: the orders, fills and equity are those of the clean run, and each bad event is counted in
 * its class. Without the breaker the same spikes are traded on (the suite can fail).
 */
import { describe, expect, it } from 'vitest';
import {
  ArrayFeed,
  BarFeed,
  createRng,
  DATA_FAULTS,
  fromNumber,
  resolveParams,
  runBacktest,
  symbol,
  type Bar,
  type DataFault,
  type LoggedMessage,
  type MarketData,
  type ValidationConfig,
} from '../../src/engine/index.ts';
import { DEFAULT_MODELS, SimulatedVenue } from '../../src/paper/index.ts';
import { loadCandles, resolveInstrument } from '../../src/data/index.ts';
import smaCross from '../../strategies/sma-cross.ts';

const BTC = symbol('BTCUSDT');
const series = loadCandles('data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv', BTC).series;
const inst = resolveInstrument('BTCUSDT', 'perpetual', 0.01);
const HOUR = 3_600_000;

function realBars(): Bar[] {
  const f = new BarFeed(series);
  const out: Bar[] = [];
  while (f.peekTime() !== Infinity) out.push(f.next() as Bar);
  return out;
}

/** The clean stream: the bars, and every 8 hours a valid funding settlement with its mark and a valid trade at the close. */
function cleanStream(bars: readonly Bar[]): MarketData[] {
  const out: MarketData[] = [];
  for (const b of bars) {
    out.push(b);
    if (b.tsInit % (8 * HOUR) === 0) {
      out.push({ type: 'funding', symbol: BTC, tsEvent: b.tsInit, tsInit: b.tsInit, rate: 0.0001, markPrice: b.close });
      out.push({ type: 'trade', symbol: BTC, tsEvent: b.tsInit, tsInit: b.tsInit, price: b.close, qty: 0.001, aggressor: 'buy', tradeId: `t${b.tsInit}` });
    }
  }
  return out;
}

/** One bad event of a class, built from the real bar `b` (index i) and the next one `n`; `before` places it ahead of the next bar, else after `b`. */
interface Injection {
  readonly cls: DataFault;
  readonly at: number;
  readonly make: (b: Bar, n: Bar) => MarketData;
  readonly before?: boolean;
}

const up = (b: Bar, k: number): Bar => ({ ...b, open: b.open, high: b.high * k, low: b.low, close: b.close * k });

const INJECTIONS: readonly Injection[] = [
  { cls: 'nonFinite', at: 1_000, make: (_b, n) => ({ ...n, close: NaN }), before: true },
  { cls: 'nonPositive', at: 2_000, make: (_b, n) => ({ ...n, low: 0 }), before: true },
  { cls: 'ohlc', at: 3_000, make: (_b, n) => ({ ...n, high: n.low * 0.9 }), before: true },
  { cls: 'volume', at: 4_000, make: (_b, n) => ({ ...n, volume: -5 }), before: true },
  { cls: 'future', at: 5_000, make: (b) => ({ ...b, tsEvent: b.tsEvent + 24 * HOUR, high: b.high * 1.5, close: b.close * 1.5 }) },
  { cls: 'backwards', at: 6_000, make: (b) => ({ ...up(b, 1.3), tsEvent: b.tsEvent - 30 * 60_000 }) },
  { cls: 'duplicate', at: 7_000, make: (b) => up(b, 1.1) },
  { cls: 'spike', at: 8_000, make: (_b, n) => up(n, 1.5), before: true },
  { cls: 'spike', at: 8_500, make: (_b, n) => ({ ...n, low: n.low * 0.5, close: n.close * 0.5, open: n.open }), before: true },
  { cls: 'sigma', at: 9_000, make: (_b, n) => up(n, 1.07), before: true },
  { cls: 'crossed', at: 10_000, make: (b) => ({ type: 'quote', symbol: BTC, tsEvent: b.tsInit, tsInit: b.tsInit, bid: b.close * 1.01, bidQty: 5, ask: b.close, askQty: 5 }) },
  { cls: 'spread', at: 11_000, make: (b) => ({ type: 'quote', symbol: BTC, tsEvent: b.tsInit, tsInit: b.tsInit, bid: b.close * 0.8, bidQty: 5, ask: b.close * 1.2, askQty: 5 }) },
  { cls: 'funding', at: 12_000, make: (b) => ({ type: 'funding', symbol: BTC, tsEvent: b.tsInit, tsInit: b.tsInit, rate: 0.5, markPrice: b.close }) },
  { cls: 'spike', at: 13_000, make: (b) => ({ type: 'trade', symbol: BTC, tsEvent: b.tsInit, tsInit: b.tsInit, price: b.close * 0.5, qty: 50, aggressor: 'sell', tradeId: 'bad-spike' }) },
  { cls: 'nonPositive', at: 13_500, make: (b) => ({ type: 'trade', symbol: BTC, tsEvent: b.tsInit, tsInit: b.tsInit, price: -1, qty: 1, aggressor: 'sell', tradeId: 'bad-neg' }) },
  // Right after a settlement (bar 59 closes at 00:00 UTC; one every 480 bars), its mark fresh: a trade 12% off the mark, inside the spike band.
  { cls: 'mark', at: 59 + 480 * 3, make: (b) => ({ type: 'trade', symbol: BTC, tsEvent: b.tsInit, tsInit: b.tsInit, price: b.close * 1.12, qty: 20, aggressor: 'buy', tradeId: 'bad-mark' }) },
];

/** The clean stream with the injections: "before" ones ahead of the next bar, the others after everything at their bar's time. */
function withInjections(bars: readonly Bar[], injections: readonly Injection[]): MarketData[] {
  const byBar = new Map<number, Injection[]>();
  for (const j of injections) byBar.set(j.at, [...(byBar.get(j.at) ?? []), j]);
  const out: MarketData[] = [];
  let after: MarketData[] = [];
  let afterAt = -Infinity;
  for (const d of cleanStream(bars)) {
    if (d.tsInit > afterAt) {
      out.push(...after);
      after = [];
    }
    if (d.type === 'bar') {
      const i = Math.round((d.tsEvent - (bars[0] as Bar).tsEvent) / 60_000);
      for (const j of (byBar.get(i - 1) ?? []).filter((x) => x.before === true)) out.push(j.make(bars[i - 1] as Bar, d));
      after = (byBar.get(i) ?? []).filter((x) => x.before !== true).map((j) => j.make(d, bars[i + 1] as Bar));
      afterAt = d.tsInit;
    }
    out.push(d);
  }
  out.push(...after);
  return out;
}

function backtest(stream: readonly MarketData[], validation?: Partial<ValidationConfig>) {
  const cash = fromNumber(100_000);
  const orders: LoggedMessage[] = [];
  const result = runBacktest({
    instruments: [inst],
    feed: new ArrayFeed(stream),
    currency: 'USDT',
    startingCash: cash,
    accountType: 'margin',
    leverage: 1,
    strategies: [{ definition: smaCross, params: resolveParams(smaCross, {}), symbols: [BTC] }],
    venue: (clock) => new SimulatedVenue({ instruments: [inst], clock, rng: createRng(7), models: DEFAULT_MODELS, currency: 'USDT', startingCash: cash, accountType: 'margin', leverage: 1 }),
    onMessage: (m) => {
      if (m.type === 'SubmitOrder' || m.type === 'OrderFilled' || m.type === 'FundingPaid') orders.push(m);
    },
    ...(validation === undefined ? {} : { validation }),
  });
  return { result, orders: orders.map((m) => JSON.stringify(m)) };
}

describe('bad market data in a backtest (real BTCUSDT 1m, sma-cross on a perpetual)', () => {
  const bars = realBars();
  const clean = backtest(cleanStream(bars));

  it('the clean stream trades, pays funding, and drops nothing', () => {
    expect(clean.result.dataQuality.dropped).toBe(0);
    expect(clean.result.dataQuality.gaps).toBe(0);
    expect(clean.result.fills.length).toBeGreaterThan(100);
    expect(clean.orders.some((o) => o.includes('"FundingPaid"'))).toBe(true);
  });

  it('every injected bad event is dropped and counted in its class: the orders, fills and equity are the clean run`s', () => {
    const classes = new Set(INJECTIONS.map((j) => j.cls));
    expect(classes.size).toBeGreaterThanOrEqual(12);
    const dirty = backtest(withInjections(bars, INJECTIONS));
    const want = Object.fromEntries(DATA_FAULTS.map((f) => [f, INJECTIONS.filter((j) => j.cls === f).length]));
    expect(dirty.result.dataQuality.counts).toEqual(want);
    expect(dirty.result.dataQuality.dropped).toBe(INJECTIONS.length);
    expect(dirty.result.dataQuality.gaps).toBe(0);
    expect(dirty.orders).toEqual(clean.orders);
    expect(Array.from(dirty.result.equity)).toEqual(Array.from(clean.result.equity));
    expect(dirty.result.steps).toBe(clean.result.steps + INJECTIONS.length);
  });

  it('without the breaker the same price jumps are traded on', () => {
    const jumps = INJECTIONS.filter((j) => j.cls === 'spike' || j.cls === 'sigma' || j.cls === 'mark');
    const off = backtest(withInjections(bars, jumps), { enabled: false });
    expect(off.result.dataQuality.dropped).toBe(0);
    expect(off.orders).not.toEqual(clean.orders);
  });
});
