/**
 * The drawdown limit on real data: Binance USD-M XRPUSDT perpetual 5m bars with the real 8h funding
 * rates (data/binance-xrpusdt-perp-2021-11, from 2021-11-18 07:00), a strategy that holds a 1x long
 * and re-enters every half hour (a high 0.1% taker fee each way, the 08:00 funding on the position),
 * so that fees and funding, not the price, take the equity 5% under its peak. The limit counts from the
 * equity peak with marks, fees and funding included: the flatten hold fires in the very step where
 * the drawdown first reaches the limit, the positions are closed, and no entry fills afterwards;
 * after a restart (from the journal alone, and from a snapshot) the hold is still there and the
 * strategy's entries are still refused.
 */
import { describe, expect, it } from 'vitest';
import { createRng, defineStrategy, fromNumber, initialState, Kernel, replay, SimClock, stepData, symbol, type EngineState, type LoggedMessage, type MarketData } from '../../src/engine/index.ts';
import { loadCandles, loadFunding, resolveInstrument } from '../../src/data/index.ts';
import { SimulatedVenue } from '../../src/paper/index.ts';
import { frictionless } from '../kit/venue.ts';
import { seriesBars } from '../kit/series-bars.ts';

const DIR = 'data/binance-xrpusdt-perp-2021-11';
const XRP = resolveInstrument('XRPUSDT', 'perpetual', 0.0001);
const FROM = Date.UTC(2021, 10, 18, 7);
const LIMIT_PCT = 5;

function data(): MarketData[] {
  const c = loadCandles(`${DIR}/XRPUSDT-5m-2021-11.csv`, symbol('XRPUSDT')).series;
  const out: MarketData[] = seriesBars(c, FROM);
  const end = out[out.length - 1]?.tsInit ?? 0;
  for (const f of loadFunding(`${DIR}/XRPUSDT-funding-8h.csv`, XRP.symbol)) if (f.tsInit >= FROM && f.tsInit <= end) out.push(f);
  return out.sort((a, b) => a.tsInit - b.tsInit || (a.type === 'funding' ? 1 : 0) - (b.type === 'funding' ? 1 : 0));
}

/** Holds a 1x long; closes it every 6th bar (off the hour, so it holds at funding time) and buys it back on the next. */
const churn = defineStrategy({
  name: 'churn',
  params: {},
  create(ctx) {
    let bars = 0;
    return {
      onBar(bar) {
        bars++;
        const qty = ctx.portfolio.position(bar.symbol).qty;
        if (qty === 0) ctx.submit({ symbol: bar.symbol, side: 'buy', qty: Math.floor((ctx.portfolio.equity() * 1) / bar.close) });
        else if (bars % 6 === 3) ctx.submit({ symbol: bar.symbol, side: 'sell', qty, reduceOnly: true });
      },
    };
  },
});

function engine(restore?: EngineState, start = FROM) {
  const clock = new SimClock(start);
  const log: LoggedMessage[] = [];
  const account = { instruments: [XRP], currency: 'USDT', startingCash: fromNumber(10_000), accountType: 'margin' as const, leverage: 10, limits: {} };
  const kernel = new Kernel({
    clock,
    ...account,
    lossLimits: { maxDrawdownPct: LIMIT_PCT, drawdownAction: 'flatten' },
    onMessage: (m) => log.push(m),
    ...(restore === undefined ? {} : { restore }),
  });
  // A high taker fee (0.1%): every entry or exit costs 0.1% of equity.
  const venue = new SimulatedVenue({ ...account, clock, rng: createRng(7), models: frictionless({ fees: { maker: 0.0002, taker: 0.001 } }) });
  kernel.attachVenue(venue);
  kernel.addStrategy({ definition: churn, params: {}, symbols: [XRP.symbol] });
  kernel.start();
  const step = (d: MarketData): void => {
    clock.advanceTo(d.tsInit);
    stepData(kernel, venue, d);
  };
  return { kernel, log, step, venue };
}

const entryFills = (log: readonly LoggedMessage[]) => log.filter((m) => m.type === 'OrderFilled' && m.side === 'buy');

