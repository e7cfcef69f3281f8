/**
 * sma-cross: long when the fast SMA crosses above the slow SMA, flat when it crosses below.
 *
 * A cross compares the latest non-zero difference (fast - slow) with the current one, so a bar
 * where the averages tie keeps the previous side (the same rule as backtrader's CrossOver).
 * Market orders; the fill comes at the next bar's open. Trades every symbol it is given.
 */
import { defineStrategy, Sma, type Bar } from '../src/engine/index.ts';

interface SymbolState {
  readonly fast: Sma;
  readonly slow: Sma;
  /** Last non-zero fast - slow; 0 until the first bar where both averages exist. */
  nzd: number;
  seeded: boolean;
}

export default defineStrategy({
  name: 'sma-cross',
  description: 'Fast/slow SMA crossover, long or flat, market orders.',
  params: { fast: 10, slow: 30, size: 0.01 },
  validate(p) {
    if (!Number.isInteger(p.fast) || p.fast < 1) return `fast must be a whole number >= 1 (got ${p.fast})`;
    if (!Number.isInteger(p.slow) || p.slow <= p.fast) return `slow must be a whole number > fast (got ${p.slow})`;
    if (!(p.size > 0)) return `size must be > 0 (got ${p.size})`;
    return undefined;
  },
  create(ctx) {
    const { fast, slow, size } = ctx.params;
    const states = new Map<string, SymbolState>();
    let lastSymbol = '';
    let last: SymbolState | undefined;
    const stateOf = (symbol: string): SymbolState => {
      if (symbol === lastSymbol && last !== undefined) return last;
      let s = states.get(symbol);
      if (s === undefined) {
        s = { fast: new Sma(fast), slow: new Sma(slow), nzd: 0, seeded: false };
        states.set(symbol, s);
      }
      lastSymbol = symbol;
      last = s;
      return s;
    };
    return {
      onBar(bar: Bar) {
        const s = stateOf(bar.symbol);
        const f = s.fast.update(bar.close);
        const sl = s.slow.update(bar.close);
        if (!s.slow.ready) return;
        const d = f - sl;
        if (!s.seeded) {
          s.seeded = true;
          s.nzd = d;
          return;
        }
        const up = s.nzd < 0 && f > sl;
        const down = s.nzd > 0 && f < sl;
        if (d !== 0) s.nzd = d;
        if (!up && !down) return;
        if (ctx.openOrders(bar.symbol).length > 0) return;
        const held = ctx.portfolio.position(bar.symbol).qty;
        if (up && held === 0) ctx.submit({ symbol: bar.symbol, side: 'buy', qty: size });
        else if (down && held > 0) ctx.submit({ symbol: bar.symbol, side: 'sell', qty: held, reduceOnly: true });
      },
    };
  },
});
