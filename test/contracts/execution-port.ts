/**
 * The execution port contract: one suite, run against every implementation (the simulated venue,
 * and the ccxt adapter on the local exchange). Each implementation provides a harness that can
 * move its market forward and collect what the venue reports.
 */
import { describe, expect, it } from 'vitest';
import { clientOrderId, strategyId, type ClientOrderId, type ExecutionPort, type Instrument, type SubmitOrder, type VenueEvent, type VenueReports } from '../../src/engine/index.ts';

export interface ContractHarness {
  readonly venue: ExecutionPort & VenueReports;
  readonly instrument: Instrument;
  /** Every event the venue reported, in order. */
  readonly events: VenueEvent[];
  /** A price the market trades at now. */
  price(): number;
  /** Lets the market move on (new bars / virtual time) so orders in flight reach the venue and match. */
  step(): Promise<void>;
  close(): Promise<void>;
}

export type HarnessFactory = () => Promise<ContractHarness>;

let seq = 0;

/** A size worth about `notional` in the quote currency, on the lot grid, at least the minimum. */
function sizeFor(h: ContractHarness, notional: number): number {
  const { lotSize, minQty, qtyDecimals } = h.instrument;
  const lots = Math.ceil(notional / h.price() / lotSize);
  return Math.max(minQty, Number((lots * lotSize).toFixed(qtyDecimals)));
}

function order(h: ContractHarness, over: Partial<SubmitOrder>): SubmitOrder {
  return {
    type: 'SubmitOrder',
    strategyId: strategyId('contract'),
    clientOrderId: clientOrderId(`P-contract-${Date.now() % 1e6}-${++seq}`),
    symbol: h.instrument.symbol,
    side: 'buy',
    orderType: 'market',
    qty: sizeFor(h, Math.max(50, h.instrument.minNotional * 4)),
    timeInForce: 'ioc',
    postOnly: false,
    reduceOnly: false,
    tsInit: 0,
    ...over,
  };
}

async function until(h: ContractHarness, what: string, ok: () => boolean, steps = 40): Promise<void> {
  for (let i = 0; i < steps && !ok(); i++) await h.step();
  if (!ok()) throw new Error(`timed out waiting for: ${what}; events: ${h.events.map((e) => e.type).join(', ')}`);
}

const of = (h: ContractHarness, id: ClientOrderId, type: VenueEvent['type']): VenueEvent[] => h.events.filter((e) => e.type === type && 'clientOrderId' in e && e.clientOrderId === id);

const tick = (h: ContractHarness, x: number, side: 'buy' | 'sell'): number => {
  const t = h.instrument.tickSize;
  const n = side === 'buy' ? Math.floor(x / t) : Math.ceil(x / t);
  return Number((n * t).toFixed(h.instrument.priceDecimals));
};

