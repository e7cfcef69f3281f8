/**
 * mean-reversion: rests a buy limit at the lower Bollinger band (mean - k x std of closes) and,
 * once long, a sell limit at the mean. The resting orders follow the bands each bar (modify, so
 * they lose queue priority as on a real venue). A stop closes the position with a market order
 * when price falls `stopPct` below the entry. Long only; maker fills unless the stop fires.
 */
import { defineStrategy, RollingStats, type Bar, type ClientOrderId } from '../src/engine/index.ts';

interface SymbolState {
  readonly stats: RollingStats;
  entry?: ClientOrderId;
  exit?: ClientOrderId;
}

export default defineStrategy({
  name: 'mean-reversion',
  description: 'Buy limit at the lower Bollinger band, sell limit at the mean, stop below entry.',
  params: { window: 20, k: 2, size: 0.01, stopPct: 0.01 },
  validate(p) {
    if (!Number.isInteger(p.window) || p.window < 2) return `window must be a whole number >= 2 (got ${p.window})`;
    if (!(p.k > 0)) return `k must be > 0 (got ${p.k})`;
    if (!(p.size > 0)) return `size must be > 0 (got ${p.size})`;
    if (!(p.stopPct > 0 && p.stopPct < 1)) return `stopPct must be between 0 and 1 (got ${p.stopPct})`;
    return undefined;
  },
  create(ctx) {
    const { window, k, size, stopPct } = ctx.params;
    const states = new Map<string, SymbolState>();
    const isOpen = (id: ClientOrderId | undefined): id is ClientOrderId => {
      if (id === undefined) return false;
      const o = ctx.order(id);
      return o !== undefined && ctx.openOrders(o.symbol).some((x) => x.clientOrderId === id);
    };
    const place = (id: ClientOrderId | undefined, symbol: string, side: 'buy' | 'sell', qty: number, price: number): ClientOrderId => {
      if (isOpen(id)) {
        const o = ctx.order(id);
        if (o !== undefined && o.price !== price && o.status !== 'pending_update' && o.status !== 'pending_cancel') ctx.modify(id, { price });
        return id;
      }
      return ctx.submit({ symbol, side, qty, price, reduceOnly: side === 'sell' });
    };
    return {
      onBar(bar: Bar) {
        let s = states.get(bar.symbol);
        if (s === undefined) {
          s = { stats: new RollingStats(window) };
          states.set(bar.symbol, s);
        }
        s.stats.update(bar.close);
        if (!s.stats.ready) return;
        const mean = s.stats.mean;
        const lower = mean - k * s.stats.std;
        const pos = ctx.portfolio.position(bar.symbol);
        if (pos.qty > 0) {
          if (isOpen(s.entry)) ctx.cancel(s.entry);
          if (bar.close < pos.avgEntry * (1 - stopPct)) {
            if (isOpen(s.exit)) ctx.cancel(s.exit);
            if (!ctx.openOrders(bar.symbol).some((o) => o.orderType === 'market')) {
              ctx.submit({ symbol: bar.symbol, side: 'sell', qty: pos.qty, reduceOnly: true });
            }
            return;
          }
          s.exit = place(s.exit, bar.symbol, 'sell', pos.qty, Math.max(mean, pos.avgEntry));
        } else {
          if (isOpen(s.exit)) ctx.cancel(s.exit);
          s.entry = place(s.entry, bar.symbol, 'buy', size, lower);
        }
      },
    };
  },
});
