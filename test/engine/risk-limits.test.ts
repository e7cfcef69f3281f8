import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  check,
  checkModify,
  clientOrderId,
  createOrder,
  DEFAULT_LIMITS,
  defineStrategy,
  fromNumber,
  Kernel,
  makeBar,
  SimClock,
  type StrategyContext,
  venueOrderId,
  tradeId,
  makeInstrument,
  maxNotionalAt,
  OrderRateWindow,
  reducesPosition,
  strategyId,
  symbol,
  tierFor,
  type Instrument,
  type LeverageTier,
  type ModifyOrder,
  type Order,
  type RiskLimits,
  type RiskView,
} from '../../src/engine/index.ts';
import { bracketTiers } from '../../src/data/index.ts';
import { BTC, marketOrder, RecordingVenue, riskView, submit } from '../kit/factories.ts';

const TIERS = bracketTiers('BTCUSDT') as LeverageTier[];
const PERP: Instrument = makeInstrument({ symbol: symbol('BTCUSDT'), kind: 'perpetual', tickSize: 0.1, lotSize: 0.001, minNotional: 5, tiers: TIERS });

/** A margin account with room for everything: each test sets what its rule reads. */
const view = (over: Partial<RiskView> = {}): RiskView => riskView({ accountType: 'margin', buyingPower: 1e12, equity: 1e9, ...over });

const rule = (v: ReturnType<typeof check>): string => (v.ok ? 'ok' : (v.rule ?? `reason: ${v.reason}`));
const lim = (over: Partial<RiskLimits>): RiskLimits => ({ ...DEFAULT_LIMITS, ...over });

describe('price band', () => {
  it('refuses a limit more than priceBandBps from the last price on either side (as Binance PERCENT_PRICE), passes one inside', () => {
    expect(rule(check(submit({ qty: 0.01, price: 110_001 }), view()))).toBe('price-band'); // buy far above: crosses the market
    expect(rule(check(submit({ side: 'sell', qty: 0.01, price: 89_999 }), view()))).toBe('price-band'); // sell far below
    expect(rule(check(submit({ qty: 0.01, price: 89_999 }), view()))).toBe('price-band'); // far passive buy
    expect(rule(check(submit({ side: 'sell', qty: 0.01, price: 110_001 }), view()))).toBe('price-band');
    expect(rule(check(submit({ qty: 0.01, price: 110_000 }), view()))).toBe('ok'); // exactly on the band
    expect(rule(check(submit({ side: 'sell', qty: 0.01, price: 90_000 }), view()))).toBe('ok');
    expect(rule(check(submit({ qty: 0.01, price: 104_000 }), view(), lim({ priceBandBps: 300 })))).toBe('price-band');
    const denied = check(submit({ qty: 0.01, price: 120_000 }), view());
    expect(denied.ok ? '' : denied.reason).toMatch(/2000 bps above the last price 100000, outside the 1000 bps band \(risk\.priceBandBps\)/);
  });

  it('skips market orders (valued at the reference), limits before any price, and orders that only reduce', () => {
    expect(rule(check(marketOrder({ qty: 0.01 }), view()))).toBe('ok');
    expect(rule(check(submit({ qty: 0.01, price: 50_000 }), view({ referencePrice: undefined })))).toBe('ok');
    expect(rule(check(submit({ side: 'sell', qty: 0.01, price: 50_000, reduceOnly: true }), view({ position: 0.02 })))).toBe('ok');
  });
});

describe('order rate', () => {
  it('refuses new exposure once the second or minute is full, but never an order that reduces', () => {
    expect(rule(check(submit({ qty: 0.01, price: 100_000 }), view({ orderRate: { lastSecond: 19, lastMinute: 19 } })))).toBe('ok');
    expect(rule(check(submit({ qty: 0.01, price: 100_000 }), view({ orderRate: { lastSecond: 20, lastMinute: 20 } })))).toBe('order-rate');
    expect(rule(check(submit({ qty: 0.01, price: 100_000 }), view({ orderRate: { lastSecond: 0, lastMinute: 600 } })))).toBe('order-rate');
    expect(rule(check(submit({ qty: 0.01, price: 100_000 }), view({ orderRate: { lastSecond: 3, lastMinute: 3 } }), lim({ maxOrdersPerSecond: 3 })))).toBe('order-rate');
    const flatten = submit({ side: 'sell', qty: 0.02, price: 100_000, reduceOnly: true });
    expect(rule(check(flatten, view({ position: 0.02, orderRate: { lastSecond: 500, lastMinute: 5000 } })))).toBe('ok');
  });

  it('the window counts what was recorded in the trailing second and minute of the engine clock', () => {
    const w = new OrderRateWindow();
    for (const t of [0, 100, 900]) w.record(t);
    expect(w.counts(999)).toEqual({ lastSecond: 3, lastMinute: 3 });
    expect(w.counts(1000)).toEqual({ lastSecond: 2, lastMinute: 3 }); // the order at 0 is a second old
    w.record(1500);
    w.record(59_000);
    expect(w.counts(59_500)).toEqual({ lastSecond: 1, lastMinute: 5 });
    expect(w.counts(60_000)).toEqual({ lastSecond: 0, lastMinute: 4 }); // the order at 0 is a minute old, the one at 59000 a second
    expect(w.counts(200_000)).toEqual({ lastSecond: 0, lastMinute: 0 });
  });
});

