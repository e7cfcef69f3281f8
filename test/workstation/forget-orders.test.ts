/**
 * A long session's kernel forgets closed orders once reconciliation can no longer ask about them
 * (forgetOld in src/workstation/forget.ts), and never sooner: a venue fill of an order unknown here is adopted and
 * booked, so forgetting one whose fills are still fetched would book them twice. Run against the
 * simulated venue's own reports: while an old GTC order is open (fills are fetched from its
 * creation) nothing is forgotten; once it is gone, old orders are; after a quiet spell the ones
 * near the last order event stay (a restart asks for fills from the last journaled event). Every
 * reconciliation finds the books equal to the venue's and no order it does not know.
 */
import { describe, expect, it } from 'vitest';
import { createRng, defineStrategy, formatFixed, fromNumber, initialState, Kernel, makeBar, SimClock, stepData, type ClientOrderId } from '../../src/engine/index.ts';
import { SimulatedVenue } from '../../src/paper/index.ts';
import { FORGET_MARGIN_MS, KEEP_CLOSED_ORDERS } from '../../src/workstation/forget.ts';
import { Reconciler } from '../../src/workstation/reconciler.ts';
import { ShadowBacktest } from '../../src/workstation/divergence.ts';
import { BTC } from '../kit/factories.ts';
import { ManualScheduler } from '../kit/manual-scheduler.ts';
import { frictionless, MIN } from '../kit/venue.ts';

const KEEP = 5;

function session() {
  const clock = new SimClock(0);
  const cash = fromNumber(1_000_000);
  const venue = new SimulatedVenue({ instruments: [BTC], clock, rng: createRng(1), models: frictionless(), currency: 'USDT', startingCash: cash, accountType: 'cash' });
  const kernel = new Kernel({ clock, instruments: [BTC], currency: 'USDT', startingCash: cash, accountType: 'cash' });
  kernel.attachVenue(venue);
  const ctl = { trade: true, gtc: undefined as ClientOrderId | undefined, cancel: false };
  // A GTC buy 5% below the market (inside the risk gate's price band, never reached) on the first
  // bar, then a market order on every bar, flipping.
  const flipper = defineStrategy({
    name: 'flipper',
    params: {},
    create: (ctx) => ({
      onBar(b) {
        if (ctl.gtc === undefined) ctl.gtc = ctx.submit({ symbol: b.symbol, side: 'buy', qty: 0.001, price: 57_000 });
        if (ctl.cancel) {
          ctx.cancel(ctl.gtc);
          ctl.cancel = false;
        }
        if (!ctl.trade || ctx.openOrders(b.symbol).some((o) => o.orderType === 'market')) return;
        const q = ctx.portfolio.position(b.symbol).qty;
        ctx.submit({ symbol: b.symbol, side: q > 0 ? 'sell' : 'buy', qty: q > 0 ? q : 0.001 });
      },
    }),
  });
  kernel.addStrategy({ definition: flipper, params: {}, symbols: [BTC.symbol] });
  kernel.start();
  const rec = new Reconciler({ kernel, reports: venue, symbols: [BTC.symbol], scheduler: new ManualScheduler(), confirmMs: 0, keepClosedOrders: KEEP });
  rec.setFillsHorizon(0);
  let i = 0;
  /** `n` one-minute bars around 60,000, each stepped through venue and kernel at its close. */
  const bars = (n: number): void => {
    for (const end = i + n; i < end; i++) {
      clock.advanceTo((i + 1) * MIN);
      const px = 60_000 + (i % 7) * 10;
      stepData(kernel, venue, makeBar(BTC.symbol, MIN, i * MIN, px, px + 20, px - 20, px + 5, 1_000));
    }
  };
  /** A full reconciliation, which must find nothing to fix. */
  const reconcile = async (): Promise<void> => {
    const out = await rec.run('full');
    expect(out.diffs.map((d) => `${d.kind}: ${d.message}`)).toEqual([]);
    expect(kernel.portfolio.position(BTC.symbol).qty).toBe(venue.account.position(BTC.symbol));
    expect(formatFixed(kernel.portfolio.ledger.balance)).toBe((await venue.balances())[0]?.total);
  };
  return { kernel, venue, ctl, bars, reconcile, clock };
}

