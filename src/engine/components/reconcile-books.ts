/**
 * Positions and the wallet balance against the venue's, compared like with like. The venue's
 * figures are taken at one instant after they were asked for (`sent`), while fills keep being
 * booked here. Everything booked before `sent` happened before that instant and is in them;
 * what was booked since may or may not be (the venue executes before its stream tells us). So the
 * books are compared as they were at the instant: the books now minus what was booked since
 * `sent` that the venue stamped after the report's own time of last change; where it gives no
 * such time (a balance), every cut of what was booked since, in booking order, is tried, and if
 * one agrees, nothing differs. Booking times are engine times, so this holds however far the
 * venue's clock is from ours.
 *
 * A difference that survives is a suspect, not yet a diff: it must be seen again, the same, at the
 * next observation before anything is adopted (a report that was merely late agrees by then).
 * A position report is also checked against the venue itself: it must equal the venue's last
 * consistent report plus the fills the venue reported since. One that does not (a position gone
 * with no trade to close it, as a throttled or stale answer gives), or that is older than fills
 * the venue reported and we booked before asking, is never adopted: after repeated disagreement
 * the operator decides. Adopting rolls the venue's figure forward by what was booked after its
 * instant, so fills booked meanwhile are not lost.
 *
 * Pure: (books, venue figures, previous suspects, operator decisions) -> (diffs, actions, suspects).
 */
import type { Booking } from './booking-log.ts';
import { abs, formatFixed, fromNumber, parseFixed, type Fixed } from '../model/fixed.ts';
import type { Symbol } from '../model/ids.ts';
import type { BalanceReport, FillReport, PositionReport } from '../model/reports.ts';
import type { Diff, ReconAction, ReconPolicy } from './reconcile-diffs.ts';

/** Venue clock uncertainty allowed when venue times are compared with each other, ms. */
export const CLOCK_SKEW_MS = 1000;
/** A report contradicted by the venue's own fills this many times in a row goes to the operator. */
export const CONTRADICTED_LIMIT = 3;

/** A difference seen once: its size, and how many observations in a row were contradicted by the venue's fills. */
export interface Suspect {
  readonly diff: string;
  readonly contradicted: number;
}

/** The venue's last position report that agreed with itself: its size, its time, and the fills it was reported with. */
export interface VenuePosition {
  readonly qty: number;
  /** Venue time the position last changed. */
  readonly ts: number;
  readonly trades: ReadonlySet<string>;
}

export interface BooksLocal {
  /** Signed size per symbol, now. */
  readonly positions: Readonly<Record<string, number>>;
  /** Wallet balance now, exact decimal. */
  readonly balance: string;
  /** Fills and payments booked recently, with venue times. */
  readonly bookings: readonly Booking[];
  readonly lot: (symbol: string) => number;
  /** Differences seen at the previous observation (by key: `position:<symbol>`, `balance`). */
  readonly suspects: ReadonlyMap<string, Suspect>;
  /** The operator chose to take the venue's figure for these keys: no confirmation needed. */
  readonly decisions: ReadonlySet<string>;
  /** Per symbol, the venue's last self-consistent position report (empty at the first look). */
  readonly lastVenue: ReadonlyMap<string, VenuePosition>;
}

export interface BooksVenue {
  readonly positions: readonly PositionReport[] | undefined;
  readonly balance: BalanceReport | undefined;
  /** When positions and balance were asked for, and when the last answer came (engine clock, ms). */
  readonly asOf: { readonly sent: number; readonly received: number };
  /** The venue's fills in the window asked (all of them booked by now, or reconcile would not get here). */
  readonly fills: readonly FillReport[];
}

export interface BooksResult {
  readonly diffs: Diff[];
  readonly actions: ReconAction[];
  readonly suspects: Map<string, Suspect>;
  /** `lastVenue` after this look (positions were looked at), for the next. */
  readonly lastVenue: Map<string, VenuePosition>;
}

/**
 * The books' value at the venue's instant that is closest to the venue's figure: `now` minus what
 * was booked since the request, plus its first k entries, for every k (in booking order).
 */
function asOfBest(now: bigint, since: readonly bigint[], venue: bigint): bigint {
  let v = now;
  for (const d of since) v -= d;
  let best = v;
  for (const d of since) {
    v += d;
    if (abs(venue - v) < abs(venue - best)) best = v;
  }
  return best;
}

const key = (symbol: string): string => `position:${symbol}`;

