/**
 * Market stream names: which names the local exchange accepts, and the topic each one maps to
 * (several names share a topic: `btcusdt@depth`, `@depth@100ms` and `@depth@0ms` are one diff
 * feed; `@markPrice` and `@markPrice@1s` one mark feed). Names are Binance's (spec §6.3).
 */
import { INTERVALS } from './bars.ts';

const SYMBOL_STREAM = /^([a-z0-9]+)@(trade|aggTrade|bookTicker|miniTicker|ticker|depth(?:5|10|20)?(?:@(?:0|100|250|500)ms)?|markPrice(?:@1s)?|kline_([0-9]+[mhdw]))$/;

/**
 * The topic of a stream name, or undefined if it is not one this exchange serves.
 * `klineOk(symbol, interval)` says whether a market can serve that kline interval.
 */
export function topicOf(name: string, symbols: ReadonlySet<string>, klineOk: (symbol: string, interval: string) => boolean): string | undefined {
  switch (name) {
    case '!bookTicker':
    case '!miniTicker@arr':
    case '!ticker@arr':
      return name;
    case '!markPrice@arr':
    case '!markPrice@arr@1s':
      return '!markPrice@arr';
  }
  const m = SYMBOL_STREAM.exec(name);
  if (m === null) return undefined;
  const sym = m[1] as string;
  const kind = m[2] as string;
  if (!symbols.has(sym)) return undefined;
  if (kind.startsWith('kline_')) {
    const iv = m[3] as string;
    return INTERVALS[iv] !== undefined && klineOk(sym, iv) ? `${sym}@kline_${iv}` : undefined;
  }
  if (kind.startsWith('depth')) return `${sym}@${kind.replace(/@\d+ms$/, '')}`;
  if (kind.startsWith('markPrice')) return `${sym}@markPrice`;
  return `${sym}@${kind}`;
}
