import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyFill,
  applyFunding,
  clientOrderId,
  createLedger,
  createOrder,
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
  type Order,
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
        out.fills.push({
          venueOrderId: vid,
          clientOrderId: cid,
          tradeId: tradeId(`${i}-${j}`),
          symbol: SYM,
          side: g.side,
          qty,
          price,
          fee: formatFixed(fromNumber(qty * price * 0.0004 > 0 ? Number((qty * price * 0.0004).toFixed(8)) : 0)),
          liquidity: 'taker',
          ts: t++,
        });
      }
      const status = filled === g.lots ? 'filled' : g.end;
      out.orders.push({
        venueOrderId: vid,
        clientOrderId: cid,
        symbol: SYM,
        side: g.side,
        orderType: 'limit',
        qty: g.lots / 1000,
        price: g.px / 10,
        filledQty: filled / 1000,
        avgPx: 0,
        status,
        reduceOnly: false,
        tsLast: t++,
      });
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
    // Stamped, as venues do, with the time the position last changed (its last fill); a flat one too, once it traded.
    positions: truth.fills.length === 0 ? [] : [{ symbol: SYM, qty, entryPrice: p === undefined || qty === 0 ? 0 : toNumber(p.cost) / qty, ts: Math.max(0, ...truth.fills.map((f) => f.ts)) }],
    balance: { currency: 'USDT', total: formatFixed(l.balance), free: formatFixed(l.balance) },
  };
}

/** The number of reconciliation passes after which every delayed report has arrived. */
const MAX_DELAY = 4;

/**
 * Venue reports that duplicate and reorder everything, and deliver each fill and funding payment
 * only from a random call onwards (a delayed report: absent from the first 0..MAX_DELAY calls).
 */
