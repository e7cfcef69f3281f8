/**
 * Pause means no new exposure. A strategy rests a buy limit below the market and walks it up every
 * bar with ModifyOrder (as mean-reversion does); the operator pauses while flat; the market then
 * trades down through every level the order was at or was being moved to. No position may be
 * opened after the pause, whatever the strategy sends, and every modify that adds exposure meets
 * the risk gate.
 */
import { describe, expect, it } from 'vitest';
import { createRng, defineStrategy, fromNumber, Kernel, makeBar, SimClock, stepData, type ClientOrderId, type LoggedMessage } from '../../src/engine/index.ts';
import { SimulatedVenue } from '../../src/paper/index.ts';
import { BTC, RecordingVenue } from '../kit/factories.ts';
import { frictionless, MIN } from '../kit/venue.ts';

/** Rests a buy 2% under the first close, then moves it 0.5% closer to the last close every bar. */
const walker = defineStrategy({
  name: 'walker',
  params: {},
  create(ctx) {
    let id: ClientOrderId | undefined;
    let price = 0;
    return {
      onBar(bar) {
        const open = id !== undefined && ctx.openOrders().some((o) => o.clientOrderId === id);
        if (!open) {
          if (ctx.portfolio.position(bar.symbol).qty !== 0) return;
          price = Math.round(bar.close * 0.98);
          id = ctx.submit({ symbol: bar.symbol, side: 'buy', qty: 0.01, price });
          return;
        }
        price = Math.round(Math.min(bar.close, price * 1.005));
        ctx.modify(id as ClientOrderId, { price });
      },
    };
  },
});

function session(pauseCancelsEntries: boolean) {
  const clock = new SimClock(0);
  const log: LoggedMessage[] = [];
  const account = { instruments: [BTC], currency: 'USDT', startingCash: fromNumber(100_000), accountType: 'cash' as const, leverage: 1, limits: {} };
  const kernel = new Kernel({ clock, ...account, pauseCancelsEntries, onMessage: (m) => log.push(m) });
  const venue = new SimulatedVenue({ ...account, clock, rng: createRng(1), models: frictionless() });
  kernel.attachVenue(venue);
  kernel.addStrategy({ definition: walker, params: {}, symbols: [BTC.symbol] });
  kernel.start();
  let i = 0;
  const bar = (o: number, h: number, l: number, c: number): void => {
    clock.advanceTo((i + 1) * MIN);
    stepData(kernel, venue, makeBar(BTC.symbol, MIN, i * MIN, o, h, l, c, 100));
    i++;
  };
  return { kernel, log, bar, clock };
}

