/**
 * Where backtest time goes: the per-bar floor (a strategy that only updates two SMAs, no orders)
 * and the order round trip (a strategy that trades every bar: submit, risk gate, venue, fill,
 * two ledgers). Together they explain the sma-cross figure in backtest-throughput.ts.
 */
import { defineStrategy, Sma, symbol, type AnyStrategyDefinition, type BarSeries } from '../src/engine/index.ts';
import { DEFAULT_MODELS, FRICTIONLESS } from '../src/paper/index.ts';
import { loadCandles } from '../src/data/index.ts';
import { backtestOnce, BTC_1M } from './kit.ts';

function run(series: BarSeries, def: AnyStrategyDefinition): { ms: number; fills: number } {
  const t0 = performance.now();
  const r = backtestOnce(series, def, {}, { ...FRICTIONLESS, fees: DEFAULT_MODELS.fees }, 1e9);
  return { ms: performance.now() - t0, fills: r.fills.length };
}

const floor = defineStrategy({
  name: 'floor',
  params: {},
  create() {
    const f = new Sma(10);
    const s = new Sma(30);
    return { onBar: (b) => void (f.update(b.close), s.update(b.close)) };
  },
});

const flip = defineStrategy({
  name: 'flip',
  params: {},
  create(ctx) {
    return {
      onBar(b) {
        if (ctx.openOrders(b.symbol).length > 0) return;
        const q = ctx.portfolio.position(b.symbol).qty;
        ctx.submit({ symbol: b.symbol, side: q > 0 ? 'sell' : 'buy', qty: 0.01 });
      },
    };
  },
});

export function benchEnginePaths(reps = 15): Record<string, number> {
  const { series } = loadCandles(BTC_1M, symbol('BTCUSDT'));
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  for (let i = 0; i < 3; i++) {
    run(series, floor);
    run(series, flip);
  }
  const tf: number[] = [];
  const to: number[] = [];
  let fills = 0;
  for (let i = 0; i < reps; i++) {
    tf.push(run(series, floor).ms);
    const o = run(series, flip);
    to.push(o.ms);
    fills = o.fills;
  }
  const floorNs = (median(tf) * 1e6) / series.length;
  const orderUs = ((median(to) - median(tf)) * 1000) / fills;
  return {
    'bar floor ns/bar (median)': Number(floorNs.toFixed(1)),
    'bar floor bars/s (median)': Math.round(1e9 / floorNs),
    'order round trips': fills,
    'order round trip us (median)': Number(orderUs.toFixed(2)),
  };
}
