/**
 * Options of the local exchange, their defaults and validation (one message naming the option),
 * and loading the markets they describe: candle files (+ funding) or an L2 recording, each with
 * its real exchangeInfo entry. The default markets are the bundled BTCUSDT 1m (Binance spot
 * candles standing in for the perpetual's price) and XRPUSDT 5m perpetual candles with real 8h
 * funding.
 */
import { fileURLToPath } from 'node:url';
import { loadCandles, loadFunding } from '../data/index.ts';
import { symbol } from '../engine/index.ts';
import { CandleFeed } from './candle-feed.ts';
import { parseFixed, type Fixed } from './decimal.ts';
import type { LocalExchangeEvent } from './events.ts';
import type { FaultScript } from './faults.ts';
import type { Feed } from './feed.ts';
import { FundingSchedule } from './funding.ts';
import { L2Feed } from './l2-feed.ts';
import type { ExchangeInfoFile, MarketSpec } from './markets.ts';

export type LocalMarketSource =
  { readonly kind: 'candles'; readonly symbol: string; readonly file: string; readonly fundingFile?: string } | { readonly kind: 'l2'; readonly symbol: string; readonly file: string };

export interface LocalExchangeOptions {
  /** 0 or undefined: a random free port. The host is always 127.0.0.1. */
  readonly port?: number;
  /** Virtual seconds per wall second in realtime mode (default 1). */
  readonly speed?: number;
  /** manual: time moves only via advance()/advanceTo() (default realtime). */
  readonly mode?: 'realtime' | 'manual';
  readonly markets?: readonly LocalMarketSource[];
  /** Bars of history before "now" (default 300). */
  readonly warmupBars?: number;
  readonly apiKey?: string;
  readonly apiSecret?: string;
  /** USDT wallet (default 10000). */
  readonly startingBalance?: number;
  /** Default leverage of every symbol (20); initial margin = notional / leverage. */
  readonly leverage?: number;
  /** Fractions (default maker 0.0002, taker 0.0004). */
  readonly fees?: { readonly maker: number; readonly taker: number };
  readonly faults?: FaultScript;
  /** Seeds every random draw (faults, latency, listen keys). Default 1. */
  readonly seed?: number;
  /** Wall clock, epoch ms (default Date.now): request timestamps, rate limits, realtime pacing. */
  readonly now?: () => number;
  /** Virtual start time (default: the wall clock rounded down to the largest bar interval). */
  readonly startTime?: number;
  /** Called for every notable event (orders, fills, funding, faults). */
  readonly onEvent?: (e: LocalExchangeEvent) => void;
}

const DATA = fileURLToPath(new URL('../../data/', import.meta.url));

export const BUNDLED = {
  btcusdt1m: `${DATA}binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv`,
  xrpusdt5m: `${DATA}binance-xrpusdt-perp-2021-11/XRPUSDT-5m-2021-11.csv`,
  xrpusdtFunding: `${DATA}binance-xrpusdt-perp-2021-11/XRPUSDT-funding-8h.csv`,
  btcusdtL2: `${DATA}binance-btcusdt-usdm-l2-2024-08-08/usdm_btcusdt_20240808.gz`,
} as const;

export const DEFAULT_MARKETS: readonly LocalMarketSource[] = [
  { kind: 'candles', symbol: 'BTCUSDT', file: BUNDLED.btcusdt1m },
  { kind: 'candles', symbol: 'XRPUSDT', file: BUNDLED.xrpusdt5m, fundingFile: BUNDLED.xrpusdtFunding },
];

export class LocalExchangeOptionError extends Error {
  override readonly name = 'LocalExchangeOptionError';
}

export interface Resolved {
  readonly port: number;
  readonly speed: number;
  readonly mode: 'realtime' | 'manual';
  readonly markets: readonly LocalMarketSource[];
  readonly warmupBars: number;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly startingBalance: Fixed;
  readonly leverage: number;
  readonly fees: { readonly maker: Fixed; readonly taker: Fixed };
  readonly seed: number;
  readonly now: () => number;
}

function check(ok: boolean, option: string, what: string, got: unknown): void {
  if (!ok) throw new LocalExchangeOptionError(`option ${option}: expected ${what}, got ${JSON.stringify(got)}`);
}

const fixed = (x: number): Fixed => parseFixed(String(x));