function reportsOf(truth: Truth, rng: () => number, clock: SimClock): VenueReports {
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
    // Each look at the venue takes time: what was booked before it is known to be in its figures.
    positions: async () => {
      clock.advanceTo(clock.now() + 10);
      return books.positions;
    },
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
          kernel.command({
            type: 'SubmitOrder',
            strategyId: strategyId('s'),
            clientOrderId: o.clientOrderId as never,
            symbol: SYM,
            side: o.side,
            orderType: 'limit',
            qty: o.qty,
            price: o.price as number,
            timeInForce: 'gtc',
            postOnly: false,
            reduceOnly: false,
            tsInit: 0,
          });
          kernel.orders.create(
            {
              type: 'SubmitOrder',
              strategyId: strategyId('s'),
              clientOrderId: o.clientOrderId as never,
              symbol: SYM,
              side: o.side,
              orderType: 'limit',
              qty: o.qty,
              price: o.price as number,
              timeInForce: 'gtc',
              postOnly: false,
              reduceOnly: false,
              tsInit: 0,
            },
            3,
          );
        }
        kernel.drain();
        const seenEvents = picks.map((p) => truth.fills[p % Math.max(1, truth.fills.length)]).filter((f): f is FillReport => f !== undefined);
        for (const f of seenEvents) {
          if (kernel.orders.get(f.clientOrderId as never) === undefined) continue;
          kernel.applyVenueEvent({ type: 'OrderAccepted', clientOrderId: f.clientOrderId as never, symbol: SYM, venueOrderId: f.venueOrderId, tsEvent: 1, tsInit: 1 });
          kernel.applyVenueEvent({
            type: 'OrderFilled',
            clientOrderId: f.clientOrderId as never,
            symbol: SYM,
            venueOrderId: f.venueOrderId,
            tradeId: f.tradeId,
            side: f.side,
            lastQty: f.qty,
            lastPx: f.price,
            fee: f.fee,
            liquidity: 'taker',
            tsEvent: f.ts,
            tsInit: f.ts,
          });
        }
        kernel.drain();
        const rec = new Reconciler({
          kernel,
          reports: reportsOf(truth, rng, clock),
          symbols: [SYM],
          scheduler: sched,
          confirmMs: 0,
          policy: { unknownOrder: 'adopt', position: 'adopt', balance: 'adopt', balanceTolerance: 0, inFlightGraceMs: 0 },
        });
        rec.setFillsHorizon(0);
        // Past the longest delay, plus passes for what the late reports change (positions, then the balance).
        for (let i = 0; i < MAX_DELAY + 4; i++) await rec.run('full');
        // Converged: the venue's open orders, fills, position and balance, exactly.
        const books = venueBooks(truth);
        const open = (s: readonly { clientOrderId?: string | undefined; status: string }[]) => new Set(s.map((o) => o.clientOrderId));
        expect(open(kernel.orders.open())).toEqual(open(truth.orders.filter((o) => o.status === 'open')));
        const booked = kernel.orders
          .list()
          .flatMap((o) => o.tradeIds)
          .sort();
        expect(booked).toEqual(truth.fills.map((f) => f.tradeId).sort());
        expect(kernel.portfolio.position(SYM).qty).toBeCloseTo(books.positions[0]?.qty ?? 0, 9);
        expect(formatFixed(kernel.portfolio.ledger.balance)).toBe(books.balance.total);
      }),
      { numRuns: 200 },
    );
  });

  it('pauses instead of adopting when the policy says so (on the second look), and says why', () => {
    const local = { orders: [], positions: { [SYM]: 0.01 }, balance: '10000', fundingIds: new Set<string>(), lot: () => 0.001, now: 0 };
    const view = { openOrders: [], statuses: new Map(), fills: [], positions: [], balance: undefined, funding: [] };
    const policy = { unknownOrder: 'pause', position: 'pause', balance: 'pause', balanceTolerance: 0, inFlightGraceMs: 0 } as const;
    const first = reconcile(local, view, policy);
    expect(first.diffs).toEqual([]); // seen once: a suspect
    expect([...first.suspects.keys()]).toEqual([`position:${SYM}`]);
    const r = reconcile({ ...local, suspects: first.suspects }, view, policy);
    expect(r.diffs).toMatchObject([{ kind: 'position_mismatch', severity: 'critical', resolution: 'pausing', key: `position:${SYM}` }]);
    expect(r.diffs[0]?.adopt).toEqual([{ type: 'adopt-position', symbol: SYM, qty: 0, entryPrice: 0 }]);
    expect(r.actions).toMatchObject([{ type: 'pause', reason: expect.stringMatching(/0.01 here, 0 at the venue/) }]);
  });

  it("compares balances as exact decimals: a gap below a float's resolution is still seen", () => {
    const local = { orders: [], positions: {}, balance: '10000.6556292', fundingIds: new Set<string>(), lot: () => 0.001, now: 0 };
    const venue = { openOrders: [], statuses: new Map(), fills: [], positions: [], balance: { currency: 'USDT', total: '10000.655629200000004444', free: '0' }, funding: [] };
    const policy = { unknownOrder: 'adopt', position: 'adopt', balance: 'adopt', balanceTolerance: 0, inFlightGraceMs: 0 } as const;
    const once = reconcile(local, venue, policy);
    const exact = reconcile({ ...local, suspects: once.suspects }, venue, policy);
    expect(exact.diffs).toMatchObject([{ kind: 'balance_mismatch', message: expect.stringContaining('(+0.000000000000004444)') }]);
    expect(exact.actions).toEqual([{ type: 'adopt-balance', balance: '10000.655629200000004444' }]);
    const tolerant = reconcile(local, venue, { unknownOrder: 'adopt', position: 'adopt', balance: 'adopt', balanceTolerance: 1e-6, inFlightGraceMs: 0 });
    expect(tolerant.diffs).toEqual([]);
  });
});

export { symbol };

