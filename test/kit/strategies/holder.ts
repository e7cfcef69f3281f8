/** holder: on its first bar buys `size` at market and rests a buy limit 3% below; then only watches. */
import { defineStrategy } from '../../../src/engine/index.ts';

export default defineStrategy({
  name: 'holder',
  params: { size: 100 },
  create(ctx) {
    return {
      onBar(bar) {
        if (ctx.state['placed'] === true) return;
        ctx.state['placed'] = true;
        ctx.submit({ symbol: bar.symbol, side: 'buy', qty: ctx.params.size });
        ctx.submit({ symbol: bar.symbol, side: 'buy', qty: ctx.params.size, price: bar.close * 0.97 });
      },
    };
  },
});