describe('forgetting closed orders in a long session', () => {
  it('waits for the old GTC order, then forgets old orders, never the ones fills may still be asked for', async () => {
    const s = session();
    // Four hours of trading with the GTC order open: fills are fetched from its creation, so nothing may go.
    for (let k = 0; k < 8; k++) {
      s.bars(30);
      await s.reconcile();
    }
    expect(s.kernel.orders.isOpen(s.ctl.gtc as ClientOrderId)).toBe(true);
    const made = s.kernel.orders.sequences()['flipper'] ?? 0;
    expect(made).toBeGreaterThan(100);
    expect(s.kernel.orders.list()).toHaveLength(made);
    // The GTC order canceled: fills are fetched from 15 minutes back now; old orders go.
    s.ctl.cancel = true;
    s.bars(30);
    await s.reconcile();
    s.bars(30);
    await s.reconcile();
    await s.reconcile();
    expect(s.kernel.orders.get(s.ctl.gtc as ClientOrderId)?.status).toBe('canceled');
    const kept = s.kernel.orders.list();
    expect(kept.length).toBeLessThan(made / 2);
    const horizon = s.clock.now() - 15 * MIN - FORGET_MARGIN_MS;
    const closed = kept.filter((o) => !s.kernel.orders.isOpen(o.clientOrderId));
    expect(closed.filter((o) => o.tsLast < horizon).length).toBeLessThanOrEqual(KEEP);
    // A quiet spell: no orders for five hours. The orders of the last hour before it stay.
    s.ctl.trade = false;
    s.bars(1);
    const last = s.kernel.orders.lastEventAt;
    const recent = s.kernel.orders
      .list()
      .filter((o) => o.tsLast >= last - FORGET_MARGIN_MS)
      .map((o) => o.clientOrderId);
    expect(recent.length).toBeGreaterThan(KEEP);
    for (let k = 0; k < 10; k++) {
      s.bars(30);
      await s.reconcile();
    }
    for (const id of recent) expect(s.kernel.orders.get(id)).toBeDefined();
    // The snapshot holds what is kept, not every order ever made.
    expect(s.kernel.books.capture().orders.length).toBe(s.kernel.orders.list().length);
    expect(s.kernel.orders.list().length).toBeLessThan(made);
  });

  it("keeps the shadow backtest's memory bounded too: closed orders go by age, trading goes on", () => {
    const flip = defineStrategy({
      name: 'flip',
      params: {},
      create: (ctx) => ({
        onBar(b) {
          if (ctx.openOrders(b.symbol).length > 0) return;
          const q = ctx.portfolio.position(b.symbol).qty;
          ctx.submit({ symbol: b.symbol, side: q > 0 ? 'sell' : 'buy', qty: q > 0 ? q : 0.001 });
        },
      }),
    });
    const shadow = new ShadowBacktest({
      instruments: [BTC],
      currency: 'USDT',
      startingCash: fromNumber(1_000_000),
      accountType: 'cash',
      leverage: 1,
      limits: {},
      models: frictionless(),
      seed: 1,
      definition: flip,
      params: {},
      symbols: [BTC.symbol],
      start: initialState('USDT', '1000000'),
      warmup: [],
    });
    const bars = 3 * 1440; // three days of 1m bars: an order on every bar
    for (let i = 0; i < bars; i++) {
      const px = 60_000 + (i % 7) * 10;
      shadow.onData(makeBar(BTC.symbol, MIN, i * MIN, px, px + 20, px - 20, px + 5, 1_000));
    }
    const made = shadow.kernel.orders.sequences()['flip'] ?? 0;
    expect(made).toBeGreaterThan(KEEP_CLOSED_ORDERS + 500);
    const kept = shadow.kernel.orders.list();
    expect(kept.length).toBeLessThan(made);
    // What went is older than the margin; the newest KEEP_CLOSED_ORDERS are all there.
    expect(kept.length).toBeGreaterThanOrEqual(KEEP_CLOSED_ORDERS);
    const newest = Math.max(...kept.map((o) => Number(o.clientOrderId.split('-').at(-1))));
    expect(newest).toBe(made);
    for (let k = made - KEEP_CLOSED_ORDERS + 1; k <= made; k++) expect(shadow.kernel.orders.get(`P-flip-${k}` as ClientOrderId)).toBeDefined();
    // Trading went on throughout: every order filled (one fill each).
    expect(shadow.view({ fills: 0, pnl: 0, slippageBps: NaN, funding: 0 }).backtestFills).toBe(made - shadow.kernel.orders.open().length);
  });
});
