/**
 * The live session's own books, folded from what it recorded (its fills, funding and the
 * reconciliation's adoptions, in order) from the header's starting ledger, with the engine's exact
 * ledger functions. Independent of any replay: the attribution's residual is the distance between
 * these books and the replay that holds every live event.
 *
 * Also per funding payment the position our books held when it settled: what the expected funding
 * (rate x position x mark) is computed on.
 */
import {
  adoptBalance,
  adoptPosition,
  applyFill,
  applyFunding,
  equity,
  fromNumber,
  ledgerFromJSON,
  parseFixed,
  positionOf,
  toNumber,
  type Fixed,
  type FundingPaid,
  type Ledger,
  type LoggedMessage,
  type MarketData,
  type OrderFilled,
} from '../../engine/index.ts';
import { warmupOf, type SessionRecording } from '../../persistence/recording.ts';

export interface LiveBooks {
  /** The ledger after the last recorded message. */
  readonly ledger: Ledger;
  /** The live fills, in the order the live kernel booked them. */
  readonly fills: readonly OrderFilled[];
  /** Each funding payment with the signed position (exact) our books held at its funding time (the fills before it), and its wall time. */
  readonly funding: readonly { readonly paid: FundingPaid; readonly held: Fixed; readonly w: number }[];
  /** The ledger's balance at the start. */
  readonly startBalance: Fixed;
}

export function liveBooks(s: SessionRecording): LiveBooks {
  let ledger = ledgerFromJSON(s.header.start.ledger);
  const startBalance = ledger.balance;
  const fills: OrderFilled[] = [];
  const funding: { paid: FundingPaid; held: Fixed; w: number }[] = [];
  const start = ledger;
  for (const { w, m } of s.messages) {
    if (m.type === 'OrderFilled') fills.push(m);
    // A payment can be booked well after its funding time (a reconciliation reads the venue's
    // history): the position it was charged on is the one the fills before that time made.
    if (m.type === 'FundingPaid') funding.push({ paid: m, held: heldAt(start, fills, m.symbol, m.tsEvent), w });
    ledger = foldOne(ledger, m);
  }
  return { ledger, fills, funding, startBalance };
}

function heldAt(start: Ledger, fills: readonly OrderFilled[], symbol: string, t: number): Fixed {
  let q = positionOf(start, symbol).qty;
  for (const f of fills) if (f.symbol === symbol && f.tsEvent <= t) q += f.side === 'buy' ? fromNumber(f.lastQty) : -fromNumber(f.lastQty);
  return q;
}

/** PnL of the live books at the given marks (the last prices the session received), exact. */
export function livePnl(b: LiveBooks, mark: (symbol: string) => number | undefined): Fixed {
  return (
    equity(b.ledger, (sym) => {
      const p = mark(sym);
      return p === undefined ? undefined : fromNumber(p);
    }) - b.startBalance
  );
}

/** The live books' equity after each recorded data point: the messages processed up to it folded in, marked at the last prices received. */
export function liveEquityCurve(s: SessionRecording): number[] {
  const warm = s.header.warmup.length;
  const marks = new Map<string, number>();
  const markOf = (d: MarketData): void => {
    if (d.type === 'bar') marks.set(d.symbol, d.close);
    else if (d.type === 'trade') marks.set(d.symbol, d.price);
    else if (d.type === 'quote') marks.set(d.symbol, (d.bid + d.ask) / 2);
  };
  for (const b of warmupOf(s.header)) markOf(b);
  let ledger = ledgerFromJSON(s.header.start.ledger);
  let k = 0;
  const msgs = s.messages;
  const out: number[] = [];
  s.data.forEach(({ d }, j) => {
    markOf(d);
    for (; k < msgs.length && (msgs[k] as { n: number }).n <= warm + j + 1; k++) ledger = foldOne(ledger, (msgs[k] as { m: LoggedMessage }).m);
    out.push(toNumber(equity(ledger, (sym) => (marks.has(sym) ? fromNumber(marks.get(sym) as number) : undefined))));
  });
  return out;
}

function foldOne(ledger: Ledger, m: LoggedMessage): Ledger {
  if (m.type === 'OrderFilled') return applyFill(ledger, { symbol: m.symbol, side: m.side, price: m.lastPx, qty: m.lastQty, fee: m.fee });
  if (m.type === 'FundingPaid') return applyFunding(ledger, m.symbol, m.amount);
  if (m.type === 'PositionAdopted') return adoptPosition(ledger, m.symbol, fromNumber(m.qty), fromNumber(m.entryPrice));
  if (m.type === 'BalanceAdopted') return adoptBalance(ledger, parseFixed(m.balance));
  return ledger;
}
