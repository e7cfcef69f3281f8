/** shorter: on its first bar sells `size` at market; once short, rests a take-profit buy limit `tp` below; then only watches. */
import { defineStrategy } from '../../../src/engine/index.ts';

export default defineStrategy({
  name: 'shorter',
  params: { size: 1, tp: 0.2 },
  create(ctx) {
    return {
      onBar(bar) {
        if (ctx.state['sold'] !== true) {
          ctx.state['sold'] = true;
          ctx.submit({ symbol: bar.symbol, side: 'sell', qty: ctx.params.size });
        } else if (ctx.state['tp'] !== true && ctx.portfolio.position(bar.symbol).qty < 0) {
          ctx.state['tp'] = true;
          ctx.submit({ symbol: bar.symbol, side: 'buy', qty: ctx.params.size, price: Math.round(bar.close * (1 - ctx.params.tp)), reduceOnly: true });
        }
      },
    };
  },
});