export function executionPortContract(name: string, make: HarnessFactory): void {
  describe(`execution port contract: ${name}`, () => {
    it('fills a market order, reporting trade ids, fees, the position and the balance', async () => {
      const h = await make();
      try {
        const before = (await h.venue.balances())[0];
        const o = order(h, {});
        h.venue.submit(o);
        await until(
          h,
          'the fill',
          () => of(h, o.clientOrderId, 'OrderFilled').length > 0 && (of(h, o.clientOrderId, 'OrderFilled') as { lastQty: number }[]).reduce((s, f) => s + f.lastQty, 0) >= o.qty - 1e-12,
        );
        const fills = of(h, o.clientOrderId, 'OrderFilled') as Extract<VenueEvent, { type: 'OrderFilled' }>[];
        expect(of(h, o.clientOrderId, 'OrderAccepted').length).toBeGreaterThan(0);
        expect(new Set(fills.map((f) => f.tradeId)).size).toBe(fills.length);
        for (const f of fills) {
          expect(f.side).toBe('buy');
          expect(Number(f.fee)).toBeGreaterThanOrEqual(0);
          expect(Math.abs(f.lastPx - h.price()) / h.price()).toBeLessThan(0.05);
        }
        await until(h, 'the position report', () => true);
        const pos = (await h.venue.positions()).find((p) => p.symbol === h.instrument.symbol);
        expect(pos?.qty).toBeCloseTo(o.qty, 9);
        const after = (await h.venue.balances())[0];
        expect(Number(after?.total)).toBeLessThan(Number(before?.total) + 1e-9); // fees were paid
        const reported = await h.venue.fills(h.instrument.symbol, 0);
        expect(
          reported
            .filter((f) => f.clientOrderId === o.clientOrderId)
            .map((f) => f.tradeId)
            .sort(),
        ).toEqual(fills.map((f) => f.tradeId).sort());
      } finally {
        await h.close();
      }
    });

    it('rests a limit order away from the market, lists it, modifies it, cancels it', async () => {
      const h = await make();
      try {
        const px = tick(h, h.price() * 0.97, 'buy');
        const o = order(h, { orderType: 'limit', price: px, timeInForce: 'gtc' });
        h.venue.submit(o);
        await until(h, 'the ack', () => of(h, o.clientOrderId, 'OrderAccepted').length > 0);
        const open = await h.venue.openOrders(h.instrument.symbol);
        expect(open.find((x) => x.clientOrderId === o.clientOrderId)).toMatchObject({ side: 'buy', price: px, status: 'open' });
        expect((await h.venue.order(h.instrument.symbol, o.clientOrderId))?.status).toBe('open');
        const px2 = tick(h, h.price() * 0.95, 'buy');
        h.venue.modify({ type: 'ModifyOrder', strategyId: o.strategyId, clientOrderId: o.clientOrderId, symbol: o.symbol, price: px2, qty: o.qty, tsInit: 0 });
        await until(h, 'the update', () => of(h, o.clientOrderId, 'OrderUpdated').length > 0);
        expect((of(h, o.clientOrderId, 'OrderUpdated')[0] as { price?: number }).price).toBe(px2);
        h.venue.cancel({ type: 'CancelOrder', strategyId: o.strategyId, clientOrderId: o.clientOrderId, symbol: o.symbol, tsInit: 0 });
        await until(h, 'the cancel', () => of(h, o.clientOrderId, 'OrderCanceled').length > 0);
        expect((await h.venue.openOrders(h.instrument.symbol)).find((x) => x.clientOrderId === o.clientOrderId)).toBeUndefined();
        expect(of(h, o.clientOrderId, 'OrderFilled')).toEqual([]);
      } finally {
        await h.close();
      }
    });

    it('rejects an order below the minimum notional, and a cancel of an unknown order', async () => {
      const h = await make();
      try {
        const px = tick(h, h.price() * 0.99, 'buy');
        expect(h.instrument.minQty * px).toBeLessThan(h.instrument.minNotional); // the harness must allow this case
        const tiny = order(h, { qty: h.instrument.minQty, orderType: 'limit', price: px, timeInForce: 'gtc' });
        h.venue.submit(tiny);
        const ghost = clientOrderId(`P-contract-ghost-${++seq}`);
        h.venue.cancel({ type: 'CancelOrder', strategyId: tiny.strategyId, clientOrderId: ghost, symbol: tiny.symbol, tsInit: 0 });
        await until(h, 'the reject', () => of(h, tiny.clientOrderId, 'OrderRejected').length > 0);
        expect((of(h, tiny.clientOrderId, 'OrderRejected')[0] as { reason: string }).reason).toMatch(/notional/i);
        expect(await h.venue.order(h.instrument.symbol, ghost)).toBeUndefined();
      } finally {
        await h.close();
      }
    });

    it('never creates two orders for one client order id', async () => {
      const h = await make();
      try {
        const o = order(h, { orderType: 'limit', price: tick(h, h.price() * 0.97, 'buy'), timeInForce: 'gtc' });
        h.venue.submit(o);
        h.venue.submit(o);
        await until(
          h,
          'both answers',
          () => of(h, o.clientOrderId, 'OrderAccepted').length + of(h, o.clientOrderId, 'OrderRejected').length >= 2 || of(h, o.clientOrderId, 'OrderAccepted').length >= 1,
          10,
        );
        for (let i = 0; i < 3; i++) await h.step();
        const open = (await h.venue.openOrders(h.instrument.symbol)).filter((x) => x.clientOrderId === o.clientOrderId);
        expect(open).toHaveLength(1);
        // However the venue answers the second attempt, it names one venue order.
        const venueIds = new Set(of(h, o.clientOrderId, 'OrderAccepted').map((e) => (e as { venueOrderId: string }).venueOrderId));
        expect(venueIds.size).toBe(1);
      } finally {
        await h.close();
      }
    });

    it('cancels all open orders of a symbol', async () => {
      const h = await make();
      try {
        const a = order(h, { orderType: 'limit', price: tick(h, h.price() * 0.97, 'buy'), timeInForce: 'gtc' });
        const b = order(h, { orderType: 'limit', price: tick(h, h.price() * 0.95, 'buy'), timeInForce: 'gtc' });
        h.venue.submit(a);
        h.venue.submit(b);
        await until(h, 'the acks', () => of(h, a.clientOrderId, 'OrderAccepted').length > 0 && of(h, b.clientOrderId, 'OrderAccepted').length > 0);
        h.venue.cancelAll({ type: 'CancelAllOrders', symbol: h.instrument.symbol, tsInit: 0 });
        await until(h, 'the cancels', () => of(h, a.clientOrderId, 'OrderCanceled').length > 0 && of(h, b.clientOrderId, 'OrderCanceled').length > 0);
        expect(await h.venue.openOrders(h.instrument.symbol)).toEqual([]);
      } finally {
        await h.close();
      }
    });
  });
}
