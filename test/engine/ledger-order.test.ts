/**
 * Books in the venue's order: fills arriving out of order (late fills, fills booked at a restart)
 * give the same books as fills booked in the order the venue executed them, including a save and
 * restore of the window in between, as a restart does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyFill, createLedger, fromNumber, InOrderLedger, type Ledger, type LedgerOp } from '../../src/engine/index.ts';

const fillArb = fc.record({
  side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
  lots: fc.integer({ min: 1, max: 9 }),
  px: fc.integer({ min: 9_000, max: 11_000 }),
  fee: fc.integer({ min: 0, max: 50 }),
});

const inTimeOrder = (ops: { ts: number; op: LedgerOp }[]): Ledger =>
  [...ops].sort((a, b) => a.ts - b.ts).reduce((l, o) => (o.op.kind === 'fill' ? applyFill(l, o.op) : l), createLedger('USDT', fromNumber(10_000)));

describe("books in the venue's order", () => {
  it('property: any arrival order gives the books of the execution order, across a save and restore', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 40 }), fc.nat(), (fills, swaps, cut) => {
        const ops = fills.map((f, i) => ({ ts: 1000 + i * 10, op: { kind: 'fill' as const, symbol: 'BTCUSDT', side: f.side, qty: f.lots / 100, price: f.px, fee: (f.fee / 100).toFixed(2) } }));
        // Arrival: execution order disturbed by random swaps (late fills).
        const arrival = [...ops];
        for (const s of swaps) {
          const i = s % arrival.length;
          const j = Math.min(arrival.length - 1, i + 1 + (s % 3));
          [arrival[i], arrival[j]] = [arrival[j] as (typeof ops)[number], arrival[i] as (typeof ops)[number]];
        }
        let books = new InOrderLedger(createLedger('USDT', fromNumber(10_000)));
        const at = cut % (arrival.length + 1);
        arrival.forEach((o, k) => {
          if (k === at) books = new InOrderLedger(books.ledger, books.window()); // a restart in between
          books.book(o.ts, o.op);
        });
        expect(books.ledger).toEqual(inTimeOrder(ops));
      }),
      { numRuns: 1000 },
    );
  });

  it('a late sell between two buys realizes as the venue did (buy, sell, buy), not as buy, buy, sell', () => {
    const op = (side: 'buy' | 'sell', price: number): LedgerOp => ({ kind: 'fill', symbol: 'X', side, qty: 1, price, fee: '0' });
    const books = new InOrderLedger(createLedger('USDT', fromNumber(0)));
    books.book(1, op('buy', 100));
    books.book(3, op('buy', 120));
    expect(books.book(2, op('sell', 110))).toBe(true);
    expect(books.ledger.realized).toBe(fromNumber(10)); // in arrival order it would be 0 (sold at the 110 average)
    expect(books.ledger.positions['X']?.cost).toBe(fromNumber(120));
  });
});
