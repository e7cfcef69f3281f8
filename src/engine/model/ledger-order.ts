/**
 * The ledger kept in the order the venue executed things, not the order they arrived. Average-cost
 * PnL depends on the order of fills (buy, sell, buy realizes differently from buy, buy, sell), and
 * venues book in execution order; fills reach us out of it (a resting order's fill held until its
 * acknowledgement, a fill fetched by REST after the stream brought a later one, fills booked at a
 * restart). A fill stamped before fills already booked is booked where it happened: the books go
 * back to just before the first later one and everything after is booked again, in venue-time
 * order. Otherwise the entry price, and so the balance once the position closes, drift from the
 * venue's, and reconciliation adopts the venue's balance, then the opposite gap at the next close.
 *
 * Pure and deterministic: the same operations in the same arrival order give the same books, so
 * the kernel and the journal replay (engine-state.ts) use this one implementation. The window of
 * recent operations is bounded (between `capacity` and twice that) and saved with the books, so a restart keeps it.
 * Adopting a position or a balance starts a new window (the venue's figure is the new baseline).
 */
import { applyFill, applyFunding, type Ledger, type LedgerFill } from './ledger.ts';

/** One booking, with the venue's time of it. */
export type LedgerOp = ({ readonly kind: 'fill' } & LedgerFill) | { readonly kind: 'funding'; readonly symbol: string; readonly amount: string };

export interface TimedOp {
  /** Venue time, epoch ms. */
  readonly ts: number;
  readonly op: LedgerOp;
}

/** The window as it is saved: the books before its first operation, and the operations in venue-time order. */
export interface OrderWindow<L = Ledger> {
  readonly base: L;
  readonly ops: readonly TimedOp[];
}

const DEFAULT_CAPACITY = 256;
/**
 * The books before every CHECKPOINT-th operation are kept; the others are rebuilt by booking again
 * from the nearest earlier one when needed (a late fill, a trim), which only repeats the pure
 * bookings that made them, so they come out the same. Keeping every one would hold a whole ledger
 * per operation for as long as it is in the window: what the young-generation collector copies.
 */
const CHECKPOINT = 16;

function apply(l: Ledger, op: LedgerOp): Ledger {
  return op.kind === 'fill' ? applyFill(l, op) : applyFunding(l, op.symbol, op.amount);
}

export class InOrderLedger {
  private current: Ledger;
  private base: Ledger;
  /**
   * Sorted by venue time `ts` (stable: equal times keep their arrival order), time and operation
   * side by side (no object per booking; window() builds them); `before[i]`, when kept, is the
   * books before ops[i] (`before[0]` always is).
   */
  private ts: number[] = [];
  private ops: LedgerOp[] = [];
  private before: (Ledger | undefined)[] = [];

  constructor(
    ledger: Ledger,
    window?: OrderWindow,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {
    this.current = ledger;
    this.base = ledger;
    if (window !== undefined && window.ops.length > 0) {
      this.base = window.base;
      let l = window.base;
      for (const t of window.ops) l = this.push(t.ts, t.op, l);
      this.current = l;
    }
  }

  get ledger(): Ledger {
    return this.current;
  }

  /** Books one operation where its venue time puts it; returns true when later ones were booked again. */
  book(ts: number, op: LedgerOp): boolean {
    const n = this.ops.length;
    let i = n; // the first operation stamped after this one
    while (i > 0 && (this.ts[i - 1] as number) > ts) i--;
    if (i === n) {
      this.current = this.push(ts, op, this.current);
      this.trim();
      return false;
    }
    let l = this.booksBefore(i); // the books just before it
    const tailTs = this.ts.splice(i);
    const tail = this.ops.splice(i);
    this.before.splice(i);
    l = this.push(ts, op, l);
    for (let k = 0; k < tail.length; k++) l = this.push(tailTs[k] as number, tail[k] as LedgerOp, l);
    this.current = l;
    this.trim();
    return true;
  }

  /** A new baseline (an adoption): the window restarts from these books. */
  reset(ledger: Ledger): void {
    this.current = ledger;
    this.base = ledger;
    this.ts = [];
    this.ops = [];
    this.before = [];
  }

  /** What to save, to rebuild the same books and window at a restart. */
  window(): OrderWindow {
    const ops: TimedOp[] = [];
    for (let i = 0; i < this.ops.length; i++) ops.push({ ts: this.ts[i] as number, op: this.ops[i] as LedgerOp });
    return { base: this.base, ops };
  }

  /** Appends `op` at venue time `ts` after books `l` (a checkpoint kept every CHECKPOINT-th place); returns the books after it. */
  private push(ts: number, op: LedgerOp, l: Ledger): Ledger {
    const k = this.ops.length;
    this.ts.push(ts);
    this.ops.push(op);
    this.before.push(k % CHECKPOINT === 0 ? l : undefined);
    return apply(l, op);
  }

  /** The books before ops[i]: the nearest kept ones at or before it, with the operations in between booked again. */
  private booksBefore(i: number): Ledger {
    let j = i;
    while (j > 0 && this.before[j] === undefined) j--;
    let l = this.before[j] ?? this.base;
    for (; j < i; j++) l = apply(l, this.ops[j] as LedgerOp);
    return l;
  }

  /** Drops the oldest half once the window is twice its size (amortized O(1) per booking). */
  private trim(): void {
    if (this.ops.length <= 2 * this.capacity) return;
    const excess = this.ops.length - this.capacity;
    this.base = this.booksBefore(excess);
    this.before[excess] = this.base; // the new first operation's books are always kept
    this.ts.splice(0, excess);
    this.ops.splice(0, excess);
    this.before.splice(0, excess);
  }
}
