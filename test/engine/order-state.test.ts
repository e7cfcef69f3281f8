import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyOrderEvent,
  clientOrderId,
  createOrder,
  isOpen,
  symbol,
  tradeId,
  transition,
  TRANSITIONS,
  venueOrderId,
  type Order,
  type OrderEvent,
  type OrderEventKind,
  type OrderStatus,
} from '../../src/engine/index.ts';
import { submit } from '../kit/factories.ts';

const ALL_KINDS = Object.keys({
  Denied: 0,
  Submitted: 0,
  Accepted: 0,
  Rejected: 0,
  PendingCancel: 0,
  PendingUpdate: 0,
  CancelRejected: 0,
  ModifyRejected: 0,
  ModifyDenied: 0,
  Updated: 0,
  Canceled: 0,
  Expired: 0,
  PartiallyFilled: 0,
  Filled: 0,
}) as OrderEventKind[];

/** Statuses reachable from 'initialized' by walking the table. */
function reachable(): Set<OrderStatus> {
  const seen = new Set<OrderStatus>(['initialized']);
  const stack: OrderStatus[] = ['initialized'];
  while (stack.length > 0) {
    const s = stack.pop() as OrderStatus;
    for (const k of ALL_KINDS) {
      for (const hasFills of [false, true]) {
        const r = transition(s, k, hasFills);
        if (r.ok && !seen.has(r.status)) {
          seen.add(r.status);
          stack.push(r.status);
        }
      }
    }
  }
  return seen;
}

const id = clientOrderId('P-s-1');
const sym = symbol('BTCUSDT');

/** An arbitrary order event for the test order; fills use a small pool of trade ids so duplicates happen. */
const eventArb: fc.Arbitrary<OrderEvent> = fc.oneof(
  fc
    .constantFrom<OrderEvent['type']>(
      'OrderDenied',
      'OrderSubmitted',
      'OrderAccepted',
      'OrderRejected',
      'OrderPendingCancel',
      'OrderPendingUpdate',
      'OrderCancelRejected',
      'OrderModifyRejected',
      'OrderModifyDenied',
      'OrderCanceled',
      'OrderExpired',
    )
    .map((type): OrderEvent => {
      const base = { clientOrderId: id, symbol: sym, tsEvent: 1, tsInit: 1 };
      switch (type) {
        case 'OrderAccepted':
          return { ...base, type, venueOrderId: venueOrderId('v1') };
        case 'OrderDenied':
        case 'OrderRejected':
        case 'OrderCancelRejected':
        case 'OrderModifyRejected':
        case 'OrderModifyDenied':
          return { ...base, type, reason: 'r' };
        default:
          return { ...base, type } as OrderEvent;
      }
    }),
  fc.record({ q: fc.integer({ min: 1, max: 6 }), t: fc.integer({ min: 1, max: 8 }) }).map(({ q, t }): OrderEvent => ({
    type: 'OrderFilled',
    clientOrderId: id,
    symbol: sym,
    venueOrderId: venueOrderId('v1'),
    tradeId: tradeId(`t${t}`),
    side: 'buy',
    lastQty: q / 10,
    lastPx: 100,
    fee: '0.01',
    liquidity: 'maker',
    tsEvent: 2,
    tsInit: 2,
  })),
  fc.integer({ min: 1, max: 20 }).map((q): OrderEvent => ({ type: 'OrderUpdated', clientOrderId: id, symbol: sym, qty: q / 10, price: 101, tsEvent: 3, tsInit: 3 })),
);

describe('order state machine', () => {
  it('every status in the table is reachable, and nothing else', () => {
    expect([...reachable()].sort()).toEqual(Object.keys(TRANSITIONS).sort());
  });

  it('terminal statuses accept nothing but late acks, late rejections and late fills', () => {
    for (const s of ['denied', 'rejected'] as const) expect(Object.keys(TRANSITIONS[s])).toEqual([]);
    expect(Object.values(TRANSITIONS.filled)).toEqual(['filled', 'filled', 'filled', 'filled']);
    expect(transition('canceled', 'Filled', true)).toEqual({ ok: true, status: 'filled' });
    expect(transition('filled', 'Canceled', true).ok).toBe(false);
  });

  it('a pending cancel that is rejected returns to what the fills imply', () => {
    expect(transition('pending_cancel', 'CancelRejected', false)).toEqual({ ok: true, status: 'accepted' });
    expect(transition('pending_cancel', 'CancelRejected', true)).toEqual({ ok: true, status: 'partially_filled' });
  });

  it('under random event sequences the order stays consistent', () => {
    const allowed = reachable();
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), (events) => {
        let o: Order = createOrder(submit({ clientOrderId: id, qty: 1 }), 1);
        const applied = new Set<string>();
        let filled = 0;
        for (const e of events) {
          const before = o;
          const out = applyOrderEvent(o, e);
          if (out.kind === 'applied') {
            // The move is one the table allows.
            const kind = e.type === 'OrderFilled' ? (out.order.filledQty >= out.order.qty ? 'Filled' : 'PartiallyFilled') : (e.type.slice(5) as OrderEventKind);
            expect(TRANSITIONS[before.status][kind]).toBeDefined();
            o = out.order;
            if (e.type === 'OrderFilled') {
              expect(applied.has(e.tradeId)).toBe(false);
              applied.add(e.tradeId);
              filled = Math.round((filled + e.lastQty) * 10) / 10;
            }
          } else {
            if (out.kind === 'duplicate') expect(e.type === 'OrderFilled' && applied.has(e.tradeId)).toBe(true);
            expect(o).toBe(before); // a refused event changes nothing
          }
          expect(allowed.has(o.status)).toBe(true);
          expect(o.filledQty).toBe(filled);
          expect(o.tradeIds.length).toBe(applied.size);
          if (o.status === 'filled') expect(o.filledQty).toBeGreaterThanOrEqual(o.qty);
          if (o.status === 'partially_filled') expect(o.filledQty).toBeLessThan(o.qty);
          if (o.status === 'denied' || o.status === 'rejected') expect(o.filledQty).toBe(0);
          expect(isOpen(o.status)).toBe(!['filled', 'canceled', 'expired', 'denied', 'rejected'].includes(o.status));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
