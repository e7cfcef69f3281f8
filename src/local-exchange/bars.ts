/**
 * Candles as the local exchange serves them: a market's base bars (history, replayed, and the one
 * in progress) aggregated to any interval that is a whole multiple of the base interval, as REST
 * klines rows, `kline` stream payloads and 24-hour ticker statistics. Pure functions over a
 * `BarSource`; OHLC and base volume are exact, quote volumes are float statistics.
 */
import { fmt, type Fixed } from './decimal.ts';

export interface BarRow {
  /** Open time, virtual epoch ms. */
  readonly t: number;
  readonly o: Fixed;
  readonly h: Fixed;
  readonly l: Fixed;
  readonly c: Fixed;
  /** Base volume. */
  readonly v: Fixed;
  /** Quote volume (statistic). */
  readonly q: number;
  /** Number of trades. */
  readonly n: number;
  /** Taker-buy base volume and quote volume. */
  readonly tbv: Fixed;
  readonly tbq: number;
  /** First and last trade id (0 when none). */
  readonly f: number;
  readonly L: number;
}

export interface BarSource {
  /** Base interval, ms. */
  readonly interval: number;
  /** Completed bars available now (history and replayed), oldest first. */
  count(): number;
  bar(i: number): BarRow;
  /** The bar in progress, if it has started. */
  partial(): BarRow | undefined;
}

export const INTERVALS: Readonly<Record<string, number>> = {
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
  '3d': 259_200_000,
  '1w': 604_800_000,
};

/** Interval in ms of a Binance interval name, if this source can serve it. */
export function intervalMs(name: string, base: number): number | undefined {
  const ms = INTERVALS[name];
  return ms !== undefined && ms >= base && ms % base === 0 ? ms : undefined;
}

function merge(a: BarRow | undefined, b: BarRow, t: number): BarRow {
  if (a === undefined) return { ...b, t };
  return {
    t,
    o: a.o,
    h: b.h > a.h ? b.h : a.h,
    l: b.l < a.l ? b.l : a.l,
    c: b.c,
    v: a.v + b.v,
    q: a.q + b.q,
    n: a.n + b.n,
    tbv: a.tbv + b.tbv,
    tbq: a.tbq + b.tbq,
    f: a.f === 0 ? b.f : a.f,
    L: b.L === 0 ? a.L : b.L,
  };
}

/** Index of the first completed base bar with open time >= t. */
function lowerBound(src: BarSource, t: number): number {
  let lo = 0;
  let hi = src.count();
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (src.bar(mid).t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The aggregated bar of `interval` that opens at `t` (undefined if no base bar falls in it). */
export function barAt(src: BarSource, interval: number, t: number): BarRow | undefined {
  let acc: BarRow | undefined;
  for (let i = lowerBound(src, t); i < src.count(); i++) {
    const b = src.bar(i);
    if (b.t >= t + interval) return acc;
    acc = merge(acc, b, t);
  }
  const p = src.partial();
  if (p !== undefined && p.t >= t && p.t < t + interval) acc = merge(acc, p, t);
  return acc;
}

export interface KlineQuery {
  readonly interval: number;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly limit: number;
}

/** Aggregated bars for a klines request, Binance's rules: from startTime up, else the latest. */
export function queryBars(src: BarSource, q: KlineQuery): BarRow[] {
  const all: BarRow[] = [];
  const n = src.count();
  const p = src.partial();
  const last = p ?? (n > 0 ? src.bar(n - 1) : undefined);
  if (last === undefined) return [];
  const first = n > 0 ? src.bar(0).t : last.t;
  const floor = (t: number): number => Math.floor(t / q.interval) * q.interval;
  let from = q.startTime !== undefined ? Math.max(floor(q.startTime) < q.startTime ? floor(q.startTime) + q.interval : floor(q.startTime), floor(first)) : floor(first);
  const to = Math.min(q.endTime ?? Infinity, last.t);
  if (q.startTime === undefined) from = Math.max(from, floor(to) - (q.limit - 1) * q.interval);
  for (let t = from; t <= to && all.length < q.limit; t += q.interval) {
    const b = barAt(src, q.interval, t);
    if (b !== undefined) all.push(b);
  }
  return all;
}

export interface Formats {
  readonly priceDecimals: number;
  readonly qtyDecimals: number;
}

/** A REST klines row (12 fields, Binance order). */
export function klineRow(b: BarRow, interval: number, f: Formats): unknown[] {
  return [
    b.t,
    fmt(b.o, f.priceDecimals),
    fmt(b.h, f.priceDecimals),
    fmt(b.l, f.priceDecimals),
    fmt(b.c, f.priceDecimals),
    fmt(b.v, f.qtyDecimals),
    b.t + interval - 1,
    b.q.toFixed(8),
    b.n,
    fmt(b.tbv, f.qtyDecimals),
    b.tbq.toFixed(8),
    '0',
  ];
}

/** The `k` object of a `kline` stream event. */
export function klinePayload(b: BarRow, interval: number, name: string, symbol: string, closed: boolean, f: Formats): Record<string, unknown> {
  return {
    t: b.t,
    T: b.t + interval - 1,
    s: symbol,
    i: name,
    f: b.f,
    L: b.L,
    o: fmt(b.o, f.priceDecimals),
    c: fmt(b.c, f.priceDecimals),
    h: fmt(b.h, f.priceDecimals),
    l: fmt(b.l, f.priceDecimals),
    v: fmt(b.v, f.qtyDecimals),
    n: b.n,
    x: closed,
    q: b.q.toFixed(8),
    V: fmt(b.tbv, f.qtyDecimals),
    Q: b.tbq.toFixed(8),
    B: '0',
  };
}

export interface Stats24h {
  readonly open: Fixed;
  readonly high: Fixed;
  readonly low: Fixed;
  readonly last: Fixed;
  readonly volume: Fixed;
  readonly quoteVolume: number;
  readonly count: number;
  readonly firstId: number;
  readonly lastId: number;
  readonly openTime: number;
}

/** Statistics over the base bars that opened in the 24 hours before `now`. */
export function stats24h(src: BarSource, now: number, lastPrice: Fixed): Stats24h {
  let acc: BarRow | undefined;
  for (let i = lowerBound(src, now - 86_400_000); i < src.count(); i++) acc = merge(acc, src.bar(i), acc?.t ?? src.bar(i).t);
  const p = src.partial();
  if (p !== undefined) acc = merge(acc, p, acc?.t ?? p.t);
  if (acc === undefined) return { open: lastPrice, high: lastPrice, low: lastPrice, last: lastPrice, volume: 0n, quoteVolume: 0, count: 0, firstId: 0, lastId: 0, openTime: now - 86_400_000 };
  return { open: acc.o, high: acc.h, low: acc.l, last: lastPrice, volume: acc.v, quoteVolume: acc.q, count: acc.n, firstId: acc.f, lastId: acc.L, openTime: acc.t };
}
