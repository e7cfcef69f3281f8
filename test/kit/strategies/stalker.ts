/**
 * stalker: rests a buy limit `start` below each bar's close and walks it `step` closer every bar,
 * down to `closest` below, by modify while it rests (as mean-reversion's place() does), a new
 * order when none is open. It logs the level it asks for on every bar ("bar <open time> bid
 * <price>"), so a drill can wait for each bar and compare the levels with where the market went.
 * Never sells.
 */
import { defineStrategy, type Bar, type ClientOrderId } from '../../../src/engine/index.ts';

export default defineStrategy({
  name: 'stalker',
  params: { size: 50, start: 0.012, step: 0.003, closest: 0.003 },
  create(ctx) {
    let bars = 0;
    let entry: ClientOrderId | undefined;
    return {
      onBar(bar: Bar) {
        const offset = Math.max(ctx.params.closest, ctx.params.start - ctx.params.step * bars++);
        const price = Number((bar.close * (1 - offset)).toFixed(ctx.instrument(bar.symbol).priceDecimals));
        ctx.log(`bar ${bar.tsEvent} bid ${price}`);
        const o = entry === undefined ? undefined : ctx.order(entry);
        if (o !== undefined && ctx.openOrders(bar.symbol).some((x) => x.clientOrderId === entry)) {
          if (o.price !== price && o.status !== 'pending_update' && o.status !== 'pending_cancel') ctx.modify(o.clientOrderId, { price });
          return;
        }
        entry = ctx.submit({ symbol: bar.symbol, side: 'buy', qty: ctx.params.size, price });
      },
    };
  },
});