describe('drawdown limit on real XRPUSDT perp data with fees and funding', () => {
  it('fires within one event of the breach, flattens, and stays after a restart', () => {
    const all = data();
    const a = engine();
    let peak = -Infinity;
    let breachAt = -1;
    let fees = 0;
    let funding = 0;
    let holdStep = -1;
    for (let i = 0; i < all.length; i++) {
      const before = a.log.length;
      a.step(all[i] as MarketData);
      const fresh = a.log.slice(before);
      for (const m of fresh) {
        if (m.type === 'OrderFilled') fees += Number(m.fee);
        if (m.type === 'FundingPaid') funding += Number(m.amount);
      }
      if (holdStep < 0 && fresh.some((m) => m.type === 'HoldSet')) holdStep = i;
      // The test's own reading of the books: the equity with marks after this step, against its peak.
      const eq = a.kernel.portfolio.equity();
      const set = fresh.find((m) => m.type === 'HoldSet');
      const at = set !== undefined && set.type === 'HoldSet' ? (set.equity as number) : eq;
      peak = Math.max(peak, at);
      if (breachAt < 0 && ((peak - at) / peak) * 100 >= LIMIT_PCT) breachAt = i;
      if (holdStep >= 0 && i > holdStep + 300) break;
    }
    // Fees and funding are what push it over: without what they cost, equity would be under 3% below the same peak.
    const setEq = (a.log.find((m) => m.type === 'HoldSet') as { equity: number }).equity;
    expect(((peak - (setEq + fees - funding)) / peak) * 100).toBeLessThan(3);
    expect(breachAt).toBeGreaterThan(0);
    // Fired in the step of the breach, not a bar later.
    expect(holdStep).toBe(breachAt);
    const set = a.log.find((m) => m.type === 'HoldSet');
    if (set?.type !== 'HoldSet') throw new Error('no hold');
    expect(set.source).toBe('loss-limit:drawdown');
    expect(set.action).toBe('flatten');
    // Fees and funding were booked by then and are part of the equity the limit saw.
    expect(fees).toBeGreaterThan(0);
    expect(funding).not.toBe(0);
    const peakMsg = a.log.filter((m) => m.type === 'EquityPeak').at(-1);
    expect(peakMsg?.type === 'EquityPeak' ? ((peakMsg.equity - (set.equity as number)) / peakMsg.equity) * 100 : 0).toBeGreaterThanOrEqual(LIMIT_PCT);
    // The positions were closed by the guard's reduce-only orders, and nothing was bought after.
    const afterSet = a.log.slice(a.log.indexOf(set));
    expect(afterSet.some((m) => m.type === 'SubmitOrder' && m.strategyId === 'guard' && m.reduceOnly)).toBe(true);
    expect(a.kernel.portfolio.position(XRP.symbol).qty).toBe(0);
    expect(entryFills(afterSet)).toEqual([]);
    expect(afterSet.filter((m) => m.type === 'OrderDenied').length).toBeGreaterThan(0);
    expect(a.kernel.tradingState).toBe('reducing');

    // A restart from the journal alone, then from a snapshot: the hold and the peak are back, and the strategy stays out.
    const rest = all.filter((d) => d.tsInit > a.kernel.clock.now()).slice(0, 200);
    for (const restored of [replay(initialState('USDT', '10000'), a.log, () => XRP.qtyDecimals), a.kernel.books.capture()]) {
      expect(restored.holds?.map((h) => h.source)).toEqual(['loss-limit:drawdown']);
      expect(restored.equityPeak).toBe(a.kernel.holds.peak);
      const b = engine(restored, a.kernel.clock.now());
      expect(b.kernel.tradingState).toBe('reducing');
      for (const d of rest) b.step(d);
      expect(entryFills(b.log)).toEqual([]);
      expect(b.log.filter((m) => m.type === 'OrderDenied').length).toBeGreaterThan(0);
      expect(b.log.filter((m) => m.type === 'HoldLifted')).toEqual([]);
      expect(b.kernel.portfolio.position(XRP.symbol).qty).toBe(0);
    }
  });
});
