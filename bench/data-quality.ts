/**
 * False drops of the bad-data breaker on every bundled real market data file (docs/data-quality.md):
 * the BTCUSDT 1m spot klines, the XRPUSDT 5m perpetual klines with their 8h funding, and the trades
 * and book tickers of the BTCUSDT USD-M L2 recording. Each stream goes through one validator with
 * the default settings, the engine clock at each event's tsInit, as in a backtest. Real data should
 * give zero drops; the largest moves seen say how far the defaults are from firing.
 * `npx tsx bench/data-quality.ts` or `npm run bench data-quality`.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { BarFeed, DATA_FAULTS, MarketDataValidator, symbol, type MarketData } from '../src/engine/index.ts';
import { loadCandles, loadFunding } from '../src/data/index.ts';
import { BTC_1M } from './kit.ts';

const file = (rel: string): string => fileURLToPath(new URL(`../data/${rel}`, import.meta.url));

function run(name: string, events: Iterable<MarketData>): Record<string, number | string> {
  const v = new MarketDataValidator();
  let n = 0;
  let maxMove = 0;
  let prev = NaN;
  for (const d of events) {
    n++;
    v.check(d, d.tsInit);
    const px = d.type === 'bar' ? d.close : d.type === 'trade' ? d.price : d.type === 'quote' ? (d.bid + d.ask) / 2 : NaN;
    if (px === px && prev === prev) maxMove = Math.max(maxMove, Math.abs(px / prev - 1));
    if (px === px) prev = px;
  }
  const q = v.quality;
  const byClass = DATA_FAULTS.filter((f) => q.counts[f] > 0).map((f) => `${f} ${q.counts[f]}`);
  return { file: name, events: n, dropped: q.dropped, classes: byClass.join(', ') || '-', gaps: q.gaps, 'largest move %': Number((maxMove * 100).toFixed(3)) };
}

function* bars(path: string, sym: string): Generator<MarketData> {
  const { series } = loadCandles(path, symbol(sym));
  const f = new BarFeed(series);
  while (f.peekTime() !== Infinity) yield f.next();
}

function l2(path: string): { trades: MarketData[]; quotes: MarketData[] } {
  const trades: MarketData[] = [];
  const quotes: MarketData[] = [];
  const sym = symbol('BTCUSDT');
  for (const line of gunzipSync(readFileSync(path)).toString('utf8').split('\n')) {
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    const msg = JSON.parse(line.slice(sp + 1)) as { data?: Record<string, string | number> };
    const x = msg.data;
    if (x === undefined) continue;
    const ts = Number(x['T'] ?? x['E']);
    if (x['e'] === 'trade') {
      trades.push({
        type: 'trade',
        symbol: sym,
        tsEvent: ts,
        tsInit: Number(x['E']),
        price: Number(x['p']),
        qty: Number(x['q']),
        aggressor: x['m'] === 'true' ? 'sell' : 'buy',
        tradeId: String(x['t']),
      });
    } else if (x['e'] === 'bookTicker') {
      quotes.push({ type: 'quote', symbol: sym, tsEvent: ts, tsInit: Number(x['E']), bid: Number(x['b']), bidQty: Number(x['B']), ask: Number(x['a']), askQty: Number(x['A']) });
    }
  }
  return { trades, quotes };
}

export function benchDataQuality(): Record<string, Record<string, number | string>> {
  const { trades, quotes } = l2(file('binance-btcusdt-usdm-l2-2024-08-08/usdm_btcusdt_20240808.gz'));
  return {
    btc1m: run('BTCUSDT-1m-2024-12.csv', bars(BTC_1M, 'BTCUSDT')),
    xrp5m: run('XRPUSDT-5m-2021-11.csv', bars(file('binance-xrpusdt-perp-2021-11/XRPUSDT-5m-2021-11.csv'), 'XRPUSDT')),
    xrpFunding: run('XRPUSDT-funding-8h.csv', loadFunding(file('binance-xrpusdt-perp-2021-11/XRPUSDT-funding-8h.csv'), symbol('XRPUSDT'))),
    l2Trades: run('usdm_btcusdt_20240808.gz trades', trades),
    l2Quotes: run('usdm_btcusdt_20240808.gz bookTicker', quotes),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.table(benchDataQuality());
