import { describe, expect, it } from 'vitest';
import { clientOrderId, defineStrategy, fromNumber, Kernel, makeBar, SimClock, tradeId, venueOrderId, type ClientOrderId, type LoggedMessage, type StrategyContext } from '../../src/engine/index.ts';
import { BTC, RecordingVenue } from '../kit/factories.ts';

function setup(create: (ctx: StrategyContext) => Record<string, unknown>) {
  const clock = new SimClock(0);
  const log: LoggedMessage[] = [];
  const faults: string[] = [];
  const kernel = new Kernel({
    clock,
    instruments: [BTC],
    currency: 'USDT',
    startingCash: fromNumber(10_000),
    accountType: 'cash',
    onMessage: (m) => log.push(m),
    onFault: (f) => faults.push(f.message),
  });
  const venue = new RecordingVenue();
  kernel.attachVenue(venue);
  let ctxRef: StrategyContext | undefined;
  kernel.addStrategy({
    definition: defineStrategy({ name: 't', params: {}, create: (ctx) => ((ctxRef = ctx), create(ctx)) }),
    params: {},
    symbols: [BTC.symbol],
  });
  kernel.start();
  const bar = (i: number, close: number): void => {
    clock.advanceTo((i + 1) * 60_000);
    kernel.onData(makeBar(BTC.symbol, 60_000, i * 60_000, close, close, close, close, 10));
    kernel.drain();
  };
  return { clock, kernel, venue, log, faults, bar, ctx: () => ctxRef as StrategyContext };
}

