/**
 * Public REST endpoints (market data): time, exchangeInfo, depth, klines, tickers, premiumIndex,
 * fundingRate, recent trades. Shapes follow the real samples (spec §7); every number is the
 * replayed market's, every time virtual.
 */
import { intervalMs, klineRow, queryBars, stats24h } from './bars.ts';
import { fmt } from './decimal.ts';
import { err, mandatory } from './errors.ts';
import type { Ctx, RouteTable } from './router.ts';
import type { MarketState } from './venue.ts';
import { bookTicker, changeFigures, depthLevels } from './ws-shapes.ts';

/** The market named by `symbol` (required). */
export function marketParam(c: Ctx): MarketState {
  return c.v.marketOrThrow(c.p.required('symbol'));
}

/** The markets a request covers: the one named, or all when `symbol` is absent. */
export function marketsParam(c: Ctx): MarketState[] {
  return c.p.str('symbol') === undefined ? [...c.v.markets.values()] : [marketParam(c)];
}

/** Rows of a history query, Binance's rules: from startTime (or an id) up, else the latest `limit`. */
export function window<T>(rows: readonly T[], c: Ctx, time: (r: T) => number, dflt: number, max: number, id?: { param: string; of: (r: T) => number }): T[] {
  const start = c.p.int('startTime');
  const end = c.p.int('endTime');
  const limit = c.p.int('limit', { min: 1, max }) ?? dflt;
  const from = id === undefined ? undefined : c.p.int(id.param);
  if (start !== undefined && end !== undefined && start > end) throw err(-1023, 'Start time is greater than end time.');
  const out = rows.filter((r) => (start === undefined || time(r) >= start) && (end === undefined || time(r) <= end) && (from === undefined || id === undefined || id.of(r) >= from));
  return start !== undefined || from !== undefined ? out.slice(0, limit) : out.slice(Math.max(0, out.length - limit));
}

function ticker24Json(c: Ctx, ms: MarketState): Record<string, unknown> {
  const now = c.v.now;
  const s = stats24h(ms.feed.bars, now, ms.feed.lastPrice());
  const f = changeFigures(s, ms.spec);
  const p = ms.spec.tickDecimals;
  const last = ms.recent[ms.recent.length - 1];
  return {
    symbol: ms.spec.symbol,
    priceChange: f.change,
    priceChangePercent: f.percent,
    weightedAvgPrice: f.weighted,
    lastPrice: fmt(s.last, p),
    lastQty: fmt(last?.qty ?? 0n, ms.spec.stepDecimals),
    openPrice: fmt(s.open, p),
    highPrice: fmt(s.high, p),
    lowPrice: fmt(s.low, p),
    volume: fmt(s.volume, ms.spec.stepDecimals),
    quoteVolume: s.quoteVolume.toFixed(8),
    openTime: s.openTime,
    closeTime: now,
    firstId: s.firstId,
    lastId: s.lastId,
    count: s.count,
  };
}

function premiumJson(c: Ctx, ms: MarketState): Record<string, unknown> {
  const mark = fmt(ms.feed.lastPrice(), 8);
  return {
    symbol: ms.spec.symbol,
    markPrice: mark,
    indexPrice: mark,
    estimatedSettlePrice: mark,
    lastFundingRate: fmt(ms.funding.rate(), 8),
    nextFundingTime: ms.funding.nextFundingTime(c.v.now),
    interestRate: '0.00010000',
    time: c.v.now,
  };
}

const one = <T>(c: Ctx, rows: T[]): T | T[] => (c.p.str('symbol') === undefined ? rows : (rows[0] as T));

/** v1 and v2 ticker/price answer alike. */
const tickerPrice: RouteTable[string] = {
  auth: 'none',
  handle: (c) =>
    one(
      c,
      marketsParam(c).map((ms) => ({ symbol: ms.spec.symbol, price: fmt(ms.feed.lastPrice(), ms.spec.tickDecimals), time: c.v.now })),
    ),
};

