import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { riskView } from '../kit/factories.ts';
import {
  check,
  checkOrderSizes,
  defineStrategy,
  makeInstrument,
  marketTerms,
  smallestTradable,
  snapQty,
  symbol,
  type AnyStrategyDefinition,
  type Instrument,
  type SubmitOrder,
} from '../../src/engine/index.ts';

const XRP = makeInstrument({ symbol: symbol('XRPUSDT'), tickSize: 0.0001, lotSize: 0.1, minQty: 0.1, minNotional: 5 });
const BTC = makeInstrument({ symbol: symbol('BTCUSDT'), tickSize: 0.01, lotSize: 0.001, minQty: 0.01, minNotional: 5 });
const def = (params: Record<string, number | string>, sizeParams?: string[]): AnyStrategyDefinition =>
  defineStrategy({ name: 's', params, ...(sizeParams === undefined ? {} : { sizeParams }), create: () => ({}) });

/** Would the risk gate let a market buy of `qty` through at `price` (everything else allowed)? */
function gateAllows(inst: Instrument, qty: number, price: number): boolean {
  const cmd = {
    type: 'SubmitOrder',
    clientOrderId: 'c',
    strategyId: 's',
    symbol: inst.symbol,
    side: 'buy',
    orderType: 'market',
    qty,
    timeInForce: 'ioc',
    reduceOnly: false,
    postOnly: false,
    tsInit: 0,
  } as unknown as SubmitOrder;
  const view = riskView({ instrument: inst, referencePrice: price, accountType: 'margin', buyingPower: 1e12, equity: 1e12 });
  return check(cmd, view).ok;
}

describe('order sizes checked at start', () => {
  it('the smallest tradable size is whole lots, at least the minimum quantity, and worth the minimum notional', () => {
    expect(smallestTradable(XRP, 1.05)).toBe(4.8);
    expect(smallestTradable(XRP, undefined)).toBe(0.1);
    expect(smallestTradable(BTC, 60_000)).toBe(0.01); // the minimum quantity binds, not the notional
    expect(smallestTradable(BTC, 100)).toBe(0.05);
  });

  it('the smallest tradable size passes the risk gate, and one lot less does not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000_000 }), fc.constantFrom(XRP, BTC), (ticks, inst) => {
        const price = Number((ticks * inst.tickSize).toFixed(inst.priceDecimals));
        const q = smallestTradable(inst, price);
        expect(gateAllows(inst, q, price)).toBe(true);
        const less = snapQty(inst, q - inst.lotSize);
        if (less > 0) expect(gateAllows(inst, less, price)).toBe(false);
      }),
    );
  });

  it('checks the numeric parameters named size or qty, and those declared as sizes', () => {
    const markets = [{ instrument: XRP, price: 1.05 }];
    expect(checkOrderSizes(def({ size: 0.01, qty: 10, tiny: 0.01, label: 'x' }), { size: 0.01, qty: 10, tiny: 0.01, label: 'x' }, markets).map((p) => [p.param, p.snapped, p.smallest])).toEqual([
      ['size', 0, 4.8],
    ]);
    expect(checkOrderSizes(def({ lots: 1 }, ['lots']), { lots: 1 }, markets).map((p) => p.param)).toEqual(['lots']);
    expect(checkOrderSizes(def({ size: 5 }), { size: 5 }, markets)).toEqual([]);
  });

  it('one problem per market a size cannot trade on', () => {
    const markets = [
      { instrument: XRP, price: 1.05 },
      { instrument: BTC, price: 60_000 },
    ];
    expect(checkOrderSizes(def({ size: 0.005 }), { size: 0.005 }, markets).map((p) => [p.market.instrument.symbol, p.snapped])).toEqual([
      ['XRPUSDT', 0],
      ['BTCUSDT', 0.005],
    ]);
    expect(checkOrderSizes(def({ size: 0.05 }), { size: 0.05 }, markets).map((p) => p.market.instrument.symbol)).toEqual(['XRPUSDT']);
  });

  it("describes a market's terms", () => {
    expect(marketTerms({ instrument: XRP, price: 1.05 })).toBe('XRPUSDT trades in lots of 0.1 with a minimum notional of 5 USDT at 1.05');
    expect(marketTerms({ instrument: BTC, price: undefined })).toBe('BTCUSDT trades in lots of 0.001, at least 0.01, with a minimum notional of 5 USDT (no price known yet to check it)');
  });
});