export function reconcileBooks(local: BooksLocal, venue: BooksVenue, policy: ReconPolicy): BooksResult {
  const diffs: Diff[] = [];
  const actions: ReconAction[] = [];
  const suspects = new Map<string, Suspect>();
  const { sent } = venue.asOf;
  const window = local.bookings.filter((b) => b.at > sent);
  const bookedBefore = new Map(local.bookings.filter((b) => b.at <= sent).map((b) => [b.key, b]));
  const lastVenue = new Map(local.lastVenue);

  if (venue.positions !== undefined) {
    const reports = venue.positions;
    const symbols = new Set([...Object.keys(local.positions), ...reports.map((p) => p.symbol)]);
    for (const sym of symbols) {
      const k = key(sym);
      const lot = local.lot(sym);
      const rep = reports.find((p) => p.symbol === sym);
      const theirs = fromNumber(rep?.qty ?? 0);
      // The venue against itself: its last consistent report plus the fills it reported since.
      const fills = venue.fills.filter((f) => f.symbol === sym);
      const last = local.lastVenue.get(sym);
      let expected = fromNumber(last?.qty ?? 0);
      for (const f of fills) {
        const t = `${f.venueOrderId}/${f.tradeId}`;
        if (last !== undefined && !last.trades.has(t) && f.ts > last.ts + CLOCK_SKEW_MS) expected += fromNumber(f.side === 'buy' ? f.qty : -f.qty);
      }
      const selfConsistent = last === undefined || abs(theirs - expected) < fromNumber(lot / 2);
      // A report older than a fill the venue reported, that we booked before asking.
      const stale = rep !== undefined && fills.some((f) => f.ts > rep.ts + CLOCK_SKEW_MS && bookedBefore.has(`${f.venueOrderId}/${f.tradeId}`));
      const contradicted = stale || !selfConsistent;
      if (!contradicted) {
        // Without a report (flat, and the venue gives no time), our estimate of the venue's clock at the request.
        const ts = rep?.ts ?? Math.max(last?.ts ?? 0, sent);
        lastVenue.set(sym, { qty: rep?.qty ?? 0, ts, trades: new Set(fills.map((f) => `${f.venueOrderId}/${f.tradeId}`)) });
      }
      const mineNow = fromNumber(local.positions[sym] ?? 0);
      const booked = window.filter((b) => b.symbol === sym && b.qty !== 0);
      // With the venue's own time of its last change, the cut is exact: what it stamped later is not in it.
      const mine =
        rep !== undefined && rep.ts > 0
          ? booked.reduce((v, b) => (b.ts > rep.ts ? v - fromNumber(b.qty) : v), mineNow)
          : asOfBest(
              mineNow,
              booked.map((b) => fromNumber(b.qty)),
              theirs,
            );
      const gap = theirs - mine;
      if (abs(gap) < fromNumber(lot / 2)) continue;
      const prior = local.suspects.get(k);
      const diff = formatFixed(gap);
      const adoptQty = Number(formatFixed(theirs + (mineNow - mine)));
      const what = `position ${sym}: ${fmt(mine)} here, ${fmt(theirs)} at the venue${contradicted ? " (the venue's own fills say otherwise)" : ' (changed outside Parity?)'}`;
      const adopt: ReconAction = { type: 'adopt-position', symbol: sym as Symbol, qty: adoptQty, entryPrice: rep?.entryPrice ?? 0 };
      if (local.decisions.has(k)) {
        diffs.push({ kind: 'position_mismatch', severity: 'warn', symbol: sym as Symbol, message: what, resolution: 'adopted', key: k });
        actions.push(adopt);
        continue;
      }
      if (contradicted) {
        const n = (prior?.contradicted ?? 0) + 1;
        if (n < CONTRADICTED_LIMIT) {
          suspects.set(k, { diff, contradicted: n });
          continue;
        }
        diffs.push({ kind: 'position_mismatch', severity: 'critical', symbol: sym as Symbol, message: `${what}; not adopted: the operator decides`, resolution: 'pausing', key: k, adopt: [adopt] });
        actions.push({ type: 'pause', reason: what });
        continue;
      }
      if (prior === undefined || prior.diff !== diff) {
        suspects.set(k, { diff, contradicted: 0 });
        continue;
      }
      if (policy.position === 'adopt') {
        diffs.push({ kind: 'position_mismatch', severity: 'warn', symbol: sym as Symbol, message: what, resolution: 'adopted', key: k });
        actions.push(adopt);
      } else {
        diffs.push({ kind: 'position_mismatch', severity: 'critical', symbol: sym as Symbol, message: what, resolution: 'pausing', key: k, adopt: [adopt] });
        actions.push({ type: 'pause', reason: what });
      }
    }
  }

  // The balance, once positions agree.
  if (venue.balance !== undefined && actions.length === 0 && suspects.size === 0) {
    const theirs = parseFixed(venue.balance.total);
    const mineNow = parseFixed(local.balance);
    const mine = asOfBest(
      mineNow,
      window.map((b) => b.balance),
      theirs,
    );
    // Exact decimals: a gap far below a float's resolution at this balance is still a gap.
    const gap = theirs - mine;
    if (abs(gap) > fromNumber(policy.balanceTolerance)) {
      const k = 'balance';
      const diff = formatFixed(gap);
      const prior = local.suspects.get(k);
      const what = `balance: ${formatFixed(mine)} here, ${venue.balance.total} ${venue.balance.currency} at the venue (${gap > 0n ? '+' : ''}${diff})`;
      const adopt: ReconAction = { type: 'adopt-balance', balance: formatFixed(theirs + (mineNow - mine)) };
      if (local.decisions.has(k) || (prior?.diff === diff && policy.balance === 'adopt')) {
        diffs.push({ kind: 'balance_mismatch', severity: 'warn', message: what, resolution: 'adopted', key: k });
        actions.push(adopt);
      } else if (prior?.diff === diff) {
        diffs.push({ kind: 'balance_mismatch', severity: 'critical', message: what, resolution: 'pausing', key: k, adopt: [adopt] });
        actions.push({ type: 'pause', reason: what });
      } else {
        suspects.set(k, { diff, contradicted: 0 });
      }
    }
  }
  return { diffs, actions, suspects, lastVenue };
}

function fmt(v: Fixed): string {
  return String(Number(formatFixed(v)));
}