describe('pause', () => {
  it('cancels the resting entry and no fill opens a position afterwards, though the strategy keeps modifying it toward the market', () => {
    const s = session(true);
    s.bar(100_000, 100_100, 99_900, 100_000); // entry rests at 98,000
    s.bar(100_000, 100_100, 99_900, 100_000); // moved up to 98,490
    expect(s.kernel.orders.open()).toHaveLength(1);
    const pausedAt = s.log.length;
    s.kernel.setTradingState('reducing', 'operator pause: test');
    s.kernel.drain();
    // The market falls through every level the entry was at, or was being moved to.
    for (let k = 0; k < 20; k++) s.bar(99_000, 99_100, 95_000 - k * 100, 96_000);
    s.bar(96_000, 96_100, 90_000, 91_000);
    const after = s.log.slice(pausedAt);
    expect(after.filter((m) => m.type === 'OrderFilled')).toEqual([]);
    expect(s.kernel.portfolio.position(BTC.symbol).qty).toBe(0);
    expect(s.kernel.orders.open()).toEqual([]);
    expect(after.find((m) => m.type === 'CancelOrder')).toBeDefined();
    // The strategy's new entries are refused while paused.
    expect(after.filter((m) => m.type === 'OrderDenied').length).toBeGreaterThan(0);
    expect(after.filter((m) => m.type === 'OrderDenied').every((m) => m.type === 'OrderDenied' && /paused/.test(m.reason))).toBe(true);
  });

  it('with pauseCancelsEntries off, the entry rests but no modify toward the market passes the gate', () => {
    const s = session(false);
    s.bar(100_000, 100_100, 99_900, 100_000);
    s.bar(100_000, 100_100, 99_900, 100_000);
    const [entry] = s.kernel.orders.open();
    const pausedAt = s.log.length;
    s.kernel.setTradingState('reducing', 'operator pause: test');
    s.kernel.drain();
    s.bar(99_500, 99_600, 99_000, 99_500); // above the resting price: no fill
    // (a modify sent before the pause may land after it: the price as of the first bar of the pause)
    const pricedAt = s.kernel.orders.get(entry?.clientOrderId as ClientOrderId)?.price;
    for (let k = 0; k < 4; k++) s.bar(99_500, 99_600, 99_000, 99_500);
    const after = s.log.slice(pausedAt);
    const denied = after.filter((m) => m.type === 'OrderModifyDenied');
    expect(denied).toHaveLength(5);
    expect(denied[0]).toMatchObject({ clientOrderId: entry?.clientOrderId, reason: expect.stringMatching(/paused/) });
    expect(after.filter((m) => m.type === 'ModifyOrder')).toHaveLength(5); // the strategy asked; nothing reached the venue
    expect(after.filter((m) => m.type === 'OrderPendingUpdate')).toEqual([]);
    expect(s.kernel.orders.get(entry?.clientOrderId as ClientOrderId)?.price).toBe(pricedAt);
  });

  it('an entry still in flight at the pause is canceled once the venue acknowledges it', () => {
    const clock = new SimClock(0);
    const kernel = new Kernel({ clock, instruments: [BTC], currency: 'USDT', startingCash: fromNumber(100_000), accountType: 'cash' });
    const venue = new RecordingVenue();
    kernel.attachVenue(venue);
    let id: ClientOrderId | undefined;
    kernel.addStrategy({
      definition: defineStrategy({ name: 'once', params: {}, create: (ctx) => ({ onBar: (b) => void (id ??= ctx.submit({ symbol: b.symbol, side: 'buy', qty: 0.01, price: 90_000 })) }) }),
      params: {},
      symbols: [BTC.symbol],
    });
    kernel.start();
    clock.advanceTo(MIN);
    kernel.onData(makeBar(BTC.symbol, MIN, 0, 100_000, 100_000, 100_000, 100_000, 1));
    kernel.drain();
    const cid = id as ClientOrderId;
    kernel.setTradingState('reducing', 'operator pause: test');
    kernel.drain();
    expect(venue.received.map((c) => c.type)).toEqual(['SubmitOrder', 'CancelOrder']);
    // The cancel overtook the order at the venue: unknown there, so refused; then the order lands.
    kernel.venueSink({ type: 'OrderCancelRejected', clientOrderId: cid, symbol: BTC.symbol, reason: 'Unknown order sent.', tsEvent: 1, tsInit: 1 });
    kernel.venueSink({ type: 'OrderAccepted', clientOrderId: cid, symbol: BTC.symbol, venueOrderId: 'v1' as never, tsEvent: 2, tsInit: 2 });
    kernel.drain();
    expect(venue.received.map((c) => c.type)).toEqual(['SubmitOrder', 'CancelOrder', 'CancelOrder']);
  });

  it('a modify that only backs away from the market, or shrinks the order, still goes while paused', () => {
    const s = session(false);
    s.bar(100_000, 100_100, 99_900, 100_000);
    const [entry] = s.kernel.orders.open();
    s.kernel.setTradingState('reducing', 'operator pause: test');
    const cid = entry?.clientOrderId as ClientOrderId;
    s.kernel.command({ type: 'ModifyOrder', strategyId: entry?.strategyId as never, clientOrderId: cid, symbol: BTC.symbol, price: 97_000, qty: 0.005, tsInit: s.clock.now() });
    s.kernel.drain();
    expect(s.log.filter((m) => m.type === 'OrderModifyDenied')).toEqual([]);
    expect(s.log.filter((m) => m.type === 'OrderPendingUpdate')).toHaveLength(1);
  });
});
