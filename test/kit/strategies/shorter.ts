/**
 * shorter: on its first bar sells `size`, at market, or with `above` > 0 as a limit that share above
 * the close (a maker entry at a known price); once short, rests a take-profit buy limit `tp` below;
 * then only watches.
 */
import { defineStrategy } from '../../../src/engine/index.ts';

export default defineStrategy({
  name: 'shorter',
  params: { size: 1, tp: 0.2, above: 0 },
  create(ctx) {
    return {
      onBar(bar) {
        const { size, tp, above } = ctx.params;
        if (ctx.state['sold'] !== true) {
          ctx.state['sold'] = true;
          ctx.submit(above > 0 ? { symbol: bar.symbol, side: 'sell', qty: size, price: Math.round(bar.close * (1 + above)) } : { symbol: bar.symbol, side: 'sell', qty: size });
        } else if (ctx.state['tp'] !== true && ctx.portfolio.position(bar.symbol).qty <= -size) {
          ctx.state['tp'] = true;
          ctx.submit({ symbol: bar.symbol, side: 'buy', qty: size, price: Math.round(bar.close * (1 - tp)), reduceOnly: true });
        }
      },
    };
  },
});
