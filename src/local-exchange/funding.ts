/**
 * Funding schedule of one market: the real settlement rows of its funding file, shifted by the
 * market's time shift. `rate` in force is the rate of the next settlement (what Binance shows as
 * `lastFundingRate` / `r` until it settles). Without a funding file (or after the last row) the
 * rate is 0 or the last rate, the next funding time is the next 8-hour boundary, and nothing
 * settles: no rate is ever invented. The mark each settlement was paid at is kept (Binance's funding
 * history states it); rows skipped as history at the start have none.
 */
import { parseFixed, type Fixed } from './decimal.ts';

export interface FundingRow {
  /** Virtual settlement time. */
  readonly time: number;
  readonly rate: Fixed;
}

const EIGHT_HOURS = 8 * 3_600_000;

export class FundingSchedule {
  private next = 0;
  /** The mark each settled row was paid at, by settlement time. */
  private readonly marks = new Map<number, Fixed>();

  constructor(readonly rows: readonly FundingRow[]) {}

  static fromRates(rows: readonly { tsEvent: number; rate: number }[], shift: number): FundingSchedule {
    return new FundingSchedule(rows.map((r) => ({ time: r.tsEvent + shift, rate: parseFixed(String(r.rate)) })));
  }

  /** Skips rows at or before `t` without settling them (they are history at the start). */
  skipThrough(t: number): void {
    while (this.next < this.rows.length && (this.rows[this.next] as FundingRow).time <= t) this.next++;
  }

  /** Time of the next settlement to perform, if any. */
  nextSettlement(): number | undefined {
    return this.rows[this.next]?.time;
  }

  /** Takes the next settlement row, paid at `mark` (the caller pays it). */
  settle(mark: Fixed): FundingRow | undefined {
    const r = this.rows[this.next];
    if (r !== undefined) {
      this.next++;
      this.marks.set(r.time, mark);
    }
    return r;
  }

  /** The rate in force at `now`. */
  rate(): Fixed {
    return this.rows[this.next]?.rate ?? this.rows[this.rows.length - 1]?.rate ?? 0n;
  }

  /** Next funding time as shown to clients. */
  nextFundingTime(now: number): number {
    return this.rows[this.next]?.time ?? (Math.floor(now / EIGHT_HOURS) + 1) * EIGHT_HOURS;
  }

  /** Settled rows (time <= now), with the mark paid at when this exchange settled them, for GET /fapi/v1/fundingRate. */
  history(now: number): (FundingRow & { readonly mark?: Fixed })[] {
    return this.rows.filter((r) => r.time <= now).map((r) => (this.marks.has(r.time) ? { ...r, mark: this.marks.get(r.time) as Fixed } : r));
  }
}
