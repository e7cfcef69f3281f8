/**
 * tui-load: the strategy behind `npm run bench -- tui`. It keeps a position open (something for
 * flatten to close) and orders flowing (rows and fills for the panes to show) while the screen
 * renders. It acts on every `every`-th trade only, so at 2,000 trades/s it sends a few orders a
 * second, well inside the venue's request budget:
 * - flat with no order working: buys `size` at market and rests a buy limit 3% below (something
 *   for flatten's cancel-all);
 * - long: alternates a `step` buy and sell at market.
 * While the engine is paused (after a flatten) the entries are denied; it simply tries again at
 * the next `every`-th trade, so a resume brings the position back within a fraction of a second.
 */
import { defineStrategy } from '../../src/engine/index.ts';

export default defineStrategy({
  name: 'tui-load',
  params: { size: 0.01, step: 0.001, every: 400 },
  validate(p) {
    if (!(p.size > 0 && p.step > 0)) return `size and step must be > 0 (got ${p.size}, ${p.step})`;
    if (!Number.isInteger(p.every) || p.every < 1) return `every must be a whole number >= 1 (got ${p.every})`;
    return undefined;
  },
  create(ctx) {
    let trades = 0;
    let buyNext = true;
    return {
      onTrade(t) {
        if (++trades % ctx.params.every !== 0) return;
        if (ctx.portfolio.position(t.symbol).qty === 0) {
          if (ctx.openOrders(t.symbol).length > 0) return; // the entry is on its way
          ctx.submit({ symbol: t.symbol, side: 'buy', qty: ctx.params.size });
          ctx.submit({ symbol: t.symbol, side: 'buy', qty: ctx.params.size, price: t.price * 0.97 });
          return;
        }
        ctx.submit({ symbol: t.symbol, side: buyNext ? 'buy' : 'sell', qty: ctx.params.step });
        buyNext = !buyNext;
      },
    };
  },
});
