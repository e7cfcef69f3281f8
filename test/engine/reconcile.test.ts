import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyFill,
  applyFunding,
  clientOrderId,
  createLedger,
  createRng,
  formatFixed,
  fromNumber,
  Kernel,
  reconcile,
  SimClock,
  strategyId,
  symbol,
  toNumber,
  tradeId,
  venueOrderId,
  type BalanceReport,
  type FillReport,
  type FundingReport,
  type OrderStatusReport,
  type PositionReport,
  type VenueReports,
} from '../../src/engine/index.ts';
import { Reconciler } from '../../src/workstation/reconciler.ts';
import { RecordingVenue, BTC_PERP } from '../kit/factories.ts';
import { ManualScheduler } from '../kit/manual-scheduler.ts';

const SYM = BTC_PERP.symbol;
const START = 10_000;

/** The venue's truth: orders (ours and outside ones), their fills, funding, and what follows from them. */
interface Truth {
  orders: OrderStatusReport[];
  fills: FillReport[];
  funding: FundingReport[];
}

const truthArb: fc.Arbitrary<Truth> = fc
  .record({
    orders: fc.array(
      fc.record({
        ours: fc.boolean(),
        side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
        lots: fc.integer({ min: 1, max: 20 }),
        fillLots: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 4 }),
        end: fc.constantFrom<'open' | 'canceled'>('open', 'canceled'),
        px: fc.integer({ min: 950_000, max: 1_050_000 }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
    funding: fc.array(fc.integer({ min: -500, max: 500 }), { maxLength: 3 }),
  })
  .map(({ orders, funding }) => {
    const out: Truth = { orders: [], fills: [], funding: [] };
    let t = 1000;
    orders.forEach((g, i) => {
      const vid = venueOrderId(String(100 + i));
      const cid = g.ours ? clientOrderId(`P-s-${i + 1}`) : clientOrderId(`web-${i}`);
      let filled = 0;
      for (const [j, l] of g.fillLots.entries()) {
        if (filled + l > g.lots) break;
        filled += l;
        const qty = l / 1000;
        const price = g.px / 10;
        out.fills.push({ venueOrderId: vid, clientOrderId: cid, tradeId: tradeId(`${i}-${j}`), symbol: SYM, side: g.side, qty, price, fee: formatFixed(fromNumber(qty * price * 0.0004 > 0 ? Number((qty * price * 0.0004).toFixed(8)) : 0)), liquidity: 'taker', ts: t++ });
      }
      const status = filled === g.lots ? 'filled' : g.end;
      out.orders.push({ venueOrderId: vid, clientOrderId: cid, symbol: SYM, side: g.side, orderType: 'limit', qty: g.lots / 1000, price: g.px / 10, filledQty: filled / 1000, avgPx: 0, status, reduceOnly: false, tsLast: t++ });
    });
    funding.forEach((f, i) => out.funding.push({ id: `f${i}`, symbol: SYM, amount: formatFixed(fromNumber(f / 1000)), ts: t++ }));
    return out;
  });

/** Positions and balance as the venue computes them from its own fills and payments. */
function venueBooks(truth: Truth): { positions: PositionReport[]; balance: BalanceReport } {
  let l = createLedger('USDT', fromNumber(START));
  for (const f of [...truth.fills].sort((a, b) => a.ts - b.ts)) l = applyFill(l, { symbol: f.symbol, side: f.side, price: f.price, qty: f.qty, fee: f.fee });
  for (const f of truth.funding) l = applyFunding(l, f.symbol, f.amount);
  const p = l.positions[SYM];
  const qty = p === undefined ? 0 : toNumber(p.qty);
  return {
    positions: qty === 0 ? [] : [{ symbol: SYM, qty, entryPrice: p === undefined ? 0 : toNumber(p.cost) / qty, ts: 0 }],
    balance: { currency: 'USDT', total: formatFixed(l.balance), free: formatFixed(l.balance) },
  };
}

/** The number of reconciliation passes after which every delayed report has arrived. */
const MAX_DELAY = 4;

/**
 * Venue reports that duplicate and reorder everything, and deliver each fill and funding payment
 * only from a random call onwards (a delayed report: absent from the first 0..MAX_DELAY calls).
 */
function reportsOf(truth: Truth, rng: () => number): VenueReports {
  const books = venueBooks(truth);
  const messy = <T>(xs: readonly T[]): T[] => xs.flatMap((x) => (rng() < 0.3 ? [x, x] : [x])).sort(() => rng() - 0.5);
  const delayed = <T>(xs: readonly T[]): (() => T[]) => {
    const from = xs.map(() => Math.floor(rng() * (MAX_DELAY + 1)));
    let call = 0;
    return () => {
      const now = call++;
      return messy(xs.filter((_, i) => (from[i] as number) <= now));
    };
  };
  const fills = delayed(truth.fills);
  const funding = delayed(truth.funding);
  return {
    openOrders: async () => messy(truth.orders.filter((o) => o.status === 'open')),
    order: async (_s, id) => truth.orders.find((o) => o.clientOrderId === id),
    fills: async () => fills(),
    positions: async () => books.positions,
    balances: async () => [books.balance],
    funding: async () => funding(),
  };
}

describe('reconciliation', () => {
  it('converges to the venue under duplicated, delayed and reordered reports', async () => {
    await fc.assert(
      fc.asyncProperty(truthArb, fc.integer({ min: 1, max: 2 ** 30 }), fc.array(fc.nat(), { maxLength: 30 }), async (truth, seed, picks) => {
        const random = createRng(seed);
        const rng = (): number => random.next();
        const clock = new SimClock(10_000);
        const sched = new ManualScheduler();
        const kernel = new Kernel({ clock, instruments: [BTC_PERP], currency: 'USDT', startingCash: fromNumber(START), accountType: 'margin', leverage: 100 });
        kernel.attachVenue(new RecordingVenue());
        // What we knew before: some of our orders submitted, and a random, duplicated subset of their events.
        const ours = truth.orders.filter((o) => o.clientOrderId?.startsWith('P-'));
        for (const o of ours) {
          if (rng() < 0.3) continue; // lost in a crash before it was journaled
          kernel.command({ type: 'SubmitOrder', strategyId: strategyId('s'), clientOrderId: o.clientOrderId as never, symbol: SYM, side: o.side, orderType: 'limit', qty: o.qty, price: o.price as number, timeInForce: 'gtc', postOnly: false, reduceOnly: false, tsInit: 0 });
          kernel.orders.create({ type: 'SubmitOrder', strategyId: strategyId('s'), clientOrderId: o.clientOrderId as never, symbol: SYM, side: o.side, orderType: 'limit', qty: o.qty, price: o.price as number, timeInForce: 'gtc', postOnly: false, reduceOnly: false, tsInit: 0 }, 3);
        }
        kernel.drain();
        const seenEvents = picks.map((p) => truth.fills[p % Math.max(1, truth.fills.length)]).filter((f): f is FillReport => f !== undefined);
        for (const f of seenEvents) {
          if (kernel.orders.get(f.clientOrderId as never) === undefined) continue;
          kernel.applyVenueEvent({ type: 'OrderAccepted', clientOrderId: f.clientOrderId as never, symbol: SYM, venueOrderId: f.venueOrderId, tsEvent: 1, tsInit: 1 });
          kernel.applyVenueEvent({ type: 'OrderFilled', clientOrderId: f.clientOrderId as never, symbol: SYM, venueOrderId: f.venueOrderId, tradeId: f.tradeId, side: f.side, lastQty: f.qty, lastPx: f.price, fee: f.fee, liquidity: 'taker', tsEvent: f.ts, tsInit: f.ts });
        }
        kernel.drain();
        const rec = new Reconciler({ kernel, reports: reportsOf(truth, rng), symbols: [SYM], scheduler: sched, policy: { unknownOrder: 'adopt', position: 'adopt', balance: 'adopt', balanceTolerance: 0, inFlightGraceMs: 0 } });
        rec.setFillsHorizon(0);
        // Past the longest delay, plus passes for what the late reports change (positions, then the balance).
        for (let i = 0; i < MAX_DELAY + 4; i++) await rec.run('full');
        // Converged: the venue's open orders, fills, position and balance, exactly.
        const books = venueBooks(truth);
        const open = (s: readonly { clientOrderId?: string | undefined; status: string }[]) => new Set(s.map((o) => o.clientOrderId));
        expect(open(kernel.orders.open())).toEqual(open(truth.orders.filter((o) => o.status === 'open')));
        const booked = kernel.orders.list().flatMap((o) => o.tradeIds).sort();
        expect(booked).toEqual(truth.fills.map((f) => f.tradeId).sort());
        expect(kernel.portfolio.position(SYM).qty).toBeCloseTo(books.positions[0]?.qty ?? 0, 9);
        expect(formatFixed(kernel.portfolio.ledger.balance)).toBe(books.balance.total);
      }),
      { numRuns: 200 },
    );
  });

  it('pauses instead of adopting when the policy says so, and says why', () => {
    const local = { orders: [], positions: { [SYM]: 0.01 }, balance: '10000', fundingIds: new Set<string>(), lot: () => 0.001, now: 0 };
    const r = reconcile(local, { openOrders: [], statuses: new Map(), fills: [], positions: [], balance: undefined, funding: [] }, { unknownOrder: 'pause', position: 'pause', balance: 'pause', balanceTolerance: 0, inFlightGraceMs: 0 });
    expect(r.diffs).toMatchObject([{ kind: 'position_mismatch', severity: 'critical', resolution: 'pausing' }]);
    expect(r.actions).toMatchObject([{ type: 'pause', reason: expect.stringMatching(/0.01 here, 0 at the venue/) }]);
  });

  it('compares balances as exact decimals: a gap below a float\'s resolution is still seen', () => {
    const local = { orders: [], positions: {}, balance: '10000.6556292', fundingIds: new Set<string>(), lot: () => 0.001, now: 0 };
    const venue = { openOrders: [], statuses: new Map(), fills: [], positions: [], balance: { currency: 'USDT', total: '10000.655629200000004444', free: '0' }, funding: [] };
    const exact = reconcile(local, venue, { unknownOrder: 'adopt', position: 'adopt', balance: 'adopt', balanceTolerance: 0, inFlightGraceMs: 0 });
    expect(exact.diffs).toMatchObject([{ kind: 'balance_mismatch', message: expect.stringContaining('(+0.000000000000004444)') }]);
    expect(exact.actions).toEqual([{ type: 'adopt-balance', balance: '10000.655629200000004444' }]);
    const tolerant = reconcile(local, venue, { unknownOrder: 'adopt', position: 'adopt', balance: 'adopt', balanceTolerance: 1e-6, inFlightGraceMs: 0 });
    expect(tolerant.diffs).toEqual([]);
  });
});

export { symbol };
