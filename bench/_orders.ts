import { BarFeed, fromNumber, runBacktest, symbol, defineStrategy, createRng } from '../src/engine/index.ts';
import { DEFAULT_MODELS, SimulatedVenue } from '../src/paper/index.ts';
import { loadCandles, resolveInstrument } from '../src/data/index.ts';
const { series } = loadCandles('data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv', symbol('BTCUSDT'));
const inst = resolveInstrument('BTCUSDT', 'spot', 0.01);
const flip = defineStrategy({ name: 'flip', params: {}, create(ctx) { return { onBar(b) {
  if (ctx.openOrders(b.symbol).length) return;
  const q = ctx.portfolio.position(b.symbol).qty;
  ctx.submit({ symbol: b.symbol, side: q > 0 ? 'sell' : 'buy', qty: 0.01 }); } }; } });
const cash = fromNumber(1e9);
for (let k = 0; k < 15; k++) {
  const t0 = performance.now();
  const r = runBacktest({ instruments: [inst], feed: new BarFeed(series), currency: 'USDT', startingCash: cash, accountType: 'cash',
    strategies: [{ definition: flip, params: {}, symbols: [inst.symbol] }],
    venue: (clock, sink) => { const v = new SimulatedVenue({ instruments: [inst], clock, rng: createRng(1), models: DEFAULT_MODELS, currency: 'USDT', startingCash: cash, accountType: 'cash' }); v.connect(sink); return v; } });
  const dt = performance.now() - t0;
  if (k % 5 === 4) console.log(r.fills.length, 'fills', (r.fills.length / dt).toFixed(0), 'k orders/s', (dt*1000/r.fills.length).toFixed(2), 'us/order');
}