describe('kernel', () => {
  it('routes a strategy order through the risk gate to the venue, and venue events back', () => {
    const seen: string[] = [];
    let id: ClientOrderId | undefined;
    const t = setup((ctx) => ({
      onBar() {
        if (id === undefined) id = ctx.submit({ symbol: 'BTCUSDT', side: 'buy', qty: 0.0123456 });
      },
      onOrderEvent(e: { type: string }) {
        seen.push(e.type);
      },
      onOrderFilled(f: { lastQty: number }) {
        seen.push(`filled ${f.lastQty}`);
      },
    }));
    t.bar(0, 100_000);
    expect(t.venue.received).toHaveLength(1);
    expect(t.venue.received[0]).toMatchObject({ type: 'SubmitOrder', qty: 0.01234, orderType: 'market', timeInForce: 'ioc' });
    const cid = id as ClientOrderId;
    t.kernel.venueSink({ type: 'OrderAccepted', clientOrderId: cid, symbol: BTC.symbol, venueOrderId: venueOrderId('9'), tsEvent: 1, tsInit: 1 });
    const fill = {
      type: 'OrderFilled' as const,
      clientOrderId: cid,
      symbol: BTC.symbol,
      venueOrderId: venueOrderId('9'),
      tradeId: tradeId('a'),
      side: 'buy' as const,
      lastQty: 0.01234,
      lastPx: 100_000,
      fee: '0.4936',
      liquidity: 'taker' as const,
      tsEvent: 2,
      tsInit: 2,
    };
    t.kernel.venueSink(fill);
    t.kernel.venueSink(fill); // duplicate delivery
    t.kernel.drain();
    expect(seen).toEqual(['OrderSubmitted', 'OrderAccepted', 'filled 0.01234', 'OrderFilled']);
    expect(t.kernel.portfolio.position('BTCUSDT').qty).toBe(0.01234);
    expect(t.kernel.portfolio.cash()).toBeCloseTo(10_000 - 1234 - 0.4936, 9);
    expect(t.log.filter((m) => m.type === 'EventIgnored')).toMatchObject([{ reason: 'duplicate fill' }]);
  });

  it('a repeated acknowledgement (REST answer and user stream) is processed once: one OrderAccepted in the log', () => {
    let id: ClientOrderId | undefined;
    const seen: string[] = [];
    const t = setup((ctx) => ({
      onBar() {
        id ??= ctx.submit({ symbol: 'BTCUSDT', side: 'buy', qty: 0.01, price: 90_000 });
      },
      onOrderEvent(e: { type: string }) {
        seen.push(e.type);
      },
    }));
    t.bar(0, 100_000);
    const ack = { type: 'OrderAccepted' as const, clientOrderId: id as ClientOrderId, symbol: BTC.symbol, venueOrderId: venueOrderId('9'), tsEvent: 1, tsInit: 1 };
    t.kernel.venueSink(ack);
    t.kernel.venueSink(ack);
    t.kernel.drain();
    expect(t.log.filter((m) => m.type === 'OrderAccepted')).toHaveLength(1);
    expect(seen).toEqual(['OrderSubmitted', 'OrderAccepted']);
  });

  it('denies through the risk gate without reaching the venue', () => {
    const t = setup((ctx) => ({
      onBar() {
        ctx.submit({ symbol: 'BTCUSDT', side: 'buy', qty: 1 }); // 100k > 10k cash
      },
    }));
    t.bar(0, 100_000);
    expect(t.venue.received).toHaveLength(0);
    expect(t.log.find((m) => m.type === 'OrderDenied')).toMatchObject({ reason: expect.stringMatching(/insufficient cash/) });
  });

  it('a strategy that throws is stopped, its orders canceled, and the kernel keeps running', () => {
    let calls = 0;
    const t = setup((ctx) => ({
      onBar() {
        calls++;
        if (calls === 1) ctx.submit({ symbol: 'BTCUSDT', side: 'buy', qty: 0.01, price: 90_000 });
        if (calls === 2) throw new Error('boom');
      },
    }));
    t.bar(0, 100_000);
    t.kernel.venueSink({ type: 'OrderAccepted', clientOrderId: clientOrderId('P-t-1'), symbol: BTC.symbol, venueOrderId: venueOrderId('1'), tsEvent: 1, tsInit: 1 });
    t.kernel.drain();
    t.bar(1, 100_000);
    t.bar(2, 100_000);
    expect(calls).toBe(2);
    expect(t.faults).toEqual(['boom']);
    expect(t.log.find((m) => m.type === 'StrategyFaulted')).toMatchObject({ handler: 'onBar', message: 'boom' });
    expect(t.venue.received.map((c) => c.type)).toEqual(['SubmitOrder', 'CancelOrder']);
  });

  it('processes a submit and a cancel in order; a fill that raced the cancel is booked', () => {
    let ids: ClientOrderId[] = [];
    const t = setup((ctx) => ({
      onBar() {
        if (ids.length > 0) return;
        const a = ctx.submit({ symbol: 'BTCUSDT', side: 'buy', qty: 0.01, price: 90_000 });
        ctx.cancel(a); // FIFO: the submit goes out first, then its cancel
        const b = ctx.submit({ symbol: 'BTCUSDT', side: 'buy', qty: 0.01, price: 91_000 });
        ids = [a, b];
      },
    }));
    t.bar(0, 100_000);
    const [a, b] = ids as [ClientOrderId, ClientOrderId];
    expect(t.venue.received.map((c) => `${c.type} ${'clientOrderId' in c ? c.clientOrderId : ''}`)).toEqual([`SubmitOrder ${a}`, `CancelOrder ${a}`, `SubmitOrder ${b}`]);
    expect(t.kernel.orders.get(a)?.status).toBe('pending_cancel');
    t.ctx().cancel(b);
    t.kernel.drain();
    expect(t.kernel.orders.get(b)?.status).toBe('pending_cancel');
    // The fill raced the cancel: the venue rejects the cancel, the fill is booked.
    t.kernel.venueSink({
      type: 'OrderFilled',
      clientOrderId: b,
      symbol: BTC.symbol,
      venueOrderId: venueOrderId('2'),
      tradeId: tradeId('x'),
      side: 'buy',
      lastQty: 0.01,
      lastPx: 91_000,
      fee: '0',
      liquidity: 'maker',
      tsEvent: 5,
      tsInit: 5,
    });
    t.kernel.venueSink({ type: 'OrderCancelRejected', clientOrderId: b, symbol: BTC.symbol, reason: 'Unknown order sent.', tsEvent: 6, tsInit: 6 });
    t.kernel.venueSink({ type: 'OrderCanceled', clientOrderId: a, symbol: BTC.symbol, tsEvent: 6, tsInit: 6 });
    t.kernel.drain();
    expect(t.kernel.orders.get(b)?.status).toBe('filled');
    expect(t.kernel.orders.get(a)?.status).toBe('canceled');
    expect(t.kernel.portfolio.position('BTCUSDT').qty).toBe(0.01);
    expect(t.log.filter((m) => m.type === 'EventIgnored')).toEqual([]);
  });

  it('an operator cancel-all cancels unsent orders locally', () => {
    const t = setup(() => ({}));
    t.bar(0, 100_000);
    const id = t.ctx().submit({ symbol: 'BTCUSDT', side: 'buy', qty: 0.01, price: 90_000 });
    t.kernel.command({ type: 'CancelAllOrders', tsInit: t.clock.now() });
    // The submit was queued first, so it goes out; the cancel-all follows it to the venue.
    t.kernel.drain();
    expect(t.venue.received.map((c) => c.type)).toEqual(['SubmitOrder', 'CancelAllOrders']);
    expect(t.kernel.orders.get(id)?.status).toBe('pending_cancel');
  });

  it('cancel-all then submit: the order placed after the cancel-all survives it (FIFO)', () => {
    const t = setup(() => ({}));
    t.bar(0, 100_000);
    const old = t.ctx().submit({ symbol: 'BTCUSDT', side: 'buy', qty: 0.01, price: 90_000 });
    t.kernel.drain();
    t.kernel.command({ type: 'CancelAllOrders', tsInit: t.clock.now() });
    const fresh = t.ctx().submit({ symbol: 'BTCUSDT', side: 'buy', qty: 0.01, price: 91_000 });
    t.kernel.drain();
    expect(t.venue.received.map((c) => c.type)).toEqual(['SubmitOrder', 'CancelAllOrders', 'SubmitOrder']);
    expect(t.kernel.orders.get(old)?.status).toBe('pending_cancel');
    expect(t.kernel.orders.get(fresh)?.status).toBe('submitted');
  });

  it('fires timers in time order, and only once', () => {
    const fired: string[] = [];
    const t = setup((ctx) => ({
      onStart() {
        ctx.setTimer('b', 120_000);
        ctx.setTimer('a', 60_000);
        ctx.setTimer('c', 999_999);
        ctx.cancelTimer('c');
      },
      onTimer(name: string) {
        fired.push(`${name}@${ctx.now()}`);
      },
    }));
    for (let i = 0; i < 5; i++) {
      t.clock.advanceTo((i + 1) * 60_000);
      t.kernel.fireTimers(t.clock.now());
      t.kernel.drain();
    }
    expect(fired).toEqual(['a@60000', 'b@120000']);
  });

  it("moves a timer set again; any name is the strategy's (the engine's timers are of their own kind)", () => {
    const fired: string[] = [];
    const t = setup((ctx) => ({
      onStart() {
        ctx.setTimer('a', 60_000);
        ctx.setTimer('a', 180_000); // moved, not added
        ctx.setTimer('__partial:P-x-1', 120_000); // a name the engine once used: now only a name
      },
      onTimer(name: string) {
        fired.push(`${name}@${ctx.now()}`);
      },
    }));
    for (let i = 0; i < 4; i++) {
      t.clock.advanceTo((i + 1) * 60_000);
      t.kernel.fireTimers(t.clock.now());
      t.kernel.drain();
    }
    expect(fired).toEqual(['__partial:P-x-1@120000', 'a@180000']);
    expect(t.log.filter((m) => m.type === 'CancelOrder' || m.type === 'ModifyOrder')).toEqual([]);
  });

  it('pausing new entries still lets a strategy reduce', () => {
    const t = setup((ctx) => ({
      onBar() {
        if (ctx.portfolio.position('BTCUSDT').qty > 0) ctx.submit({ symbol: 'BTCUSDT', side: 'sell', qty: 0.01 });
        else ctx.submit({ symbol: 'BTCUSDT', side: 'buy', qty: 0.01 });
      },
    }));
    t.kernel.setTradingState('reducing', 'operator pause');
    t.bar(0, 100_000);
    expect(t.log.find((m) => m.type === 'OrderDenied')).toMatchObject({ reason: expect.stringMatching(/paused/) });
    expect(t.log.find((m) => m.type === 'TradingStateChanged')).toMatchObject({ state: 'reducing', reason: 'operator pause' });
  });
});

