/**
 * The daily loss limit survives a restart: the day's reference equity is journaled when the day
 * begins (and when an adoption moves the books without trading), so the engine rebuilt from a
 * snapshot and the journal counts the day's PnL from the same point and keeps refusing entries.
 */
import { describe, expect, it } from 'vitest';
import {
  defineStrategy,
  fromNumber,
  initialState,
  Kernel,
  makeBar,
  replay,
  SimClock,
  tradeId,
  venueOrderId,
  type ClientOrderId,
  type EngineState,
  type LoggedMessage,
  type StrategyContext,
} from '../../src/engine/index.ts';
import { BTC, RecordingVenue } from '../kit/factories.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 11, 10, 9, 0);

function engine(restore?: EngineState) {
  const clock = new SimClock(T0 - DAY);
  const log: LoggedMessage[] = [];
  const kernel = new Kernel({
    clock,
    instruments: [BTC],
    currency: 'USDT',
    startingCash: fromNumber(10_000),
    accountType: 'margin',
    leverage: 5,
    limits: { dailyLossLimit: 100 },
    onMessage: (m) => log.push(m),
    ...(restore === undefined ? {} : { restore }),
  });
  const venue = new RecordingVenue();
  kernel.attachVenue(venue);
  let ctx: StrategyContext | undefined;
  kernel.addStrategy({ definition: defineStrategy({ name: 's', params: {}, create: (c) => ((ctx = c), {}) }), params: {}, symbols: [BTC.symbol] });
  kernel.start();
  const price = (ts: number, px: number): void => {
    clock.advanceTo(ts);
    kernel.onData(makeBar(BTC.symbol, 60_000, ts - 60_000, px, px, px, px, 1));
    kernel.drain();
  };
  const buyFilled = (qty: number, px: number): ClientOrderId => {
    const id = (ctx as StrategyContext).submit({ symbol: BTC.symbol, side: 'buy', qty });
    kernel.drain();
    kernel.venueSink({
      type: 'OrderFilled',
      clientOrderId: id,
      symbol: BTC.symbol,
      venueOrderId: venueOrderId(id),
      tradeId: tradeId(`t-${id}`),
      side: 'buy',
      lastQty: qty,
      lastPx: px,
      fee: '0',
      liquidity: 'taker',
      tsEvent: clock.now(),
      tsInit: clock.now(),
    });
    kernel.drain();
    return id;
  };
  return { kernel, log, price, buyFilled, venue, ctx: () => ctx as StrategyContext };
}

describe('daily loss limit across a restart', () => {
  it('the rebuilt engine counts the day from the same equity and still refuses entries', () => {
    const a = engine();
    a.price(T0 - 10 * 3_600_000, 100_000); // the day before
    a.buyFilled(0.05, 100_000);
    a.price(T0 - 9.5 * 3_600_000, 104_000); // 23:30, still the day before
    a.price(T0, 104_000); // a new UTC day: the reference is 10,200 (+200 unrealized carried in)
    a.price(T0 + 60_000, 101_000); // -150 on the day: past the 100 limit
    expect(a.kernel.portfolio.dailyPnl()).toBeCloseTo(-150, 6);
    // Restart from the journal alone (no snapshot): the same books, and the same day.
    const b = engine(replay(initialState('USDT', '10000'), a.log, () => BTC.qtyDecimals));
    b.price(T0 + 120_000, 101_000);
    expect(b.kernel.portfolio.dailyPnl()).toBeCloseTo(-150, 6);
    b.ctx().submit({ symbol: BTC.symbol, side: 'buy', qty: 0.01 });
    b.kernel.drain();
    // The breach set a reduce-only hold (the default daily-loss action), journaled: the rebuilt engine has it and refuses the entry.
    expect(a.log.filter((m) => m.type === 'HoldSet').map((m) => (m.type === 'HoldSet' ? [m.source, m.action] : []))).toEqual([['loss-limit:daily', 'reduce-only']]);
    expect(b.kernel.holds.get('loss-limit:daily')?.action).toBe('reduce-only');
    expect(b.kernel.tradingState).toBe('reducing');
    expect(b.log.filter((m) => m.type === 'OrderDenied').map((m) => (m.type === 'OrderDenied' ? m.reason : ''))).toEqual([expect.stringMatching(/paused/)]);
    // From a snapshot plus the journal after it: the same.
    const c = engine(a.kernel.books.capture());
    c.price(T0 + 120_000, 101_000);
    expect(c.kernel.portfolio.dailyPnl()).toBeCloseTo(-150, 6);
    // A new UTC day starts a new reference, restart or not.
    c.price(T0 + DAY, 101_000);
    expect(c.kernel.portfolio.dailyPnl()).toBeCloseTo(0, 6);
  });

  it('adopting a position from the venue is not a loss: the day PnL does not move, before or after a restart', () => {
    const a = engine();
    a.price(T0, 100_000);
    a.kernel.books.adoptPosition(BTC.symbol, 0.05, 110_000); // bought by hand at 110k, marked at 100k
    expect(a.kernel.portfolio.dailyPnl()).toBeCloseTo(0, 6);
    a.price(T0 + 60_000, 99_000);
    expect(a.kernel.portfolio.dailyPnl()).toBeCloseTo(-50, 6);
    const b = engine(replay(initialState('USDT', '10000'), a.log, () => BTC.qtyDecimals));
    b.price(T0 + 120_000, 99_000);
    expect(b.kernel.portfolio.dailyPnl()).toBeCloseTo(-50, 6);
  });
});
