/** The bars of a candle series opening in [from, to), read through the engine's own BarFeed. */
import { BarFeed, type Bar, type BarSeries } from '../../src/engine/index.ts';

export function seriesBars(series: BarSeries, from = -Infinity, to = Infinity): Bar[] {
  const feed = new BarFeed(series);
  const out: Bar[] = [];
  while (feed.peekTime() !== Infinity) {
    const b = feed.next();
    if (b.tsEvent >= from && b.tsEvent < to) out.push(b);
  }
  return out;
}