describe('order rate in the kernel, on its clock', () => {
  it('counts accepted submits and exposure-adding modifies; the window slides; a closing order passes a full window', () => {
    const clock = new SimClock(0);
    const log: { type: string; rule?: string }[] = [];
    const kernel = new Kernel({
      onMessage: (m) => log.push(m),
      clock,
      instruments: [BTC],
      currency: 'USDT',
      startingCash: fromNumber(100_000),
      accountType: 'margin',
      limits: { maxOrdersPerSecond: 3, maxOrdersPerMinute: 5 },
    });
    const venue = new RecordingVenue();
    kernel.attachVenue(venue);
    let ctx: StrategyContext | undefined;
    kernel.addStrategy({ definition: defineStrategy({ name: 't', params: {}, create: (c) => ((ctx = c), {}) }), params: {}, symbols: [BTC.symbol] });
    kernel.start();
    clock.advanceTo(60_000);
    kernel.onData(makeBar(BTC.symbol, 60_000, 0, 100_000, 100_000, 100_000, 100_000, 10));
    kernel.drain();
    const c = ctx as StrategyContext;
    const denied = (): string[] => log.filter((m) => m.type === 'OrderDenied' || m.type === 'OrderModifyDenied').map((m) => m.rule ?? '-');
    const ids = [0, 1, 2, 3].map(() => c.submit({ symbol: 'BTCUSDT', side: 'buy', qty: 0.001, price: 99_000 }));
    kernel.drain();
    expect(venue.received).toHaveLength(3);
    expect(kernel.orders.get(ids[3] as never)?.status).toBe('denied');
    // A buy fills: the position can be closed although the second is full.
    const first = ids[0] as never;
    kernel.venueSink({ type: 'OrderAccepted', clientOrderId: first, symbol: BTC.symbol, venueOrderId: venueOrderId('1'), tsEvent: 1, tsInit: 1 });
    kernel.venueSink({
      type: 'OrderFilled',
      clientOrderId: first,
      symbol: BTC.symbol,
      venueOrderId: venueOrderId('1'),
      tradeId: tradeId('t1'),
      side: 'buy',
      lastQty: 0.001,
      lastPx: 99_000,
      fee: '0',
      liquidity: 'maker',
      tsEvent: 1,
      tsInit: 1,
    });
    kernel.drain();
    c.submit({ symbol: 'BTCUSDT', side: 'sell', qty: 0.001, reduceOnly: true });
    kernel.drain();
    expect(venue.received).toHaveLength(4); // counted: the window now holds 4
    clock.advanceTo(61_000);
    c.submit({ symbol: 'BTCUSDT', side: 'buy', qty: 0.001, price: 99_000 }); // a new second: 5th of the minute
    kernel.drain();
    expect(venue.received).toHaveLength(5);
    clock.advanceTo(62_000);
    c.modify(ids[1] as never, { qty: 0.002 }); // adds exposure: the minute (5) is full
    c.modify(ids[2] as never, { qty: 0.0005 }); // shrinks: not rate limited, not counted
    kernel.drain();
    expect(denied()).toEqual(['order-rate', 'order-rate']);
    expect(venue.received.map((m) => m.type)).toEqual(['SubmitOrder', 'SubmitOrder', 'SubmitOrder', 'SubmitOrder', 'SubmitOrder', 'ModifyOrder']);
    clock.advanceTo(121_000); // the first four are a minute old
    c.modify(ids[1] as never, { qty: 0.002 });
    kernel.drain();
    expect(venue.received.at(-1)).toMatchObject({ type: 'ModifyOrder', qty: 0.002 });
  });
});

