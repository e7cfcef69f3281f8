/** The simulated venue passes the execution port contract (on real XRPUSDT perp bars). */
import { makeBar, symbol } from '../../src/engine/index.ts';
import { loadCandles, resolveInstrument } from '../../src/data/index.ts';
import { executionPortContract } from '../contracts/execution-port.ts';
import { frictionless, venueUnderTest } from '../kit/venue.ts';

const real = loadCandles('data/binance-xrpusdt-perp-2021-11/XRPUSDT-5m-2021-11.csv', symbol('XRPUSDT')).series;
const XRP = resolveInstrument('XRPUSDT', 'perpetual', 0.0001);

executionPortContract('simulated venue', async () => {
  const t = venueUnderTest(XRP, frictionless(), { account: 'margin', cash: 100_000, leverage: 10 });
  let i = 0;
  const feed = (): void => {
    const ts = real.ts[i] as number;
    t.clock.advanceTo(Math.max(t.clock.now(), ts + real.interval));
    t.venue.onMarketData(makeBar(XRP.symbol, real.interval, ts, real.open[i] as number, real.high[i] as number, real.low[i] as number, real.close[i] as number, real.volume[i] as number));
    i++;
  };
  feed();
  return {
    venue: t.venue,
    instrument: XRP,
    events: t.events,
    price: () => real.close[Math.max(0, i - 1)] as number,
    step: async () => feed(),
    close: async () => undefined,
  };
});
