/** The simulated venue passes the execution port contract. */
import { makeBar } from '../../src/engine/index.ts';
import { executionPortContract } from '../contracts/execution-port.ts';
import { frictionless, MIN, venueUnderTest } from '../kit/venue.ts';
import { BTC_PERP } from '../kit/factories.ts';
import { loadCandles } from '../../src/data/index.ts';
import { symbol } from '../../src/engine/index.ts';

const real = loadCandles('data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv', symbol('BTCUSDT')).series;

executionPortContract('simulated venue', async () => {
  const t = venueUnderTest(BTC_PERP, frictionless(), { account: 'margin', cash: 100_000, leverage: 10 });
  let i = 0;
  const feed = (): void => {
    // Real BTCUSDT bars, rounded to the perp's 0.1 tick.
    const r = (x: number): number => Math.round(x * 10) / 10;
    t.clock.advanceTo(Math.max(t.clock.now(), (i + 1) * MIN));
    t.venue.onMarketData(makeBar(BTC_PERP.symbol, MIN, i * MIN, r(real.open[i] as number), r(real.high[i] as number), r(real.low[i] as number), r(real.close[i] as number), real.volume[i] as number));
    i++;
  };
  feed();
  return {
    venue: t.venue,
    instrument: BTC_PERP,
    events: t.events,
    price: () => real.close[Math.max(0, i - 1)] as number,
    step: async () => feed(),
    close: async () => undefined,
  };
});
