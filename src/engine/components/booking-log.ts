/**
 * What the books took in recently, with the venue's time of each: fills (signed size and what they
 * did to the wallet balance) and funding payments. Reconciliation compares the venue's position or
 * balance, taken at one instant, with the books as they were at that instant: the books now, minus
 * what was booked after it (see reconcile-books.ts).
 *
 * Bounded: the newest `capacity` entries; older ones are never needed (a report is compared within
 * seconds of being taken).
 */
import type { Fixed } from '../model/fixed.ts';

export interface Booking {
  readonly symbol: string;
  /** Venue time of the fill or payment, epoch ms. */
  readonly ts: number;
  /** Engine time it was booked here: what was booked after a report was asked for may be missing from it. */
  readonly at: number;
  /** Signed base units (0 for funding). */
  readonly qty: number;
  /** Change to the wallet balance, exact. */
  readonly balance: Fixed;
  /** `venueOrderId/tradeId` of a fill; the payment id of funding (when the venue gives one). */
  readonly key: string;
}

export class BookingLog {
  private readonly buf: (Booking | undefined)[];
  private next = 0;
  private size = 0;

  constructor(private readonly capacity = 4096) {
    this.buf = new Array<Booking | undefined>(capacity);
  }

  add(b: Booking): void {
    this.buf[this.next] = b;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  /** Entries booked at or after engine time `at`, in the order they were booked. */
  since(at: number): Booking[] {
    const out: Booking[] = [];
    for (let i = 0; i < this.size; i++) {
      const b = this.buf[(this.next - this.size + i + this.capacity) % this.capacity] as Booking;
      if (b.at >= at) out.push(b);
    }
    return out;
  }
}
