import { describe, expect, it } from 'vitest';
import { BarFeed, symbol, type Bar } from '../../src/engine/index.ts';
import { loadCandles } from '../../src/data/index.ts';

const btc = loadCandles('data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv', symbol('BTCUSDT')).series;

/** Row i of the series as the plain Bar the feed used to build. */
function plainRow(i: number): Bar {
  const ts = btc.ts[i] as number;
  return {
    type: 'bar',
    symbol: btc.symbol,
    interval: btc.interval,
    tsEvent: ts,
    tsInit: ts + btc.interval,
    open: btc.open[i] as number,
    high: btc.high[i] as number,
    low: btc.low[i] as number,
    close: btc.close[i] as number,
    volume: btc.volume[i] as number,
  };
}

describe('BarFeed', () => {
  it('delivers every row of its range as a bar with the row values, which survive later bars', () => {
    const from = 100;
    const to = 5_100;
    const feed = new BarFeed(btc, from, to);
    expect(feed.size).toBe(to - from);
    const kept: Bar[] = [];
    while (feed.peekTime() !== Infinity) {
      const t = feed.peekTime();
      const b = feed.next();
      expect(b.tsInit).toBe(t);
      kept.push(b);
    }
    expect(kept).toHaveLength(to - from);
    // A strategy may keep the bars it is given: each still reads its own row after the feed moved on.
    kept.forEach((b, k) => {
      const want = plainRow(from + k);
      expect(b.type).toBe('bar');
      for (const f of ['symbol', 'interval', 'tsEvent', 'tsInit', 'open', 'high', 'low', 'close', 'volume'] as const) expect(b[f]).toBe(want[f]);
    });
  });

  it('a delivered bar serializes as the plain bar and cannot be changed', () => {
    const b = new BarFeed(btc, 7, 8).next();
    expect(JSON.parse(JSON.stringify(b))).toEqual(plainRow(7));
    expect(() => {
      (b as { close: number }).close = 1;
    }).toThrow(TypeError);
    expect(b.close).toBe(btc.close[7]);
  });
});