export const publicRoutes: RouteTable = {
  'GET /fapi/v1/ping': { auth: 'none', handle: () => ({}) },
  'GET /fapi/v1/time': { auth: 'none', handle: (c) => ({ serverTime: c.v.now }) },
  'GET /fapi/v1/exchangeInfo': {
    auth: 'none',
    handle: (c) => ({ ...c.info.top, serverTime: c.v.now, symbols: [...c.v.markets.values()].map((m) => m.spec.info) }),
  },
  'GET /fapi/v1/depth': {
    auth: 'none',
    handle: (c) => {
      const ms = marketParam(c);
      const limit = c.p.int('limit', { min: 1, max: 1000 }) ?? 500;
      const book = ms.feed.book;
      return { lastUpdateId: book.updateId, E: c.v.now, T: book.time, ...depthLevels(book, ms.spec, limit) };
    },
  },
  'GET /fapi/v1/klines': {
    auth: 'none',
    handle: (c) => {
      const ms = marketParam(c);
      const name = c.p.str('interval');
      if (name === undefined) throw mandatory('interval');
      const I = intervalMs(name, ms.feed.bars.interval);
      if (I === undefined) throw err(-1120);
      const start = c.p.int('startTime');
      const end = c.p.int('endTime');
      const limit = c.p.int('limit', { min: 1, max: 1500 }) ?? 500;
      const rows = queryBars(ms.feed.bars, { interval: I, limit, ...(start === undefined ? {} : { startTime: start }), ...(end === undefined ? {} : { endTime: end }) });
      return rows.map((b) => klineRow(b, I, { priceDecimals: ms.spec.tickDecimals, qtyDecimals: ms.spec.stepDecimals }));
    },
  },
  'GET /fapi/v1/ticker/24hr': {
    auth: 'none',
    handle: (c) =>
      one(
        c,
        marketsParam(c).map((ms) => ticker24Json(c, ms)),
      ),
  },
  'GET /fapi/v1/ticker/bookTicker': {
    auth: 'none',
    handle: (c) =>
      one(
        c,
        marketsParam(c).map((ms) => {
          const t = bookTicker(ms.feed.book, ms.spec, c.v.now);
          return { symbol: ms.spec.symbol, bidPrice: t['b'], bidQty: t['B'], askPrice: t['a'], askQty: t['A'], time: c.v.now };
        }),
      ),
  },
  'GET /fapi/v1/ticker/price': tickerPrice,
  'GET /fapi/v2/ticker/price': tickerPrice,
  'GET /fapi/v1/premiumIndex': {
    auth: 'none',
    handle: (c) =>
      one(
        c,
        marketsParam(c).map((ms) => premiumJson(c, ms)),
      ),
  },
  'GET /fapi/v1/fundingRate': {
    auth: 'none',
    handle: (c) => {
      const rows = marketsParam(c).flatMap((ms) =>
        ms.funding.history(c.v.now).map((r) => ({ symbol: ms.spec.symbol, fundingRate: fmt(r.rate, 8), fundingTime: r.time, ...(r.mark === undefined ? {} : { markPrice: fmt(r.mark, 8) }) })),
      );
      rows.sort((a, b) => a.fundingTime - b.fundingTime);
      return window(rows, c, (r) => r.fundingTime, 100, 1000);
    },
  },
  'GET /fapi/v1/trades': {
    auth: 'none',
    handle: (c) => {
      const ms = marketParam(c);
      const limit = c.p.int('limit', { min: 1, max: 1000 }) ?? 500;
      return ms.recent.slice(-limit).map((t) => ({
        id: t.id,
        price: fmt(t.price, ms.spec.tickDecimals),
        qty: fmt(t.qty, ms.spec.stepDecimals),
        quoteQty: fmt((t.price * t.qty) / 10n ** 18n, ms.spec.tickDecimals),
        time: t.ts,
        isBuyerMaker: t.buyerMaker,
      }));
    },
  },
  'GET /fapi/v1/aggTrades': {
    auth: 'none',
    handle: (c) => {
      const ms = marketParam(c);
      const rows = window(ms.recent, c, (t) => t.ts, 500, 1000, { param: 'fromId', of: (t) => t.id });
      return rows.map((t) => ({ a: t.id, p: fmt(t.price, ms.spec.tickDecimals), q: fmt(t.qty, ms.spec.stepDecimals), f: t.id, l: t.id, T: t.ts, m: t.buyerMaker }));
    },
  },
};
