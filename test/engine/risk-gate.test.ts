import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, checkModify, clientOrderId, createOrder, DEFAULT_LIMITS, modifyAddsExposure, strategyId, symbol, type ModifyOrder, type Order, type TradingState } from '../../src/engine/index.ts';
import { marketOrder, riskView, submit } from '../kit/factories.ts';

const view = riskView;

const reason = (v: ReturnType<typeof check>): string => (v.ok ? 'ok' : v.reason);

describe('risk gate', () => {
  it('passes a sound order', () => {
    expect(check(marketOrder({ qty: 0.01 }), view())).toEqual({ ok: true });
  });

  it('denies what breaks the instrument rules', () => {
    expect(reason(check(submit({ qty: 0 }), view()))).toMatch(/> 0/);
    expect(reason(check(submit({ qty: 0.000001 }), view()))).toMatch(/lot size/);
    expect(reason(check(submit({ qty: 0.01, price: 100.005 }), view()))).toMatch(/tick size/);
    expect(reason(check(submit({ qty: 0.00001, price: 100 }), view()))).toMatch(/below the minimum 5/);
    expect(reason(check(submit({ symbol: 'ETHUSDT' as never }), view({ instrument: undefined })))).toMatch(/unknown symbol/);
  });

  it('denies a market order before any price is known', () => {
    expect(reason(check(marketOrder({ qty: 0.01 }), view({ referencePrice: undefined })))).toMatch(/no price/);
  });

  it('honours the trading state: halted denies everything, reducing only allows reductions', () => {
    expect(reason(check(submit({ qty: 0.01 }), view({ tradingState: 'halted' })))).toMatch(/halted/);
    expect(reason(check(submit({ qty: 0.01 }), view({ tradingState: 'reducing' })))).toMatch(/paused/);
    expect(check(submit({ side: 'sell', qty: 0.01, price: 100_000 }), view({ tradingState: 'reducing', position: 0.02 }))).toEqual({ ok: true });
  });

  it('denies reduce-only orders that would not reduce', () => {
    expect(reason(check(submit({ reduceOnly: true, qty: 0.01, price: 100_000 }), view({ position: 0.02 })))).toMatch(/reduce-only/);
    expect(reason(check(submit({ reduceOnly: true, side: 'sell', qty: 0.03, price: 100_000 }), view({ position: 0.02 })))).toMatch(/reduce-only/);
  });

  it('applies the limits and the account', () => {
    const limits = { ...DEFAULT_LIMITS, maxOrderNotional: 500, maxPositionNotional: 1500, dailyLossLimit: 100, maxOpenOrders: 3 };
    expect(reason(check(submit({ qty: 0.01, price: 100_000 }), view(), limits))).toMatch(/exceeds the limit 500/);
    expect(reason(check(submit({ qty: 0.004, price: 100_000 }), view({ position: 0.012 }), limits))).toMatch(/position notional/);
    expect(reason(check(submit({ qty: 0.001, price: 100_000 }), view({ dailyPnl: -100 }), limits))).toMatch(/daily loss limit/);
    expect(reason(check(submit({ qty: 0.001, price: 100_000 }), view({ openOrders: 3 }), limits))).toMatch(/too many open orders/);
    expect(reason(check(submit({ qty: 0.2, price: 100_000 }), view()))).toMatch(/insufficient cash/);
    expect(reason(check(submit({ side: 'sell', qty: 0.01, price: 100_000 }), view()))).toMatch(/cash account holds only 0/);
    expect(check(submit({ side: 'sell', qty: 0.01, price: 100_000 }), view({ accountType: 'margin' }))).toEqual({ ok: true });
    // reductions are allowed past the daily loss limit: closing risk is always possible
    expect(check(submit({ side: 'sell', qty: 0.01, price: 100_000 }), view({ position: 0.01, dailyPnl: -500 }), limits)).toEqual({ ok: true });
  });

  it('names the configured limit a denial breached (alerts key on it), and only those', () => {
    const limits = { ...DEFAULT_LIMITS, maxOrderNotional: 500, maxPositionNotional: 1500, dailyLossLimit: 100, maxOpenOrders: 3 };
    const rule = (v: ReturnType<typeof check>): string | undefined => (v.ok ? 'ok' : v.rule);
    expect(rule(check(submit({ qty: 0.01, price: 100_000 }), view(), limits))).toBe('order-notional');
    expect(rule(check(submit({ qty: 0.004, price: 100_000 }), view({ position: 0.012 }), limits))).toBe('position-notional');
    expect(rule(check(submit({ qty: 0.001, price: 100_000 }), view({ dailyPnl: -100 }), limits))).toBe('daily-loss');
    expect(rule(check(submit({ qty: 0.001, price: 100_000 }), view({ openOrders: 3 }), limits))).toBeUndefined();
    expect(rule(check(submit({ qty: 0.2, price: 100_000 }), view()))).toBeUndefined();
  });
});

