/**
 * Books in the venue's order: fills arriving out of order (late fills, fills booked at a restart)
 * give the same books as fills booked in the order the venue executed them, including a save and
 * restore of the window in between, as a restart does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyFill, applyFunding, createLedger, fromNumber, InOrderLedger, type Ledger, type LedgerOp, type OrderWindow, type TimedOp } from '../../src/engine/index.ts';

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

  it('property: keeping only some of the books before each operation changes nothing (late fills, trims, restarts), against a window that keeps every one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ f: fillArb, late: fc.integer({ min: 0, max: 40 }), funding: fc.boolean() }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 40 }),
        fc.nat(),
        (steps, capacity, cut) => {
          const start = createLedger('USDT', fromNumber(10_000));
          let books = new InOrderLedger(start, undefined, capacity);
          const ref = new EveryBooksWindow(start, capacity);
          const at = cut % (steps.length + 1);
          steps.forEach((s, k) => {
            const ts = 1000 + k * 10 - s.late * 10;
            const op: LedgerOp = s.funding
              ? { kind: 'funding', symbol: 'BTCUSDT', amount: (s.f.fee / 100 - 0.2).toFixed(2) }
              : { kind: 'fill', symbol: 'BTCUSDT', side: s.f.side, qty: s.f.lots / 100, price: s.f.px, fee: (s.f.fee / 100).toFixed(2) };
            if (k === at) books = new InOrderLedger(books.ledger, books.window(), capacity); // a restart in between
            if (k === at) ref.restart();
            expect(books.book(ts, op)).toBe(ref.book(ts, op));
            expect(books.ledger).toEqual(ref.ledger);
            expect(books.window()).toEqual(ref.window());
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** The window as it was before checkpoints: the books before every operation kept (the reference). */
class EveryBooksWindow {
  private ops: TimedOp[] = [];
  private before: Ledger[] = [];
  private base: Ledger;
  ledger: Ledger;
  constructor(
    start: Ledger,
    private readonly capacity: number,
  ) {
    this.base = start;
    this.ledger = start;
  }
  restart(): void {
    const w: OrderWindow = this.window();
    this.ops = [];
    this.before = [];
    this.base = w.base;
    let l = w.base;
    for (const t of w.ops) {
      this.ops.push(t);
      this.before.push(l);
      l = applyOp(l, t.op);
    }
    this.ledger = l;
  }
  book(ts: number, op: LedgerOp): boolean {
    const n = this.ops.length;
    let i = n;
    while (i > 0 && (this.ops[i - 1] as TimedOp).ts > ts) i--;
    if (i === n) {
      this.ops.push({ ts, op });
      this.before.push(this.ledger);
      this.ledger = applyOp(this.ledger, op);
      this.trim();
      return false;
    }
    let l = this.before[i] as Ledger;
    const tail = this.ops.splice(i);
    this.before.splice(i);
    for (const t of [{ ts, op }, ...tail]) {
      this.ops.push(t);
      this.before.push(l);
      l = applyOp(l, t.op);
    }
    this.ledger = l;
    this.trim();
    return true;
  }
  window(): OrderWindow {
    return { base: this.base, ops: [...this.ops] };
  }
  private trim(): void {
    if (this.ops.length <= 2 * this.capacity) return;
    const excess = this.ops.length - this.capacity;
    this.base = this.before[excess] as Ledger;
    this.ops.splice(0, excess);
    this.before.splice(0, excess);
  }
}

const applyOp = (l: Ledger, op: LedgerOp): Ledger => (op.kind === 'fill' ? applyFill(l, op) : applyFunding(l, op.symbol, op.amount));