describe('gross and net exposure across symbols', () => {
  const limits = lim({ maxGrossExposure: 10_000, maxNetExposure: 5_000 });
  it('counts the other symbols, and names which limit', () => {
    // 4000 long elsewhere + a 2000 long here: net 6000 > 5000
    expect(rule(check(submit({ qty: 0.02, price: 100_000 }), view({ exposure: { gross: 4000, net: 4000 } }), limits))).toBe('net-exposure');
    // 9000 gross elsewhere (hedged: net 1000) + 2000 here: gross 11000 > 10000
    expect(rule(check(submit({ qty: 0.02, price: 100_000 }), view({ exposure: { gross: 9000, net: 1000 } }), limits))).toBe('gross-exposure');
    expect(rule(check(submit({ qty: 0.01, price: 100_000 }), view({ exposure: { gross: 8000, net: 3000 } }), limits))).toBe('ok');
  });

  it('passes what only reduces: a reduction, and a hedge that shrinks net exposure that is already over', () => {
    // long 0.05 here (5000) + 4000 elsewhere: a reducing sell passes though both are over
    expect(rule(check(submit({ side: 'sell', qty: 0.01, price: 100_000 }), view({ position: 0.05, exposure: { gross: 11_000, net: 9000 } }), limits))).toBe('ok');
    // flat here, 9000 net long elsewhere (over 5000): a short here shrinks net, adds gross within 10000
    expect(rule(check(submit({ side: 'sell', qty: 0.001, price: 100_000 }), view({ exposure: { gross: 9000, net: 9000 } }), limits))).toBe('ok');
    expect(rule(check(submit({ qty: 0.001, price: 100_000 }), view({ exposure: { gross: 9000, net: 9000 } }), limits))).toBe('net-exposure');
  });
});

describe('leverage within the venue brackets', () => {
  it('the largest notional at a leverage is the cap of the last bracket allowing it (Binance BTCUSDT)', () => {
    expect(maxNotionalAt(TIERS, 125)).toBe(50_000);
    expect(maxNotionalAt(TIERS, 100)).toBe(600_000);
    expect(maxNotionalAt(TIERS, 20)).toBe((TIERS.find((t) => t.maxLeverage < 20) as LeverageTier).floor);
  });

  it('refuses a position past the bracket cap for the account leverage, or above the bracket leverage on equity', () => {
    const at = (lev: number, equity = 1e9) => view({ instrument: PERP, leverage: lev, equity });
    expect(rule(check(submit({ qty: 0.6, price: 100_000 }), at(125)))).toBe('leverage'); // 60k > 50k at 125x
    expect(rule(check(submit({ qty: 0.4, price: 100_000 }), at(125)))).toBe('ok');
    expect(rule(check(submit({ qty: 6.1, price: 100_000 }), at(100)))).toBe('leverage');
    expect(rule(check(submit({ qty: 5.9, price: 100_000 }), at(100)))).toBe('ok');
    // 1x account, 200k position on 1000 equity: 200x, above the 100x of that bracket
    expect(rule(check(submit({ qty: 2, price: 100_000 }), at(1, 1000)))).toBe('leverage');
    // the existing position counts: 0.3 held + 0.3 more at 125x = 60k
    expect(rule(check(submit({ qty: 0.3, price: 100_000 }), { ...at(125), position: 0.3 }))).toBe('leverage');
    // a cash account, or an instrument without brackets, has no such rule
    expect(rule(check(submit({ qty: 0.6, price: 100_000 }), { ...at(125), instrument: BTC }))).toBe('ok');
    const denied = check(submit({ qty: 0.6, price: 100_000 }), at(125));
    expect(denied.ok ? '' : denied.reason).toMatch(/at most 100x .* uses 125x .*largest position at 125x: 50000 USDT/);
  });
});

describe('modifies go through the same rules', () => {
  const resting = (over: Partial<Order> = {}): Order => ({ ...createOrder(submit({ qty: 0.01, price: 99_000 }), 5), status: 'accepted', ...over });
  const modify = (over: Partial<ModifyOrder>): ModifyOrder => ({
    type: 'ModifyOrder',
    strategyId: strategyId('s'),
    clientOrderId: clientOrderId('P-s-1'),
    symbol: symbol('BTCUSDT'),
    tsInit: 0,
    ...over,
  });
  it('band, rate, exposure and leverage', () => {
    expect(rule(checkModify(resting(), modify({ price: 111_000 }), view()))).toBe('price-band');
    expect(rule(checkModify(resting(), modify({ price: 80_000 }), view()))).toBe('price-band'); // moved away, but out of the band
    expect(rule(checkModify(resting(), modify({ qty: 0.02 }), view({ orderRate: { lastSecond: 20, lastMinute: 20 } })))).toBe('order-rate');
    expect(rule(checkModify(resting(), modify({ qty: 0.005 }), view({ orderRate: { lastSecond: 20, lastMinute: 20 } })))).toBe('ok'); // shrinking adds nothing
    expect(rule(checkModify(resting(), modify({ qty: 0.2 }), view(), lim({ maxGrossExposure: 10_000 })))).toBe('gross-exposure');
    expect(rule(checkModify(resting(), modify({ qty: 0.7 }), view({ instrument: PERP, leverage: 125 })))).toBe('leverage');
  });
});

