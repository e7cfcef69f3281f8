/**
 * Funding, expected versus charged, as it happens: each funding payment the venue books is compared
 * with -rate x position x mark, the position being what our books held at the funding time (the
 * fills booked since are taken back out), and the rate and mark those of the funding update the
 * engine received for that time (else those the venue stated with the payment). A payment more
 * than a cent off is a reconciliation diff (the kernel records it; the payment is booked as the
 * venue charged it: the venue is the truth). `parity report` makes the same comparison after the
 * fact over the recording (src/cli/report/funding.ts), with the same `expectedPayment`.
 */
import { fromNumber, parseFixed, product, toNumber, type Fixed } from '../model/fixed.ts';
import type { FundingPaid, OrderFilled, ReconciliationDiff } from '../model/events.ts';
import type { Symbol } from '../model/ids.ts';
import type { FundingRateUpdate } from '../model/market-data.ts';

/** The payment expected on `position` (exact, signed) at `rate` and `mark`: -rate x position x mark, as the venues settle it. */
export function expectedPayment(position: Fixed, rate: number, mark: number): Fixed {
  return -product(toNumber(position), mark, rate);
}

const CENT = 10n ** 16n;

/** How long fills and funding updates are kept to look back on: a payment is booked within a day of its time. */
const KEEP_MS = 86_400_000;

/** One payment against its expectation (here and in `parity report`). */
export interface FundingComparison {
  readonly symbol: string;
  readonly time: number;
  readonly rate: number;
  readonly mark: number;
  /** Signed position our books held at the funding time, base units. */
  readonly position: number;
  readonly expected: Fixed;
  readonly charged: Fixed;
}

/** A payment more than a cent from its expectation: a reconciliation diff. */
export function offByMoreThanCent(c: Pick<FundingComparison, 'charged' | 'expected'>): boolean {
  const off = c.charged - c.expected;
  return off > CENT || -off > CENT;
}

/** Whether update `d` is the one in force for its funding time over `had`: the last received at or before that time. */
export function inForce(had: FundingRateUpdate | undefined, d: FundingRateUpdate): boolean {
  return had === undefined || d.tsInit <= d.tsEvent || had.tsInit > had.tsEvent;
}

interface FillWindow {
  readonly ts: number[];
  readonly qty: number[];
  /** Entries before it are out of the window. */
  head: number;
}

export class FundingCheck {
  private readonly rates = new Map<string, FundingRateUpdate>();
  /** Per symbol, the fills of the last day: venue times and signed sizes, from `head` on (numbers in arrays, no object per fill). */
  private readonly fills = new Map<string, FillWindow>();
  /** Payments booked before the update for their time came in (a reconciliation can book one first): checked when it does. */
  private readonly waiting = new Map<string, { readonly paid: FundingPaid; readonly held: Fixed }>();

  /** A funding update: the last one received at or before its funding time is the one in force. A payment waiting for it is checked now. */
  onRate(d: FundingRateUpdate): FundingComparison | undefined {
    const k = `${d.symbol} ${d.tsEvent}`;
    if (inForce(this.rates.get(k), d)) this.rates.set(k, d);
    if (this.rates.size > 256) this.rates.delete(this.rates.keys().next().value as string);
    const w = this.waiting.get(k);
    if (w === undefined || d.markPrice === undefined) return undefined;
    this.waiting.delete(k);
    return compare(w.paid, w.held, d.rate, d.markPrice);
  }

  onFill(f: OrderFilled): void {
    let w = this.fills.get(f.symbol);
    if (w === undefined) this.fills.set(f.symbol, (w = { ts: [], qty: [], head: 0 }));
    w.ts.push(f.tsEvent);
    w.qty.push(f.side === 'buy' ? f.lastQty : -f.lastQty);
    const ts = w.ts;
    let head = w.head;
    while ((ts[head] as number) < f.tsEvent - KEEP_MS) head++; // never empties: the fill just pushed is inside the window
    if (head >= 1024 && 2 * head >= ts.length) {
      // Drop the ones out of the window in one batch (amortized O(1) per fill, no copy per fill).
      ts.splice(0, head);
      w.qty.splice(0, head);
      head = 0;
    }
    w.head = head;
  }

  /**
   * The payment `paid`, with `positionNow` held now: a mismatch, or undefined (it matches, or there
   * is nothing to compare it with yet: it then waits for its funding update, see onRate).
   */
  check(paid: FundingPaid, positionNow: number): FundingComparison | undefined {
    const k = `${paid.symbol} ${paid.tsEvent}`;
    const d = this.rates.get(k);
    let since = 0;
    const w = this.fills.get(paid.symbol);
    if (w !== undefined) for (let i = w.head; i < w.ts.length; i++) if ((w.ts[i] as number) > paid.tsEvent) since += w.qty[i] as number;
    const held = fromNumber(positionNow) - fromNumber(since);
    const rate = d?.rate ?? paid.rate;
    const mark = d?.markPrice ?? paid.markPrice;
    // A payment booked from the venue's income history states neither rate nor mark (0).
    if (d?.markPrice === undefined && !(paid.markPrice > 0)) {
      this.waiting.set(k, { paid, held });
      if (this.waiting.size > 64) this.waiting.delete(this.waiting.keys().next().value as string);
      return undefined;
    }
    return compare(paid, held, rate, mark);
  }
}

function compare(paid: FundingPaid, held: Fixed, rate: number, mark: number): FundingComparison | undefined {
  if (!Number.isFinite(rate) || !(mark > 0)) return undefined;
  const c = { symbol: paid.symbol, time: paid.tsEvent, rate, mark, position: toNumber(held), expected: expectedPayment(held, rate, mark), charged: parseFixed(paid.amount) };
  return offByMoreThanCent(c) ? c : undefined;
}

const f4 = (v: Fixed): string => toNumber(v).toFixed(4);

/** The reconciliation diff a mismatch is (severity warn: the payment is booked as charged; nothing is paused). */
export function fundingDiff(m: FundingComparison): Omit<ReconciliationDiff, 'type' | 'tsInit'> {
  return {
    kind: 'funding_mismatch',
    key: `funding:${m.symbol}@${m.time}`,
    severity: 'warn',
    symbol: m.symbol as Symbol,
    message: `funding for ${m.symbol} at ${new Date(m.time).toISOString()}: the venue charged ${f4(m.charged)}, rate ${m.rate} x position ${m.position} x mark ${m.mark} says ${f4(m.expected)} (off by ${f4(m.charged - m.expected)})`,
    resolution: "booked as the venue charged it (the venue is the truth); check the venue's funding history and the mark it used",
  };
}
