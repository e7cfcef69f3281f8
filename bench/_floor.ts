import { BarFeed, fromNumber, runBacktest, symbol, defineStrategy, Sma, createRng } from '../src/engine/index.ts';
import { DEFAULT_MODELS, SimulatedVenue } from '../src/paper/index.ts';
import { loadCandles, resolveInstrument } from '../src/data/index.ts';
const { series } = loadCandles('data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv', symbol('BTCUSDT'));
const inst = resolveInstrument('BTCUSDT', 'spot', 0.01);
const noop = defineStrategy({ name: 'noop', params: {}, create() { const f = new Sma(10), s = new Sma(30); return { onBar(b) { f.update(b.close); s.update(b.close); } }; } });
const cash = fromNumber(10000);
for (let k = 0; k < 30; k++) {
  const t0 = performance.now();
  runBacktest({ instruments: [inst], feed: new BarFeed(series), currency: 'USDT', startingCash: cash, accountType: 'cash',
    strategies: [{ definition: noop, params: {}, symbols: [inst.symbol] }],
    venue: (clock, sink) => { const v = new SimulatedVenue({ instruments: [inst], clock, rng: createRng(1), models: DEFAULT_MODELS, currency: 'USDT', startingCash: cash, accountType: 'cash' }); v.connect(sink); return v; } });
  const dt = performance.now() - t0;
  if (k % 5 === 4) console.log((series.length / dt / 1000).toFixed(2), 'M bars/s');
}
