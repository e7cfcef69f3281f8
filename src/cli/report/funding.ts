/**
 * Funding, expected versus charged. At each funding time the venue charged (a `FundingPaid`), the
 * expected payment is rate x position x mark: the position our own books held then (not the
 * venue's word for it), the rate and mark of the funding data point the session received for that
 * time when it received one, else those the venue stated with the payment. Positive = received.
 * A payment that differs from its expectation by more than a cent is a reconciliation diff: the
 * report lists it.
 */
import { expectedPayment, formatFixed, inForce, offByMoreThanCent, parseFixed, toNumber, type Fixed, type FundingComparison, type FundingPaid, type FundingRateUpdate } from '../../engine/index.ts';

export interface FundingLine extends FundingComparison {
  /** Where rate and mark came from: the recorded funding data point, or the venue's payment. */
  readonly source: 'data' | 'venue';
}

export interface FundingCheck {
  readonly expected: Fixed;
  readonly charged: Fixed;
  /** charged - expected. */
  readonly diff: Fixed;
  readonly lines: readonly FundingLine[];
  /** Payments more than a cent from their expectation. */
  readonly mismatches: readonly FundingLine[];
}

export function checkFunding(payments: readonly { readonly paid: FundingPaid; readonly held: Fixed }[], data: readonly FundingRateUpdate[]): FundingCheck {
  // The rate and mark in force for a funding time: the last update for that time received at or before it.
  const byTime = new Map<string, FundingRateUpdate>();
  for (const d of data) {
    const k = `${d.symbol} ${d.tsEvent}`;
    if (inForce(byTime.get(k), d)) byTime.set(k, d);
  }
  const lines: FundingLine[] = payments.map(({ paid, held }) => {
    const d = byTime.get(`${paid.symbol} ${paid.tsEvent}`);
    // A payment booked from the venue's history carries no rate or mark (0): the recorded update's are used.
    const rate = d?.rate ?? paid.rate;
    const mark = d?.markPrice ?? paid.markPrice;
    return {
      symbol: paid.symbol,
      time: paid.tsEvent,
      rate,
      mark,
      position: toNumber(held),
      expected: expectedPayment(held, rate, mark),
      charged: parseFixed(paid.amount),
      source: d?.markPrice === undefined ? 'venue' : 'data',
    };
  });
  const expected = lines.reduce((a, l) => a + l.expected, 0n);
  const charged = lines.reduce((a, l) => a + l.charged, 0n);
  const mismatches = lines.filter(offByMoreThanCent);
  return { expected, charged, diff: charged - expected, lines, mismatches };
}

/** For JSON: a fixed-18 amount as a number (cents are exact in a double at these sizes). */
export const num = (v: Fixed): number => Number(formatFixed(v));
