/**
 * One strategy emits a fixed script of orders that trips every rule of the risk gate (price band,
 * order rate, order and position notional, gross and net exposure, the venue's leverage brackets,
 * reduce-only misuse, a modify that adds exposure). Backtest (runBacktest), paper (the simulated
 * venue on a live runtime) and live (the local exchange on loopback, through the ccxt adapter)
 * must deny the same orders, by the same rule, for the same reason: there is one gate. Backtest and
 * paper take the instrument from the bundled catalog and brackets, live from the venue (ccxt).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArrayFeed,
  createRng,
  defineStrategy,
  fromNumber,
  Kernel,
  LiveClock,
  LiveRuntime,
  makeBar,
  runBacktest,
  symbol,
  type Bar,
  type ClientOrderId,
  type Instrument,
  type LoggedMessage,
  type RiskLimits,
  type StrategyContext,
} from '../../src/engine/index.ts';
import { SimulatedVenue } from '../../src/paper/index.ts';
import { bracketTiers, resolveInstrument } from '../../src/data/index.ts';
import { nodeScheduler } from '../../src/cli/node-scheduler.ts';
import { localVenue, settle, type LocalVenue } from '../kit/local-venue.ts';
import { frictionless } from '../kit/venue.ts';

const SYM = 'XRPUSDT';
const CASH = 100_000;
/** XRPUSDT's brackets allow 75x below 10000 USDT of position, 50x from there: at 75x a 12000 position breaks the venue's limit. */
const LEVERAGE = 75;
const LIMITS: Partial<RiskLimits> = {
  priceBandBps: 1000,
  maxOrdersPerSecond: 3,
  maxOrdersPerMinute: 100,
  maxOrderNotional: 30_000,
  maxPositionNotional: 25_000,
  maxGrossExposure: 20_000,
  maxNetExposure: 15_000,
};
const MIN = 60_000;
type StrategyRegistration = Parameters<typeof runBacktest>[0]['strategies'][number];

interface Denial {
  readonly tag: string;
  readonly type: string;
  readonly rule: string | undefined;
  readonly reason: string;
}

/** The script, by bar. `ref` is the close of every bar (flat bars: nothing rests near enough to fill). */
function scriptedStrategy(ref: number, tags: Map<ClientOrderId, string>): StrategyRegistration {
  const qty = (notional: number): number => Math.floor(notional / ref / 0.1) * 0.1;
  return {
    definition: defineStrategy({
      name: 'gate-script',
      params: {},
      create: (ctx: StrategyContext) => {
        let bar = 0;
        let resting: ClientOrderId | undefined;
        const put = (tag: string, req: Parameters<StrategyContext['submit']>[0]): ClientOrderId => {
          const id = ctx.submit(req);
          tags.set(id, tag);
          return id;
        };
        return {
          onBar() {
            const b = bar++;
            if (b === 0) {
              resting = put('resting', { symbol: SYM, side: 'buy', qty: qty(20), price: ref * 0.95 });
              put('band-buy-above', { symbol: SYM, side: 'buy', qty: qty(20), price: ref * 1.15 });
              put('band-sell-below', { symbol: SYM, side: 'sell', qty: qty(20), price: ref * 0.85 });
            } else if (b === 1) {
              ctx.modify(resting as ClientOrderId, { qty: qty(35_000) });
              put('order-notional', { symbol: SYM, side: 'buy', qty: qty(32_000) });
              put('position-notional', { symbol: SYM, side: 'buy', qty: qty(27_000) });
              put('gross', { symbol: SYM, side: 'buy', qty: qty(22_000) });
              put('net', { symbol: SYM, side: 'sell', qty: qty(17_000) });
              put('leverage', { symbol: SYM, side: 'buy', qty: qty(12_000) });
              put('reduce-only', { symbol: SYM, side: 'sell', qty: qty(20), reduceOnly: true });
            } else if (b === 2) {
              for (let i = 0; i < 4; i++) put(`burst-${i}`, { symbol: SYM, side: 'buy', qty: qty(20), price: ref * (0.96 - i * 0.005) });
            }
          },
        };
      },
    }),
    params: {},
    symbols: [symbol(SYM)],
  };
}

function denials(log: readonly LoggedMessage[], tags: ReadonlyMap<ClientOrderId, string>): Denial[] {
  const out: Denial[] = [];
  for (const m of log) {
    if (m.type !== 'OrderDenied' && m.type !== 'OrderModifyDenied') continue;
    const tag = tags.get(m.clientOrderId) ?? '?';
    out.push({ tag: m.type === 'OrderModifyDenied' ? `modify ${tag}` : tag, type: m.type, rule: m.rule, reason: m.reason });
  }
  return out;
}

const flatBar = (ref: number, i: number, t0: number): Bar => makeBar(SYM as never, MIN, t0 + i * MIN, ref, ref, ref, ref, 1000);

function backtest(inst: Instrument, ref: number): Denial[] {
  const tags = new Map<ClientOrderId, string>();
  const log: LoggedMessage[] = [];
  const bars = [0, 1, 2, 3].map((i) => flatBar(ref, i, 0));
  runBacktest({
    instruments: [inst],
    feed: new ArrayFeed(bars),
    strategies: [scriptedStrategy(ref, tags)],
    venue: (clock) =>
      new SimulatedVenue({ instruments: [inst], clock, rng: createRng(1), models: frictionless(), currency: 'USDT', startingCash: fromNumber(CASH), accountType: 'margin', leverage: LEVERAGE }),
    currency: 'USDT',
    startingCash: fromNumber(CASH),
    accountType: 'margin',
    leverage: LEVERAGE,
    limits: LIMITS,
    onMessage: (m) => log.push(m),
  });
  return denials(log, tags);
}

