/**
 * funding-holder: buys `size` at market while it holds nothing (no market order pending; on the
 * warm-up's bars the gate denies it, so the first live bar buys) and then holds it; on every bar it rests one
 * small buy limit (`probe` units) `offset` below the close, replacing the last one (cancel + new), so
 * it decides on every bar (test/kit/recorded-session.ts waits for a decision per bar) without ever
 * changing the position. For sessions that must hold a position across a funding time.
 */
import { defineStrategy, type ClientOrderId } from '../../../src/engine/index.ts';

export default defineStrategy({
  name: 'funding-holder',
  params: { size: 1000, probe: 10, offset: 0.05 },
  create(ctx) {
    let resting: ClientOrderId | undefined;
    return {
      onBar(bar) {
        const pending = ctx.openOrders(bar.symbol).some((o) => o.orderType === 'market');
        if (!pending && ctx.portfolio.position(bar.symbol).qty === 0) ctx.submit({ symbol: bar.symbol, side: 'buy', qty: ctx.params.size });
        if (resting !== undefined && ctx.openOrders(bar.symbol).some((o) => o.clientOrderId === resting)) ctx.cancel(resting);
        resting = ctx.submit({ symbol: bar.symbol, side: 'buy', qty: ctx.params.probe, price: bar.close * (1 - ctx.params.offset) });
      },
    };
  },
});
