/**
 * churn: a strategy that trades on every bar, for fault and crash tests: flips between flat and
 * long with market orders, and keeps one resting limit order a little below the market, replacing
 * it each bar (cancel + new), so submits, fills, partial fills and cancels all happen constantly.
 */
import { defineStrategy, type Bar, type ClientOrderId } from '../../../src/engine/index.ts';

export default defineStrategy({
  name: 'churn',
  params: { size: 50, offset: 0.002 },
  create(ctx) {
    let resting: ClientOrderId | undefined;
    return {
      onBar(bar: Bar) {
        if (resting !== undefined && ctx.openOrders(bar.symbol).some((o) => o.clientOrderId === resting)) ctx.cancel(resting);
        resting = undefined;
        const pending = ctx.openOrders(bar.symbol).some((o) => o.orderType === 'market');
        const held = ctx.portfolio.position(bar.symbol).qty;
        if (!pending) {
          if (held <= 0) ctx.submit({ symbol: bar.symbol, side: 'buy', qty: ctx.params.size });
          else ctx.submit({ symbol: bar.symbol, side: 'sell', qty: held, reduceOnly: true });
        }
        resting = ctx.submit({ symbol: bar.symbol, side: 'buy', qty: ctx.params.size, price: bar.close * (1 - ctx.params.offset) });
      },
    };
  },
});
