/** oversize: on its first bar asks for far more than the account can carry, then a tiny order, then keeps counting bars. */
import { defineStrategy } from '../../../src/engine/index.ts';

export default defineStrategy({
  name: 'oversize',
  params: { size: 1_000_000, tiny: 0.1 },
  create(ctx) {
    let bars = 0;
    return {
      onBar(bar) {
        bars++;
        ctx.state['bars'] = bars;
        if (bars === 1) {
          ctx.submit({ symbol: bar.symbol, side: 'buy', qty: ctx.params.size, price: bar.close });
          ctx.submit({ symbol: bar.symbol, side: 'buy', qty: ctx.params.tiny });
        }
      },
    };
  },
});