describe('property: the gate and the limits', () => {
  const arb = fc.record({
    side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
    market: fc.boolean(),
    reduceOnly: fc.boolean(),
    lots: fc.integer({ min: 1, max: 8000 }),
    priceOff: fc.integer({ min: -3000, max: 3000 }), // bps from the reference
    position: fc.integer({ min: -8000, max: 8000 }), // lots of 0.001
    ref: fc.option(fc.integer({ min: 20_000, max: 150_000 }), { nil: undefined, freq: 8 }),
    otherGross: fc.integer({ min: 0, max: 600_000 }),
    otherNetShare: fc.double({ min: -1, max: 1, noNaN: true }),
    perSec: fc.integer({ min: 0, max: 30 }),
    perMin: fc.integer({ min: 0, max: 700 }),
    leverage: fc.constantFrom(1, 5, 20, 50, 75, 100, 125),
    equity: fc.integer({ min: -1000, max: 2_000_000 }),
    limits: fc.record({
      priceBandBps: fc.integer({ min: 1, max: 10_000 }),
      maxOrdersPerSecond: fc.integer({ min: 1, max: 25 }),
      maxOrdersPerMinute: fc.integer({ min: 25, max: 650 }),
      maxGrossExposure: fc.integer({ min: 1000, max: 1_000_000 }),
      maxNetExposure: fc.integer({ min: 500, max: 1_000_000 }),
      maxOrderNotional: fc.integer({ min: 1000, max: 1_000_000 }),
      maxPositionNotional: fc.integer({ min: 1000, max: 1_000_000 }),
    }),
  });

  it('a denial names a rule or a reason; an acceptance keeps every limit; what only reduces is never held back by a limit', () => {
    fc.assert(
      fc.property(arb, (a) => {
        const ref = a.ref;
        const base = ref ?? 100_000;
        const price = Math.round((base * (1 + a.priceOff / 10_000)) / PERP.tickSize) * PERP.tickSize;
        const qty = a.lots / 1000;
        const position = a.position / 1000;
        const limits = lim(a.limits);
        const here = ref === undefined ? 0 : position * ref;
        const exposure = { gross: a.otherGross + Math.abs(here), net: a.otherGross * a.otherNetShare + here };
        const v = view({ instrument: PERP, position, referencePrice: ref, exposure, orderRate: { lastSecond: a.perSec, lastMinute: a.perMin }, leverage: a.leverage, equity: a.equity });
        const cmd = a.market ? marketOrder({ side: a.side, qty, reduceOnly: a.reduceOnly }) : submit({ side: a.side, qty, price: Number(price.toFixed(1)), reduceOnly: a.reduceOnly });
        const out = check(cmd, v, limits);
        const reduces = reducesPosition(position, a.side, qty);
        if (!out.ok) {
          expect(out.reason.length).toBeGreaterThan(0);
          if (reduces) expect(out.rule).toBeUndefined(); // no configured limit holds back a reduction
          return;
        }
        if (reduces) return;
        const px = cmd.price ?? (ref as number);
        const after = position + (a.side === 'buy' ? qty : -qty);
        const n = Math.abs(after) * px;
        expect(a.perSec).toBeLessThan(limits.maxOrdersPerSecond);
        expect(a.perMin).toBeLessThan(limits.maxOrdersPerMinute);
        if (cmd.price !== undefined && ref !== undefined) expect((Math.abs(cmd.price - ref) / ref) * 10_000).toBeLessThanOrEqual(limits.priceBandBps * (1 + 1e-9));
        expect(qty * px).toBeLessThanOrEqual(limits.maxOrderNotional);
        expect(n).toBeLessThanOrEqual(limits.maxPositionNotional);
        const gross = a.otherGross + n;
        const net = exposure.net - here + after * px;
        const netBefore = exposure.net - here + position * px;
        expect(gross <= limits.maxGrossExposure || Math.abs(after) <= Math.abs(position)).toBe(true);
        expect(Math.abs(net) <= limits.maxNetExposure || Math.abs(net) <= Math.abs(netBefore) + 1e-6).toBe(true);
        const t = tierFor(TIERS, n) as LeverageTier;
        expect(a.leverage).toBeLessThanOrEqual(t.maxLeverage);
        expect(a.equity > 0 && n / a.equity <= t.maxLeverage).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
