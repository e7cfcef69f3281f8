/**
 * The drawdown limit is one rule in every mode: the same strategy (sma-cross, from strategies/) on the
 * same real bars (Binance BTCUSDT spot 1m, 2024-12-02 to 12-04, data/binance-btcusdt-spot-1m-2024-12)
 * with a high taker fee (50 bps each way, so fees take the equity 5% under its peak) must breach the
 * limit on the same bar, with the same action and the same equity, in a backtest (runBacktest) and on
 * paper (the simulated venue behind the live runtime, on the wall clock, as a `parity run --paper`
 * session has it), and trade the same fills before and after the breach.
 *
 * Paper is built as the session builds it (the live runtime, node's scheduler, drains on wake), but
 * its clock is set to each bar's close as the bar is handed over, the moment a live bar arrives: two
 * days of wall time cannot pass in a test, and a wall clock far from the bars' times would have the
 * bad-data breaker drop them (future) or the simulator never reach them. The breach is compared by
 * its time and by the bar it followed.
 */
import { describe, expect, it } from 'vitest';
import { ArrayFeed, createRng, fromNumber, Kernel, LiveRuntime, runBacktest, SimClock, symbol, type Bar, type HoldSet, type Instrument, type LoggedMessage } from '../../src/engine/index.ts';
import { SimulatedVenue } from '../../src/paper/index.ts';
import { loadCandles, resolveInstrument } from '../../src/data/index.ts';
import { nodeScheduler } from '../../src/cli/node-scheduler.ts';
import { loadStrategy } from '../../src/cli/strategy-loader.ts';
import { settle } from '../kit/local-venue.ts';
import { frictionless } from '../kit/venue.ts';
import { seriesBars } from '../kit/series-bars.ts';

const FILE = 'data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv';
const BTC: Instrument = resolveInstrument('BTCUSDT', 'spot', 0.01);
const CASH = 10_000;
const MODELS = frictionless({ fees: { maker: 0.005, taker: 0.005 } });
const LOSS = { maxDrawdownPct: 5, drawdownAction: 'flatten' } as const;
const PARAMS = { fast: 10, slow: 30, size: 0.09 };

/** The real bars from 2024-12-02 to 12-04. */
function bars(): Bar[] {
  const c = loadCandles(FILE, symbol('BTCUSDT')).series;
  const from = Date.UTC(2024, 11, 2);
  const to = Date.UTC(2024, 11, 4);
  return seriesBars(c, from, to);
}

const account = { instruments: [BTC], currency: 'USDT', startingCash: fromNumber(CASH), accountType: 'cash' as const, leverage: 1 };
const venue = (clock: SimClock): SimulatedVenue => new SimulatedVenue({ ...account, clock, rng: createRng(1), models: MODELS });

interface Run {
  /** The hold set, and the index of the bar it followed. */
  readonly hold: HoldSet | undefined;
  readonly afterBar: number;
  readonly fills: readonly string[];
}

const fillsOf = (log: readonly LoggedMessage[]): string[] =>
  log.flatMap((m) => (m.type === 'OrderFilled' ? [`${m.clientOrderId} ${m.side} ${m.lastQty}@${m.lastPx} fee ${m.fee} t=${m.tsEvent}`] : []));

async function backtest(data: readonly Bar[], loss: typeof LOSS | null = LOSS): Promise<Run> {
  const { definition } = await loadStrategy('sma-cross');
  const log: LoggedMessage[] = [];
  const r = runBacktest({
    ...account,
    feed: new ArrayFeed(data),
    strategies: [{ definition, params: PARAMS, symbols: [BTC.symbol] }],
    venue,
    ...(loss === null ? {} : { lossLimits: loss }),
    onMessage: (m) => log.push(m),
  });
  const hold = r.holds[0];
  return { hold, afterBar: hold === undefined ? -1 : data.findIndex((b) => b.tsInit === hold.tsInit), fills: fillsOf(log) };
}

async function paper(data: readonly Bar[]): Promise<Run> {
  const { definition } = await loadStrategy('sma-cross');
  const log: LoggedMessage[] = [];
  const clock = new SimClock(data[0]?.tsEvent ?? 0);
  let runtime: LiveRuntime | undefined;
  let afterBar = -1;
  let at = -1;
  const kernel: Kernel = new Kernel({
    ...account,
    clock,
    lossLimits: LOSS,
    onMessage: (m) => {
      log.push(m);
      if (m.type === 'HoldSet' && afterBar < 0) afterBar = at;
    },
    onWake: () => runtime?.wake(),
  });
  kernel.addStrategy({ definition, params: PARAMS, symbols: [BTC.symbol] });
  runtime = new LiveRuntime(kernel, venue(clock), nodeScheduler);
  runtime.start();
  for (const b of data) {
    at++;
    clock.advanceTo(b.tsInit);
    runtime.onMarketData(b);
    if (kernel.orders.open().length > 0) await settle(0); // let a woken drain run, as between two live bars
  }
  await settle(50);
  runtime.stop();
  const hold = log.find((m): m is HoldSet => m.type === 'HoldSet');
  return { hold, afterBar, fills: fillsOf(log) };
}

describe('the drawdown limit in backtest and paper', () => {
  it('breaches on the same bar with the same action and equity, and both trade the same fills', async () => {
    const data = bars();
    expect(data).toHaveLength(2 * 24 * 60);
    const bt = await backtest(data);
    const pp = await paper(data);
    // The limit is really crossed here (the scenario could fail), and what it did is the same in both modes.
    expect(bt.hold).toBeDefined();
    expect(bt.afterBar).toBeGreaterThan(0);
    expect(pp.afterBar).toBe(bt.afterBar);
    expect(pp.hold?.tsInit).toBe(bt.hold?.tsInit);
    expect(bt.hold?.tsInit).toBe(data[bt.afterBar]?.tsInit);
    expect(pp.hold?.action).toBe('flatten');
    expect(pp.hold?.action).toBe(bt.hold?.action);
    expect(pp.hold?.equity).toBe(bt.hold?.equity);
    expect(pp.hold?.reason).toBe(bt.hold?.reason);
    expect(pp.fills).toEqual(bt.fills);
    // After the breach only the guard's closing order fills: no entry in either mode.
    const breach = bt.hold?.tsInit as number;
    const after = bt.fills.filter((f) => Number(/t=(\d+)/.exec(f)?.[1]) >= breach);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((f) => f.startsWith('P-guard-'))).toBe(true);
    // Without the limit the strategy goes on entering after that time: the limit is what stopped it.
    const free = await backtest(data, null);
    expect(free.hold).toBeUndefined();
    expect(free.fills.filter((f) => f.includes(' buy ') && Number(/t=(\d+)/.exec(f)?.[1]) >= breach).length).toBeGreaterThan(0);
  }, 60_000);
});
