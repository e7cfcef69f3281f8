/**
 * Market data messages. All timestamps are integer epoch milliseconds, UTC.
 *
 * `tsEvent` is venue time; `tsInit` is when the engine may use the message. A bar is stamped at its
 * open (`tsEvent`) and becomes usable only once it has closed: `tsInit = tsEvent + interval`.
 * Prices are in quote currency, sizes in base units.
 */
import type { Symbol } from './ids.ts';

export interface Bar {
  readonly type: 'bar';
  readonly symbol: Symbol;
  /** Bar length in ms (60_000 for 1m). */
  readonly interval: number;
  /** Open time. */
  readonly tsEvent: number;
  /** Close time: tsEvent + interval. */
  readonly tsInit: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Traded volume in base units. */
  readonly volume: number;
}

export type Aggressor = 'buy' | 'sell' | 'unknown';

export interface TradeTick {
  readonly type: 'trade';
  readonly symbol: Symbol;
  readonly tsEvent: number;
  readonly tsInit: number;
  readonly price: number;
  readonly qty: number;
  /** Side of the taker: 'sell' means a seller hit the bid. */
  readonly aggressor: Aggressor;
  readonly tradeId: string;
}

export interface QuoteTick {
  readonly type: 'quote';
  readonly symbol: Symbol;
  readonly tsEvent: number;
  readonly tsInit: number;
  readonly bid: number;
  readonly bidQty: number;
  readonly ask: number;
  readonly askQty: number;
}

/** A funding rate that settles at `tsEvent` (perpetuals), with the mark price it settles at. */
export interface FundingRateUpdate {
  readonly type: 'funding';
  readonly symbol: Symbol;
  readonly tsEvent: number;
  readonly tsInit: number;
  /** Fraction per funding interval; positive means longs pay shorts. */
  readonly rate: number;
  /** Mark price at settlement; when absent the venue uses its last price. */
  readonly markPrice?: number;
}

export type MarketData = Bar | TradeTick | QuoteTick | FundingRateUpdate;

export function makeBar(symbol: Symbol, interval: number, tsEvent: number, open: number, high: number, low: number, close: number, volume: number): Bar {
  return { type: 'bar', symbol, interval, tsEvent, tsInit: tsEvent + interval, open, high, low, close, volume };
}