describe('risk gate for modifies', () => {
  const resting = (over: Partial<Order> = {}): Order => ({ ...createOrder(submit({ qty: 0.01, price: 99_000 }), 5), status: 'accepted', ...over });
  const modify = (over: Partial<ModifyOrder>): ModifyOrder => ({
    type: 'ModifyOrder',
    strategyId: strategyId('s'),
    clientOrderId: clientOrderId('P-s-1'),
    symbol: symbol('BTCUSDT'),
    tsInit: 0,
    ...over,
  });

  it('a modify that adds size or moves toward the market is checked as the order it would become', () => {
    expect(modifyAddsExposure(resting(), 0.02, 99_000)).toBe(true);
    expect(modifyAddsExposure(resting(), 0.01, 99_500)).toBe(true);
    expect(modifyAddsExposure(resting({ side: 'sell', price: 101_000 }), 0.01, 100_500)).toBe(true);
    expect(modifyAddsExposure(resting(), 0.005, 98_000)).toBe(false);
    expect(reason(checkModify(resting(), modify({ price: 99_500 }), view({ tradingState: 'reducing' })))).toMatch(/paused/);
    expect(reason(checkModify(resting(), modify({ qty: 0.5 }), view()))).toMatch(/insufficient cash/);
    expect(checkModify(resting(), modify({ price: 98_000 }), view({ tradingState: 'reducing' }))).toEqual({ ok: true });
    expect(reason(checkModify(resting(), modify({ price: 98_000 }), view({ tradingState: 'halted' })))).toMatch(/halted/);
    // A partly filled order: its fills are in the position and used cash already.
    const part = resting({ qty: 0.02, filledQty: 0.01, status: 'partially_filled' });
    expect(checkModify(part, modify({ price: 99_100 }), view({ position: 0.01, buyingPower: 1000 }))).toEqual({ ok: true });
  });

  it('property: while paused, a modify passes only if it adds no exposure or the order it becomes reduces the position', () => {
    const arb = fc.record({
      side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
      qty: fc.integer({ min: 1, max: 50 }),
      price: fc.integer({ min: 95_000, max: 105_000 }),
      newQty: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
      newPrice: fc.option(fc.integer({ min: 95_000, max: 105_000 }), { nil: undefined }),
      position: fc.integer({ min: -60, max: 60 }),
      state: fc.constantFrom<TradingState>('active', 'reducing', 'halted'),
    });
    fc.assert(
      fc.property(arb, (a) => {
        const o = resting({ side: a.side, qty: a.qty / 1000, price: a.price });
        const cmd = modify({ ...(a.newQty === undefined ? {} : { qty: a.newQty / 1000 }), ...(a.newPrice === undefined ? {} : { price: a.newPrice }) });
        const v = checkModify(o, cmd, view({ tradingState: a.state, position: a.position / 1000, accountType: 'margin', buyingPower: 1e9 }));
        const qty = cmd.qty ?? o.qty;
        const adds = modifyAddsExposure(o, qty, cmd.price ?? o.price);
        if (a.state === 'halted') expect(v.ok).toBe(false);
        else if (!adds) expect(v.ok).toBe(true);
        else if (a.state === 'reducing') {
          const reduces = a.position !== 0 && (a.side === 'buy') === a.position < 0 && qty <= Math.abs(a.position / 1000) + 1e-12;
          expect(v.ok).toBe(reduces);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