/** A live runtime on the wall clock, with `venue` (the simulator for paper, the ccxt adapter live). */
async function onLiveRuntime(
  inst: Instrument,
  ref: number,
  venueFor: (clock: LiveClock) => ConstructorParameters<typeof LiveRuntime>[1],
  /** Live: the venue acknowledges on its own; the simulator does when the next data point reaches it. */
  acksOnItsOwn: boolean,
): Promise<{ denials: Denial[]; kernel: Kernel }> {
  const tags = new Map<ClientOrderId, string>();
  const log: LoggedMessage[] = [];
  const clock = new LiveClock();
  let runtime: LiveRuntime | undefined;
  const kernel = new Kernel({
    clock,
    instruments: [inst],
    currency: 'USDT',
    startingCash: fromNumber(CASH),
    accountType: 'margin',
    leverage: LEVERAGE,
    limits: LIMITS,
    onMessage: (m) => log.push(m),
    onWake: () => runtime?.wake(),
  });
  kernel.addStrategy(scriptedStrategy(ref, tags));
  runtime = new LiveRuntime(kernel, venueFor(clock), nodeScheduler);
  runtime.start();
  const t0 = Math.floor(clock.now() / MIN) * MIN - 4 * MIN;
  const until = async (ok: () => boolean, what: string): Promise<void> => {
    for (let i = 0; i < 200 && !ok(); i++) await settle(25);
    if (!ok()) throw new Error(`timed out waiting for ${what}`);
  };
  runtime.onMarketData(flatBar(ref, 0, t0));
  const resting = [...tags].find(([, t]) => t === 'resting')?.[0] as ClientOrderId;
  if (acksOnItsOwn) await until(() => kernel.orders.get(resting)?.status === 'accepted', 'the resting order to be accepted');
  runtime.onMarketData(flatBar(ref, 1, t0));
  await settle(1100); // the rate is counted on the wall clock here: let the second of the first orders pass
  runtime.onMarketData(flatBar(ref, 2, t0));
  if (acksOnItsOwn) await until(() => [...tags].filter(([id, t]) => t.startsWith('burst') && kernel.orders.get(id)?.status === 'accepted').length === 3, 'the burst to be accepted');
  runtime.onMarketData(flatBar(ref, 3, t0));
  runtime.stop();
  return { denials: denials(log, tags), kernel };
}

const EXPECTED: readonly (readonly [string, string | undefined])[] = [
  ['band-buy-above', 'price-band'],
  ['band-sell-below', 'price-band'],
  ['modify resting', 'order-notional'],
  ['order-notional', 'order-notional'],
  ['position-notional', 'position-notional'],
  ['gross', 'gross-exposure'],
  ['net', 'net-exposure'],
  ['leverage', 'leverage'],
  ['reduce-only', undefined],
  ['burst-3', 'order-rate'],
];

describe('one risk gate in every mode', () => {
  let v: LocalVenue;
  let inst: Instrument;
  let ref: number;
  beforeAll(async () => {
    v = await localVenue({}, [SYM]);
    inst = v.conn.instruments[0] as Instrument;
    const last = (await v.conn.client.fetchTicker('XRP/USDT:USDT')).last as number;
    ref = Math.round(last / inst.tickSize) * inst.tickSize;
    ref = Number(ref.toFixed(inst.priceDecimals));
  }, 60_000);
  afterAll(async () => {
    await v?.close();
  });

  it('the ccxt adapter reads the venue brackets the local exchange serves (the bundled Binance ones)', () => {
    expect(inst.kind).toBe('perpetual');
    expect(inst.tiers).toEqual(bracketTiers(SYM));
  });

  it('backtest, paper and live deny the same orders by the same rule, for the same reason', async () => {
    // Backtest and paper take the instrument from the bundled catalog and brackets, live from the venue through ccxt.
    const bundled = resolveInstrument(SYM, 'perpetual', inst.tickSize);
    const bt = backtest(bundled, ref);
    expect(bt.map((d) => [d.tag, d.rule])).toEqual(EXPECTED);
    expect(bt.every((d) => d.reason.length > 0)).toBe(true);

    const paper = await onLiveRuntime(
      bundled,
      ref,
      (clock) =>
        new SimulatedVenue({ instruments: [bundled], clock, rng: createRng(1), models: frictionless(), currency: 'USDT', startingCash: fromNumber(CASH), accountType: 'margin', leverage: LEVERAGE }),
      false,
    );
    expect(paper.denials).toEqual(bt);

    const live = await onLiveRuntime(inst, ref, () => v.conn.venue, true);
    expect(live.denials).toEqual(bt);
    // The accepted orders really reached the local exchange, and rest there: nothing denied did.
    const atVenue = v.lx.state().orders.filter((o) => o.status === 'NEW');
    expect(atVenue).toHaveLength(4);
    expect(v.halts).toEqual([]);
    expect(paper.kernel.orders.open()).toHaveLength(4);
    expect(live.kernel.orders.open()).toHaveLength(4);
  }, 90_000);
});
