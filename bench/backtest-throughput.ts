/**
 * Backtest throughput: sma-cross (10/30) through the full engine (kernel, risk gate, simulated
 * venue, ledger) against a bare typed-array loop that computes the same signals and the same
 * next-open fills. Both run in one process on the bundled BTCUSDT 1m data; the ratio is what to
 * compare across machines.
 *
 * A third run splits the engine's time in two: the same strategy through the same engine with its
 * orders left out (the bars' path: data feed, validator, venue matching, kernel, strategy, equity
 * curve), and what the orders add, per order (the risk gate, the venue, the order state machine,
 * the exact ledger, and their garbage).
 */
import { defineStrategy, resolveParams, Sma, symbol, type BarSeries, type ClientOrderId, type StrategyContext } from '../src/engine/index.ts';
import { FRICTIONLESS } from '../src/paper/index.ts';
import { loadCandles } from '../src/data/index.ts';
import smaCross from '../strategies/sma-cross.ts';
import { backtestOnce, BTC_1M } from './kit.ts';

export function engineRun(series: BarSeries): { fills: number; equity: number } {
  const models = { ...FRICTIONLESS, fees: { maker: 0.0004, taker: 0.0004 } };
  const r = backtestOnce(series, smaCross, resolveParams(smaCross, {}), models, 10_000);
  return { fills: r.fills.length, equity: r.equity[r.equity.length - 1] ?? NaN };
}

/** sma-cross computing its signals on every bar but placing no order: the engine's cost per bar without the order path. */
const signalsOnly = defineStrategy({
  ...smaCross,
  name: 'sma-cross-signals',
  create: (ctx: StrategyContext<typeof smaCross.params>) => smaCross.create({ ...ctx, submit: () => '' as ClientOrderId }),
});

export function barsOnlyRun(series: BarSeries): { fills: number } {
  const models = { ...FRICTIONLESS, fees: { maker: 0.0004, taker: 0.0004 } };
  return { fills: backtestOnce(series, signalsOnly, resolveParams(signalsOnly, {}), models, 10_000).fills.length };
}

/** The same strategy with no engine: SMAs, crossover with the tie rule, fills at the next open, fees. */
export function bareRun(s: BarSeries): { fills: number; equity: number } {
  const fast = new Sma(10);
  const slow = new Sma(30);
  const { open, close } = s;
  let cash = 10_000;
  let pos = 0;
  let pending = 0; // +1 buy, -1 sell at the next open
  let nzd = 0;
  let seeded = false;
  let fills = 0;
  for (let i = 0; i < s.length; i++) {
    if (pending !== 0) {
      const px = open[i] as number;
      const q = pending > 0 ? 0.01 : -pos;
      cash -= q * px + Math.abs(q) * px * 0.0004;
      pos += q;
      pending = 0;
      fills++;
    }
    const c = close[i] as number;
    const f = fast.update(c);
    const sl = slow.update(c);
    if (!slow.ready) continue;
    const d = f - sl;
    if (!seeded) {
      seeded = true;
      nzd = d;
      continue;
    }
    const up = nzd < 0 && f > sl;
    const down = nzd > 0 && f < sl;
    if (d !== 0) nzd = d;
    if (up && pos === 0) pending = 1;
    else if (down && pos > 0) pending = -1;
  }
  return { fills, equity: cash + pos * (close[s.length - 1] as number) };
}

function time(fn: () => unknown, reps: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

export function benchBacktest(reps = 21): Record<string, number | string> {
  const { series } = loadCandles(BTC_1M, symbol('BTCUSDT'));
  const e = engineRun(series);
  const b = bareRun(series);
  if (e.fills !== b.fills) throw new Error(`engine and bare loop disagree: ${e.fills} vs ${b.fills} fills`);
  if (barsOnlyRun(series).fills !== 0) throw new Error('the signals-only run placed orders');
  // Warm up both, then interleave so machine noise hits both alike.
  time(() => engineRun(series), 5);
  time(() => bareRun(series), 5);
  const te: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < reps; i++) {
    te.push(...time(() => engineRun(series), 1));
    tb.push(...time(() => bareRun(series), 1));
  }
  // The split, after the headline figures (a third run in that loop would change their heap and
  // JIT state): the engine again, interleaved with itself without orders.
  time(() => barsOnlyRun(series), 5);
  const te2: number[] = [];
  const tn: number[] = [];
  for (let i = 0; i < reps; i++) {
    te2.push(...time(() => engineRun(series), 1));
    tn.push(...time(() => barsOnlyRun(series), 1));
  }
  const engineBps = series.length / (median(te) / 1000);
  const bareBps = series.length / (median(tb) / 1000);
  const engineBest = series.length / (Math.min(...te) / 1000);
  const bareBest = series.length / (Math.min(...tb) / 1000);
  return {
    bars: series.length,
    fills: e.fills,
    'engine bars/s (median)': Math.round(engineBps),
    'bare loop bars/s (median)': Math.round(bareBps),
    'bare / engine (median)': Number((bareBps / engineBps).toFixed(2)),
    'engine bars/s (best)': Math.round(engineBest),
    'bare loop bars/s (best)': Math.round(bareBest),
    'bare / engine (best)': Number((bareBest / engineBest).toFixed(2)),
    'engine without orders bars/s (median)': Math.round(series.length / (median(tn) / 1000)),
    'engine without orders bars/s (best)': Math.round(series.length / (Math.min(...tn) / 1000)),
    'order path us/order (median)': Number((((median(te2) - median(tn)) * 1000) / e.fills).toFixed(2)),
    'order path us/order (best)': Number((((Math.min(...te2) - Math.min(...tn)) * 1000) / e.fills).toFixed(2)),
  };
}