export function resolveOptions(o: LocalExchangeOptions): Resolved {
  const port = o.port ?? 0;
  check(Number.isInteger(port) && port >= 0 && port <= 65535, 'port', 'a whole number 0..65535', o.port);
  const speed = o.speed ?? 1;
  check(Number.isFinite(speed) && speed > 0, 'speed', 'a number > 0', o.speed);
  const mode = o.mode ?? 'realtime';
  check(mode === 'realtime' || mode === 'manual', 'mode', '"realtime" or "manual"', o.mode);
  const warmupBars = o.warmupBars ?? 300;
  check(Number.isInteger(warmupBars) && warmupBars >= 1, 'warmupBars', 'a whole number >= 1', o.warmupBars);
  const bal = o.startingBalance ?? 10_000;
  check(Number.isFinite(bal) && bal >= 0, 'startingBalance', 'a number >= 0', o.startingBalance);
  const leverage = o.leverage ?? 20;
  check(Number.isInteger(leverage) && leverage >= 1 && leverage <= 125, 'leverage', 'a whole number 1..125', o.leverage);
  const fees = o.fees ?? { maker: 0.0002, taker: 0.0004 };
  check(Number.isFinite(fees.maker) && fees.maker > -0.01 && fees.maker < 0.1, 'fees.maker', 'a fraction between -0.01 and 0.1', fees.maker);
  check(Number.isFinite(fees.taker) && fees.taker >= 0 && fees.taker < 0.1, 'fees.taker', 'a fraction between 0 and 0.1', fees.taker);
  const markets = o.markets ?? DEFAULT_MARKETS;
  check(markets.length > 0, 'markets', 'at least one market', markets);
  const seen = new Set<string>();
  for (const m of markets) {
    check(typeof m.symbol === 'string' && /^[A-Z0-9]+$/.test(m.symbol) && !seen.has(m.symbol), 'markets', 'distinct upper-case symbols', m.symbol);
    seen.add(m.symbol);
  }
  const apiKey = o.apiKey ?? 'local';
  const apiSecret = o.apiSecret ?? 'local';
  check(apiKey !== '' && apiSecret !== '', 'apiKey/apiSecret', 'non-empty strings', '');
  const seed = o.seed ?? 1;
  check(Number.isInteger(seed), 'seed', 'a whole number', o.seed);
  return {
    port,
    speed,
    mode,
    markets,
    warmupBars,
    apiKey,
    apiSecret,
    startingBalance: fixed(bal),
    leverage,
    fees: { maker: fixed(fees.maker), taker: fixed(fees.taker) },
    seed,
    now: o.now ?? Date.now,
  };
}

export interface LoadedMarket {
  readonly spec: MarketSpec;
  readonly feed: Feed;
  readonly funding: FundingSchedule;
}

/** Loads every market's data and aligns it on `start` (undefined: from the wall clock). */
export function loadMarkets(r: Resolved, info: ExchangeInfoFile, startTime: number | undefined): { start: number; markets: LoadedMarket[] } {
  const specOf = (s: string): MarketSpec => {
    const spec = info.specs.get(s);
    if (spec === undefined) throw new LocalExchangeOptionError(`option markets: no exchange filters for ${s} (known: ${[...info.specs.keys()].join(', ')})`);
    return spec;
  };
  const candles = r.markets.map((m) => (m.kind === 'candles' ? { m, file: loadCandles(m.file, symbol(m.symbol)) } : { m, file: undefined }));
  const interval = Math.max(60_000, ...candles.map((c) => c.file?.series.interval ?? 0));
  const start = startTime ?? Math.floor(r.now() / interval) * interval;
  const markets = candles.map(({ m, file }): LoadedMarket => {
    const spec = specOf(m.symbol);
    if (m.kind === 'l2') {
      const feed = new L2Feed(m.symbol, m.file, start);
      return { spec, feed, funding: new FundingSchedule([]) };
    }
    const series = file?.series;
    if (series === undefined) throw new Error('unreachable');
    const feed = new CandleFeed(m.symbol, series, spec, r.warmupBars, start);
    const funding = m.fundingFile === undefined ? new FundingSchedule([]) : FundingSchedule.fromRates(loadFunding(m.fundingFile, symbol(m.symbol)), feed.shift);
    return { spec, feed, funding };
  });
  return { start, markets };
}
