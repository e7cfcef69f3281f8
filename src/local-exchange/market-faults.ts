/**
 * The wire side of market-data faults: which stream kind and symbol a topic's message belongs to
 * (what `marketData` rules filter on), and the spiked copies of a price, a print and a kline. Pure;
 * the venue's own state is never touched, only the message about to be sent.
 */
import type { Fixed } from './decimal.ts';
import type { MarketStreamKind } from './faults.ts';

/** A spike decided for one print or closing kline: the price to show and the streams that show it. */
export interface Spike {
  readonly price: Fixed;
  readonly streams: ReadonlySet<MarketStreamKind>;
}

/** A true price moved `pct` percent up or down, rounded to the tick (never below one tick). */
export function spikedPrice(price: Fixed, pct: number, up: boolean, tick: Fixed): Fixed {
  // The factor in parts per 10^11 (pct to 1e-9): any float pct, no float price arithmetic.
  const v = (price * BigInt(Math.round((up ? 100 + pct : 100 - pct) * 1e9))) / 100_000_000_000n;
  const t = tick > 0n ? tick : 1n;
  const rounded = ((v + t / 2n) / t) * t;
  return rounded > 0n ? rounded : t;
}

/** The stream kind of a topic (`xrpusdt@kline_5m` -> kline, `!markPrice@arr` -> markPrice). */
export function streamKindOf(topic: string): MarketStreamKind | undefined {
  const name = topic.startsWith('!') ? topic.slice(1).replace(/@arr$/, '') : topic.slice(topic.indexOf('@') + 1);
  if (name.startsWith('kline_')) return 'kline';
  if (name.startsWith('depth')) return 'depth';
  switch (name) {
    case 'trade':
    case 'aggTrade':
    case 'bookTicker':
    case 'markPrice':
    case 'ticker':
    case 'miniTicker':
      return name;
  }
  return undefined;
}

/** The exchange symbol a market message is about (`XRPUSDT`): the topic's, or the message's `s` for `!` topics. */
export function symbolOfMessage(topic: string, msg: object): string | undefined {
  if (!topic.startsWith('!')) return topic.slice(0, topic.indexOf('@')).toUpperCase();
  const first: unknown = Array.isArray(msg) ? msg[0] : msg;
  const s = typeof first === 'object' && first !== null ? (first as Record<string, unknown>)['s'] : undefined;
  return typeof s === 'string' ? s : undefined;
}