describe('reconciliation compares like with like', () => {
  const policy = { unknownOrder: 'adopt', position: 'adopt', balance: 'adopt', balanceTolerance: 0, inFlightGraceMs: 0 } as const;
  const fill = (id: string, side: 'buy' | 'sell', qty: number, ts: number): FillReport => ({
    venueOrderId: venueOrderId('9'),
    clientOrderId: clientOrderId('P-s-1'),
    tradeId: tradeId(id),
    symbol: SYM,
    side,
    qty,
    price: 100_000,
    fee: '0',
    liquidity: 'taker',
    ts,
  });
  const booking = (id: string, qty: number, at: number, ts = at) => ({ symbol: SYM, ts, at, qty, balance: 0n, key: `9/${id}` });
  const base = { orders: [] as Order[], balance: '10000', fundingIds: new Set<string>(), lot: () => 0.001, now: 5000 };
  /** Our order 9, with these fills booked. */
  const ours = (...trades: string[]): Order[] => [{ ...createOrderForTest(), qty: 10, venueOrderId: venueOrderId('9'), filledQty: 0.01, tradeIds: trades.map((t) => tradeId(t)), status: 'filled' }];
  const venue = (qty: number, fills: FillReport[], ts = 4000) => ({
    openOrders: [],
    statuses: new Map(),
    fills,
    positions: [{ symbol: SYM, qty, entryPrice: 100_000, ts }],
    balance: undefined,
    funding: [],
    booksAsOf: { sent: 5000, received: 5200 },
  });

  it('a fill the stream brought after the venue was asked is not a difference: the venue took its figure before it', () => {
    // 0.02 booked long ago, then 0.01 more while the position request was on its way.
    const local = { ...base, orders: ours('a', 'b'), positions: { [SYM]: 0.03 }, bookings: [booking('a', 0.02, 1000), booking('b', 0.01, 5100)] };
    const r = reconcile(local, venue(0.02, [fill('a', 'buy', 0.02, 1000), fill('b', 'buy', 0.01, 5050)], 1000), policy);
    expect(r.diffs).toEqual([]);
    expect(r.suspects.size).toBe(0);
  });

  it('a difference seen once is only a suspect; the same difference seen again is adopted, rolled forward by what was booked since', () => {
    const local = { ...base, orders: ours('a', 'c'), positions: { [SYM]: 0.01 }, bookings: [booking('a', 0.01, 1000)] };
    const v = venue(0.03, [fill('a', 'buy', 0.01, 1000)], 1000);
    const first = reconcile(local, v, policy);
    expect(first.diffs).toEqual([]);
    // Seen again, while another 0.01 was booked after the request (the venue's 0.03 predates it).
    const local2 = { ...local, positions: { [SYM]: 0.02 }, bookings: [...local.bookings, booking('c', 0.01, 5100)], suspects: first.suspects, lastVenue: first.lastVenue ?? new Map() };
    const second = reconcile(local2, v, policy);
    expect(second.diffs).toMatchObject([{ kind: 'position_mismatch', resolution: 'adopted' }]);
    expect(second.actions).toEqual([{ type: 'adopt-position', symbol: SYM, qty: 0.04, entryPrice: 100_000 }]);
  });

  it("a position report the venue's own fills contradict (gone with no trade to close it) is never adopted; the operator decides after repeats", () => {
    const local = { ...base, orders: ours('a'), positions: { [SYM]: 0.5 }, bookings: [booking('a', 0.5, 1000)] };
    const fills = [fill('a', 'buy', 0.5, 1000)];
    // The venue agreed once: 0.5, consistent with its fill.
    const good = reconcile(local, venue(0.5, fills, 1000), policy);
    expect(good.diffs).toEqual([]);
    let state = { suspects: good.suspects, lastVenue: good.lastVenue as NonNullable<typeof good.lastVenue> };
    // Then, under throttling, it reports nothing held, and no trade that closed it.
    const empty = { ...venue(0, fills), positions: [] };
    for (let look = 1; look < 3; look++) {
      const r = reconcile({ ...local, ...state }, empty, policy);
      expect(r.diffs).toEqual([]);
      expect(r.actions).toEqual([]);
      state = { suspects: r.suspects, lastVenue: r.lastVenue ?? state.lastVenue };
    }
    const third = reconcile({ ...local, ...state }, empty, policy);
    expect(third.diffs).toMatchObject([{ kind: 'position_mismatch', severity: 'critical', resolution: 'pausing', message: expect.stringMatching(/own fills say otherwise.*operator decides/) }]);
    expect(third.actions).toMatchObject([{ type: 'pause' }]);
    expect(third.actions.some((a) => a.type === 'adopt-position')).toBe(false);
    // If the position really changed with a trade, the venue agrees with itself and it is adopted as usual.
    const closed = [...fills, { ...fill('z', 'sell', 0.5, 4500), venueOrderId: venueOrderId('10'), clientOrderId: clientOrderId('web-1') }];
    const real = reconcile({ ...local, suspects: new Map(), lastVenue: good.lastVenue as NonNullable<typeof good.lastVenue> }, { ...venue(0, closed, 4500) }, policy);
    expect(real.actions.some((a) => a.type === 'apply-fill' || a.type === 'adopt-order')).toBe(true); // booked as an outside trade, not adopted blind
  });

  it('a status report showing less filled than we booked is late, not a critical diff, when the venue lists every fill we booked', () => {
    const order = { ...createOrderForTest(), venueOrderId: venueOrderId('9'), filledQty: 0.02, tradeIds: [tradeId('a'), tradeId('b')], status: 'partially_filled' as const };
    const status: OrderStatusReport = {
      venueOrderId: venueOrderId('9'),
      clientOrderId: clientOrderId('P-s-1'),
      symbol: SYM,
      side: 'buy',
      orderType: 'limit',
      qty: 0.05,
      price: 100_000,
      filledQty: 0.01,
      avgPx: 100_000,
      status: 'open',
      reduceOnly: false,
      tsLast: 900,
    };
    const local = { ...base, orders: [order], positions: { [SYM]: 0.02 } };
    const listed = reconcile(local, { ...venue(0.02, [fill('a', 'buy', 0.01, 800), fill('b', 'buy', 0.01, 950)], 950), openOrders: [status] }, policy);
    expect(listed.diffs.filter((d) => d.kind === 'fills_excess')).toEqual([]);
    const unlisted = reconcile(local, { ...venue(0.02, [fill('a', 'buy', 0.01, 800)], 950), openOrders: [status] }, policy);
    expect(unlisted.diffs).toMatchObject([{ kind: 'fills_excess', severity: 'critical' }]);

    // Fill b came by the stream and was booked after the fills were asked for (at 960): the venue's
    // list, made before, cannot hold it. Not a diff this time; booked before the ask, it is one.
    const asked = { ...venue(0.02, [fill('a', 'buy', 0.01, 800)], 950), openOrders: [status], fillsSent: 960 };
    const late = reconcile({ ...local, bookings: [booking('a', 0.01, 810, 800), booking('b', 0.01, 970, 955)] }, asked, policy);
    expect(late.diffs.filter((d) => d.kind === 'fills_excess')).toEqual([]);
    expect(late.actions.filter((a) => a.type === 'pause')).toEqual([]);
    const early = reconcile({ ...local, bookings: [booking('a', 0.01, 810, 800), booking('b', 0.01, 958, 955)] }, asked, policy);
    expect(early.diffs).toMatchObject([{ kind: 'fills_excess', severity: 'critical' }]);
  });
});

