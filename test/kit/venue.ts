/** A simulated venue under test: its clock, its events, and helpers to feed it bars. */
import { clientOrderId, createRng, fromNumber, makeBar, SimClock, strategyId, type Instrument, type SubmitOrder, type VenueEvent } from '../../src/engine/index.ts';
import { DEFAULT_MODELS, FRICTIONLESS, SimulatedVenue, type VenueModels } from '../../src/paper/index.ts';

export const MIN = 60_000;

export function frictionless(over: Partial<VenueModels> = {}): VenueModels {
  return { ...FRICTIONLESS, fees: { maker: 0.0002, taker: 0.0004 }, ...over };
}

export function venueUnderTest(inst: Instrument, models: VenueModels = frictionless(), opts: { cash?: number; account?: 'cash' | 'margin'; seed?: number; leverage?: number } = {}) {
  const clock = new SimClock(0);
  const events: VenueEvent[] = [];
  const venue = new SimulatedVenue({
    instruments: [inst],
    clock,
    rng: createRng(opts.seed ?? 1),
    models,
    currency: 'USDT',
    startingCash: fromNumber(opts.cash ?? 1_000_000),
    accountType: opts.account ?? 'cash',
    leverage: opts.leverage ?? 1,
  });
  venue.connect((e) => events.push(e));
  /** Feeds one bar at its close time (as the backtest does). */
  const bar = (i: number, o: number, h: number, l: number, c: number, v = 100): void => {
    clock.advanceTo(Math.max(clock.now(), (i + 1) * MIN));
    venue.onMarketData(makeBar(inst.symbol, MIN, i * MIN, o, h, l, c, v));
  };
  let seq = 0;
  const order = (over: Partial<SubmitOrder>): SubmitOrder => ({
    type: 'SubmitOrder',
    strategyId: strategyId('t'),
    clientOrderId: clientOrderId(`o${++seq}`),
    symbol: inst.symbol,
    side: 'buy',
    orderType: 'market',
    qty: 1,
    timeInForce: 'ioc',
    postOnly: false,
    reduceOnly: false,
    tsInit: clock.now(),
    ...over,
  });
  const of = <T extends VenueEvent['type']>(type: T) => events.filter((e): e is Extract<VenueEvent, { type: T }> => e.type === type);
  return { clock, venue, events, bar, order, of };
}

export { DEFAULT_MODELS };
