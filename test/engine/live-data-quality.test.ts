/**
 * The bad-data breaker in the live runtime (paper: the simulator as the venue). A strategy rests a
 * buy limit 40% under the market; a bar printing a 50% crash would fill it. The breaker drops that
 * bar before the simulator and the strategy see it, tells the session (onDataDropped), and counts
 * it; the next good bar is not judged against the bad one.
 */
import { describe, expect, it } from 'vitest';
import { createRng, defineStrategy, fromNumber, Kernel, LiveRuntime, makeBar, type Bar, type DataFault, type MarketData, type ValidationConfig } from '../../src/engine/index.ts';
import { SimulatedVenue } from '../../src/paper/index.ts';
import { BTC } from '../kit/factories.ts';
import { ManualScheduler } from '../kit/manual-scheduler.ts';
import { frictionless, MIN } from '../kit/venue.ts';

function paper(validation?: Partial<ValidationConfig>) {
  const sched = new ManualScheduler();
  const seen: number[] = [];
  const dropped: [MarketData, DataFault][] = [];
  const account = { instruments: [BTC], currency: 'USDT', startingCash: fromNumber(100_000), accountType: 'cash' as const, leverage: 1, limits: { priceBandBps: 5000 } }; // the bid rests 40% under the market: inside a 50% band
  const lowBid = defineStrategy({
    name: 'low-bid',
    params: {},
    create(ctx) {
      let placed = false;
      return {
        onBar(bar: Bar) {
          seen.push(bar.close);
          if (placed || bar.tsEvent < 5 * MIN) return; // not from the warm-up (trading is halted then)
          placed = true;
          ctx.submit({ symbol: bar.symbol, side: 'buy', qty: 0.01, price: Math.round(bar.close * 0.6) });
        },
      };
    },
  });
  let runtime: LiveRuntime | undefined;
  const kernel = new Kernel({ clock: sched, ...account, onWake: () => runtime?.wake() });
  const venue = new SimulatedVenue({ ...account, clock: sched, rng: createRng(1), models: frictionless() });
  runtime = new LiveRuntime(kernel, venue, sched, { ...(validation === undefined ? {} : { validation }), onDataDropped: (d, f) => dropped.push([d, f]) });
  kernel.addStrategy({ definition: lowBid, params: {}, symbols: [BTC.symbol] });
  const warm = Array.from({ length: 5 }, (_, i) => makeBar(BTC.symbol, MIN, i * MIN, 100_000, 100_050, 99_950, 100_000, 10));
  const rt = runtime;
  return {
    kernel,
    runtime: rt,
    seen,
    dropped,
    async start() {
      await sched.advance(5 * MIN);
      rt.start(warm);
    },
    async bar(i: number, o: number, h: number, l: number, c: number) {
      await sched.advance(MIN);
      rt.onMarketData(makeBar(BTC.symbol, MIN, i * MIN, o, h, l, c, 10));
      await sched.flush();
    },
  };
}

describe('the live runtime drops bad market data', () => {
  it('a 50% crash print fills nothing, reaches no strategy, is reported and counted; the next bar passes', async () => {
    const s = paper();
    await s.start();
    await s.bar(5, 100_000, 100_050, 99_950, 100_000); // the strategy rests its bid at 60,000
    await s.bar(6, 100_000, 100_050, 99_950, 100_000);
    expect(s.kernel.orders.open()).toHaveLength(1);
    await s.bar(7, 100_000, 100_000, 50_000, 50_000);
    await s.bar(8, 100_000, 100_050, 99_950, 100_010);
    expect(s.kernel.portfolio.position(BTC.symbol).qty).toBe(0);
    expect(s.kernel.orders.open()).toHaveLength(1);
    expect(s.seen).not.toContain(50_000);
    expect(s.seen.at(-1)).toBe(100_010);
    expect(s.dropped.map(([d, f]) => [d.tsEvent, f])).toEqual([[7 * MIN, 'spike']]);
    expect(s.runtime.dataQuality).toMatchObject({ dropped: 1, counts: { spike: 1 }, gaps: 0 });
  });

  it('with the breaker off the same print fills the bid (what it guards against)', async () => {
    const s = paper({ enabled: false });
    await s.start();
    await s.bar(5, 100_000, 100_050, 99_950, 100_000);
    await s.bar(6, 100_000, 100_050, 99_950, 100_000);
    await s.bar(7, 100_000, 100_000, 50_000, 50_000);
    expect(s.kernel.portfolio.position(BTC.symbol).qty).toBeCloseTo(0.01, 9);
    expect(s.dropped).toEqual([]);
  });
});