describe('marketable-limit orders', () => {
  it('a protected market order goes out as a limit IOC priced through the last price by the band', () => {
    const t = setup((ctx) => ({
      onBar() {
        ctx.submit({ symbol: 'BTCUSDT', side: 'buy', qty: 0.01, protectionBps: 50 });
        ctx.submit({ symbol: 'BTCUSDT', side: 'sell', qty: 0.01, protectionBps: 50, reduceOnly: false });
      },
    }));
    t.bar(0, 100_000);
    const sent = t.venue.received.filter((c) => c.type === 'SubmitOrder');
    expect(sent[0]).toMatchObject({ orderType: 'limit', timeInForce: 'ioc', price: 100_500 });
    // the sell is denied in a cash account (nothing held); the buy went out as a bounded limit
    expect(t.log.find((m) => m.type === 'OrderDenied')).toBeDefined();
  });
});

describe('partial-fill policies', () => {
  async function partial(policy: 'cancel' | 'chase' | 'wait') {
    const { frictionless, venueUnderTest } = await import('../kit/venue.ts');
    const { makeInstrument, symbol: sym } = await import('../../src/engine/index.ts');
    const inst = makeInstrument({ symbol: sym('BTCUSDT'), kind: 'perpetual', tickSize: 0.01, lotSize: 0.001, minNotional: 5 });
    const t = venueUnderTest(inst, frictionless({ fills: { maxParticipation: 0.1 } }), { account: 'margin' });
    const log: LoggedMessage[] = [];
    const kernel = new Kernel({ clock: t.clock, instruments: [inst], currency: 'USDT', startingCash: fromNumber(1_000_000), accountType: 'margin', onMessage: (m) => log.push(m) });
    kernel.attachVenue(t.venue);
    let placed = false;
    kernel.addStrategy({
      definition: defineStrategy({
        name: 'p',
        params: {},
        create: (ctx) => ({
          onBar(bar) {
            if (placed) return;
            placed = true;
            ctx.submit({ symbol: bar.symbol, side: 'buy', qty: 25, price: 99, partialFill: { policy, afterMs: 90_000 } });
          },
        }),
      }),
      params: {},
      symbols: [inst.symbol],
    });
    kernel.start();
    const step = (i: number, o: number, h: number, l: number, c: number, v: number): void => {
      t.clock.advanceTo((i + 1) * 60_000);
      kernel.fireTimers(t.clock.now());
      kernel.drain();
      const bar = makeBar(inst.symbol, 60_000, i * 60_000, o, h, l, c, v);
      t.venue.onMarketData(bar);
      kernel.drain();
      kernel.onData(bar);
      kernel.drain();
    };
    step(0, 100, 101, 99.5, 100, 100);
    step(1, 100, 100, 98, 99.5, 100); // 10 of 25 fill (10% of volume)
    step(2, 99.5, 101, 99.2, 100.5, 100); // no trade through 99
    step(3, 100.5, 101, 100, 100.8, 100); // 90 s after the partial fill: the policy acts
    step(4, 100.8, 101.5, 100.2, 101, 100);
    return { kernel, log, pos: kernel.portfolio.position('BTCUSDT').qty };
  }

  it('cancel: the remainder is canceled after the timeout; the position shows only what filled', async () => {
    const { kernel, pos } = await partial('cancel');
    expect(pos).toBe(10);
    expect(kernel.orders.list()[0]).toMatchObject({ status: 'canceled', filledQty: 10 });
  });

  it('chase: the remainder is re-priced to the last price', async () => {
    const { log } = await partial('chase');
    const updated = log.filter((m) => m.type === 'OrderUpdated') as { price?: number }[];
    expect(updated.length).toBeGreaterThan(0);
    expect(updated[0]?.price).toBe(100.5);
  });

  it('wait: nothing happens to the remainder', async () => {
    const { kernel, pos } = await partial('wait');
    expect(pos).toBe(10);
    expect(kernel.orders.list()[0]).toMatchObject({ status: 'partially_filled' });
  });
});