function createOrderForTest() {
  return {
    ...createOrder(
      {
        type: 'SubmitOrder',
        strategyId: strategyId('s'),
        clientOrderId: clientOrderId('P-s-1'),
        symbol: SYM,
        side: 'buy',
        orderType: 'limit',
        qty: 0.05,
        price: 100_000,
        timeInForce: 'gtc',
        postOnly: false,
        reduceOnly: false,
        tsInit: 0,
      },
      3,
    ),
  };
}

describe('missed fills are booked in the order the venue executed them', () => {
  it('across orders: by time, then trade id (average-cost PnL depends on it)', () => {
    const mk = (order: string, cid: string, trade: string, side: 'buy' | 'sell', ts: number): FillReport => ({
      venueOrderId: venueOrderId(order),
      clientOrderId: clientOrderId(cid),
      tradeId: tradeId(trade),
      symbol: SYM,
      side,
      qty: 0.01,
      price: 100_000,
      fee: '0',
      liquidity: 'taker',
      ts,
    });
    // Our closed order 1 (two fills, the second late), and an outside order 2 in between.
    const ours = { ...createOrderForTest(), venueOrderId: venueOrderId('1'), status: 'filled' as const, filledQty: 0, qty: 0.02 };
    const fills = [mk('1', 'P-s-1', 'b', 'buy', 300), mk('2', 'web-1', 'x', 'sell', 200), mk('1', 'P-s-1', 'a', 'buy', 100)];
    const r = reconcile(
      { orders: [ours], positions: {}, balance: '10000', fundingIds: new Set(), lot: () => 0.001, now: 5000 },
      { openOrders: [], statuses: new Map(), fills, positions: undefined, balance: undefined, funding: [] },
    );
    const booked = r.actions.flatMap((a) => (a.type === 'apply-fill' ? [`${a.fill.tradeId}@${a.fill.ts}`] : []));
    expect(booked).toEqual(['a@100', 'x@200', 'b@300']);
    expect(r.actions.findIndex((a) => a.type === 'adopt-order')).toBeLessThan(r.actions.findIndex((a) => a.type === 'apply-fill'));
  });
});
