/**
 * WebSocket payloads: user-data events (ORDER_TRADE_UPDATE, ACCOUNT_UPDATE; shapes of
 * nautilus-rust-docs/futures/user_data_json/order_update_*.json and account_update.json) and the
 * derived market events (depthUpdate, bookTicker, trade, aggTrade, markPriceUpdate, 24hrTicker,
 * 24hrMiniTicker; shapes of futures/market_data_json/*.json and spec §6.3). Pure functions.
 */
import type { Position } from './account.ts';
import type { Stats24h } from './bars.ts';
import type { Book, Level } from './book.ts';
import { fmt, fmtAvg, toNumber, type Fixed } from './decimal.ts';
import type { MarketSpec } from './markets.ts';
import type { Order } from './orders.ts';
import { avgPrice } from './shapes.ts';

/** `CALCULATED`: a liquidation's fill, as Binance reports it (ws_futures_order_update_liquidation.json). */
export type ExecutionType = 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED' | 'AMENDMENT' | 'CALCULATED';

export interface ExecutionFill {
  readonly qty: Fixed;
  readonly price: Fixed;
  readonly commission: Fixed;
  readonly tradeId: number;
  readonly maker: boolean;
  readonly realizedPnl: Fixed;
}

export function orderTradeUpdate(o: Order, spec: MarketSpec, x: ExecutionType, time: number, fill?: ExecutionFill): Record<string, unknown> {
  const p = spec.tickDecimals;
  const q = spec.stepDecimals;
  return {
    e: 'ORDER_TRADE_UPDATE',
    T: time,
    E: time,
    o: {
      s: o.symbol,
      c: o.clientOrderId,
      S: o.side,
      o: o.type,
      f: o.timeInForce,
      q: fmt(o.origQty, q),
      p: fmt(o.price, p),
      ap: o.executedQty === 0n ? '0' : fmtAvg(avgPrice(o)),
      sp: '0',
      x,
      X: o.status,
      i: o.orderId,
      l: fmt(fill?.qty ?? 0n, q),
      z: fmt(o.executedQty, q),
      L: fmt(fill?.price ?? 0n, p),
      N: 'USDT',
      n: fmt(fill?.commission ?? 0n, 8),
      T: time,
      t: fill?.tradeId ?? 0,
      b: '0',
      a: '0',
      m: fill?.maker ?? false,
      R: o.reduceOnly,
      wt: 'CONTRACT_PRICE',
      ot: o.type,
      ps: 'BOTH',
      cp: false,
      AP: '0',
      cr: '0',
      pP: false,
      si: 0,
      ss: 0,
      rp: fmt(fill?.realizedPnl ?? 0n, 8),
      V: 'NONE',
    },
  };
}

export interface AccountChange {
  readonly reason: 'ORDER' | 'FUNDING_FEE' | 'ADJUSTMENT';
  readonly wallet: Fixed;
  /** Balance change other than PnL and commission (the funding amount). */
  readonly balanceChange: Fixed;
  readonly positions: readonly { position: Position; spec: MarketSpec; unrealized: Fixed }[];
}

export function accountUpdate(c: AccountChange, time: number): Record<string, unknown> {
  return {
    e: 'ACCOUNT_UPDATE',
    T: time,
    E: time,
    a: {
      m: c.reason,
      B: [{ a: 'USDT', wb: fmt(c.wallet, 8), cw: fmt(c.wallet, 8), bc: fmt(c.balanceChange, 8) }],
      P: c.positions.map(({ position: x, spec, unrealized }) => ({
        s: x.symbol,
        pa: fmt(x.qty, spec.stepDecimals),
        ep: fmtAvg(x.entry),
        bep: fmtAvg(x.entry),
        cr: fmt(x.realized, 8),
        up: fmt(unrealized, 8),
        mt: 'cross',
        iw: '0',
        ps: 'BOTH',
      })),
    },
  };
}

function levels(ls: readonly Level[], spec: MarketSpec): string[][] {
  return ls.map(([p, q]) => [fmt(p, spec.tickDecimals), fmt(q, spec.stepDecimals)]);
}

