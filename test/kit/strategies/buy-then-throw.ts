/** buy-then-throw: buys `size` at market and rests a buy limit 3% below on its first bar; throws on its third. */
import { defineStrategy } from '../../../src/engine/index.ts';

export default defineStrategy({
  name: 'buy-then-throw',
  params: { size: 100 },
  create(ctx) {
    let bars = 0;
    return {
      onBar(bar) {
        bars++;
        if (bars === 1) {
          ctx.submit({ symbol: bar.symbol, side: 'buy', qty: ctx.params.size });
          ctx.submit({ symbol: bar.symbol, side: 'buy', qty: ctx.params.size, price: bar.close * 0.97 });
        }
        if (bars >= 3) throw new Error('index out of range in the signal');
      },
    };
  },
});
