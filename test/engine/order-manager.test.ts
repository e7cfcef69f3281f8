/**
 * The order manager forgets closed orders only when told, and then only those it may: never an
 * open one, never one whose last event is at or after the time given, never one of the `keep`
 * newest closed; what it keeps is exactly what a manager that forgets nothing holds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderManager } from '../../src/engine/components/order-manager.ts';
import { strategyId, tradeId, venueOrderId, type ClientOrderId, type OrderEvent } from '../../src/engine/index.ts';
import { submit } from '../kit/factories.ts';

type Op = { kind: 'create' } | { kind: 'accept' | 'fill' | 'cancel'; pick: number } | { kind: 'forget'; back: number; keep: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ kind: 'create' }),
  fc.record({ kind: fc.constantFrom('accept' as const, 'fill' as const, 'cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('forget' as const), back: fc.integer({ min: 0, max: 40 }), keep: fc.integer({ min: 0, max: 6 }) }),
);

describe('forgetting closed orders', () => {
  it('forgets only closed orders older than asked, keeps the newest closed and every open one, and changes nothing else', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
        const m = new OrderManager();
        const all = new OrderManager(); // the same orders, never forgetting
        const sid = strategyId('s');
        const ids: ClientOrderId[] = [];
        const closedOrder: ClientOrderId[] = []; // as they closed
        let t = 0;
        const apply = (e: OrderEvent): void => {
          const was = all.isOpen(e.clientOrderId);
          expect(m.apply(e)).toEqual(all.apply(e));
          if (was && !all.isOpen(e.clientOrderId)) closedOrder.push(e.clientOrderId);
        };
        for (const op of ops) {
          t += 1;
          if (op.kind === 'create') {
            const cmd = submit({ strategyId: sid, clientOrderId: m.nextId(sid), tsInit: t });
            all.nextId(sid);
            m.create(cmd, 8);
            all.create(cmd, 8);
            ids.push(cmd.clientOrderId);
            apply({ type: 'OrderSubmitted', clientOrderId: cmd.clientOrderId, symbol: cmd.symbol, tsEvent: t, tsInit: t });
            continue;
          }
          if (op.kind === 'forget') {
            const before = new Map(all.list().map((o) => [o.clientOrderId, m.get(o.clientOrderId) !== undefined]));
            const at = t - op.back;
            const n = m.forgetClosedBefore(at, op.keep);
            const gone = all.list().filter((o) => before.get(o.clientOrderId) === true && m.get(o.clientOrderId) === undefined);
            expect(gone).toHaveLength(n);
            for (const o of gone) {
              expect(all.isOpen(o.clientOrderId)).toBe(false);
              expect(o.tsLast).toBeLessThan(at);
            }
            const newest = closedOrder.slice(Math.max(0, closedOrder.length - op.keep));
            for (const id of newest) if (before.get(id) === true) expect(m.get(id)).toBeDefined();
            continue;
          }
          const id = ids.length === 0 ? undefined : ids[op.pick % ids.length];
          if (id === undefined) continue;
          const sym = all.get(id)?.symbol as NonNullable<ReturnType<OrderManager['get']>>['symbol'];
          if (m.get(id) === undefined) {
            // Forgotten: only a closed order could be, and an event for it is unknown here.
            expect(all.isOpen(id)).toBe(false);
            continue;
          }
          if (op.kind === 'accept') apply({ type: 'OrderAccepted', clientOrderId: id, symbol: sym, venueOrderId: venueOrderId(`v${id}`), tsEvent: t, tsInit: t });
          else if (op.kind === 'cancel') apply({ type: 'OrderCanceled', clientOrderId: id, symbol: sym, tsEvent: t, tsInit: t });
          else {
            const o = all.get(id);
            apply({
              type: 'OrderFilled',
              clientOrderId: id,
              symbol: sym,
              venueOrderId: venueOrderId(`v${id}`),
              tradeId: tradeId(`${id}-${t}`),
              side: o?.side ?? 'buy',
              lastQty: o?.qty ?? 1,
              lastPx: 100,
              fee: '0',
              liquidity: 'taker',
              tsEvent: t,
              tsInit: t,
            });
          }
        }
        // Every open order is kept, and whatever is kept is the same record.
        expect(m.open().map((o) => o.clientOrderId)).toEqual(all.open().map((o) => o.clientOrderId));
        for (const o of m.list()) expect(o).toEqual(all.get(o.clientOrderId));
        expect(m.lastEventAt).toBe(Math.max(-Infinity, ...all.list().map((o) => o.tsLast)));
        expect(m.sequences()).toEqual(all.sequences());
      }),
      { numRuns: 300 },
    );
  });
});