export function depthUpdate(spec: MarketSpec, ts: number, U: number, u: number, pu: number, bids: readonly Level[], asks: readonly Level[]): Record<string, unknown> {
  return { e: 'depthUpdate', E: ts, T: ts, s: spec.symbol, U, u, pu, b: levels(bids, spec), a: levels(asks, spec) };
}

export function depthLevels(book: Book, spec: MarketSpec, limit: number): { bids: string[][]; asks: string[][] } {
  return { bids: levels(book.top('bids', limit), spec), asks: levels(book.top('asks', limit), spec) };
}

export function bookTicker(book: Book, spec: MarketSpec, ts: number): Record<string, unknown> {
  const b = book.best('bids');
  const a = book.best('asks');
  return {
    e: 'bookTicker',
    u: book.updateId,
    s: spec.symbol,
    b: fmt(b?.[0] ?? 0n, spec.tickDecimals),
    B: fmt(b?.[1] ?? 0n, spec.stepDecimals),
    a: fmt(a?.[0] ?? 0n, spec.tickDecimals),
    A: fmt(a?.[1] ?? 0n, spec.stepDecimals),
    T: ts,
    E: ts,
  };
}

export function tradeEvent(spec: MarketSpec, ts: number, id: number, price: Fixed, qty: Fixed, buyerMaker: boolean): Record<string, unknown> {
  return { e: 'trade', E: ts, T: ts, s: spec.symbol, t: id, p: fmt(price, spec.tickDecimals), q: fmt(qty, spec.stepDecimals), X: 'MARKET', m: buyerMaker };
}

export function aggTradeEvent(spec: MarketSpec, ts: number, id: number, price: Fixed, qty: Fixed, buyerMaker: boolean): Record<string, unknown> {
  return { e: 'aggTrade', E: ts, a: id, s: spec.symbol, p: fmt(price, spec.tickDecimals), q: fmt(qty, spec.stepDecimals), f: id, l: id, T: ts, m: buyerMaker };
}

export function markPriceUpdate(spec: MarketSpec, ts: number, mark: Fixed, rate: Fixed, nextFunding: number): Record<string, unknown> {
  const m = fmt(mark, 8);
  return { e: 'markPriceUpdate', E: ts, s: spec.symbol, p: m, i: m, P: m, r: fmt(rate, 8), T: nextFunding };
}

export function miniTicker(spec: MarketSpec, ts: number, s: Stats24h): Record<string, unknown> {
  const p = spec.tickDecimals;
  return { e: '24hrMiniTicker', E: ts, s: spec.symbol, c: fmt(s.last, p), o: fmt(s.open, p), h: fmt(s.high, p), l: fmt(s.low, p), v: fmt(s.volume, spec.stepDecimals), q: s.quoteVolume.toFixed(8) };
}

export function changeFigures(s: Stats24h, spec: MarketSpec): { change: string; percent: string; weighted: string } {
  const change = s.last - s.open;
  const percent = s.open === 0n ? 0 : (toNumber(change) / toNumber(s.open)) * 100;
  const vol = toNumber(s.volume);
  return { change: fmt(change, spec.tickDecimals), percent: percent.toFixed(3), weighted: vol > 0 ? (s.quoteVolume / vol).toFixed(spec.tickDecimals) : fmt(s.last, spec.tickDecimals) };
}

export function ticker24(spec: MarketSpec, ts: number, s: Stats24h, lastQty: Fixed): Record<string, unknown> {
  const p = spec.tickDecimals;
  const f = changeFigures(s, spec);
  return {
    e: '24hrTicker',
    E: ts,
    s: spec.symbol,
    p: f.change,
    P: f.percent,
    w: f.weighted,
    c: fmt(s.last, p),
    Q: fmt(lastQty, spec.stepDecimals),
    o: fmt(s.open, p),
    h: fmt(s.high, p),
    l: fmt(s.low, p),
    v: fmt(s.volume, spec.stepDecimals),
    q: s.quoteVolume.toFixed(8),
    O: ts - 86_400_000,
    C: ts,
    F: s.firstId,
    L: s.lastId,
    n: s.count,
  };
}
