/**
 * The portfolio: the exact ledger plus what the engine needs to read it fast.
 *
 * The ledger (ledger.ts) is the truth and changes only through its pure functions. On every change
 * the portfolio refreshes float mirrors of the touched position, so the per-bar work (marking to
 * market, risk views, strategy reads) never touches bigint arithmetic.
 */
import type { Decimal, Price, Qty } from '../model/units.ts';
import { fromNumber, parseFixed, toFloat, toNumber, type Fixed } from '../model/fixed.ts';
import type { Instrument } from '../model/instrument.ts';
import { adoptBalance, adoptPosition, avgEntry, createLedger, equity as ledgerEquity, positionOf, type Ledger, type LedgerFill, type Position } from '../model/ledger.ts';
import type { AccountType, DayStart } from '../model/trading.ts';
import { BookingLog } from './booking-log.ts';
import { InOrderLedger, type LedgerOp, type OrderWindow } from '../model/ledger-order.ts';
import type { PortfolioView, PositionView } from '../model/strategy.ts';

/** Per-symbol mirror. Mutable on purpose: it is the engine's cache, never handed out. */
export interface SymbolBook {
  readonly inst: Instrument;
  /** Last trade or close price; NaN until the first data point. */
  last: number;
  qty: number;
  cost: number;
  /** Rebuilt lazily after a change: most fills are never looked at by a strategy. */
  view: PositionView | undefined;
}

const DAY_MS = 86_400_000;

export class Portfolio implements PortfolioView {
  private ledgerState: Ledger;
  /** The same books, with recent fills in venue-time order (a late fill is booked where it happened). */
  private ordered: InOrderLedger;
  private readonly books = new Map<string, SymbolBook>();
  private readonly list: SymbolBook[] = [];
  private balanceF: number;
  private cashF: number;
  /** Start of the next UTC day; the daily PnL reference rolls when time reaches it. */
  private nextDay = -Infinity;
  private dayStartEquity = 0;
  /** The day has begun but its reference waits for a price of every open position. */
  private dayPending = false;
  private lastExposure = 0;
  /** Recent fills and payments with their venue times (reconciliation compares like with like). */
  readonly recent = new BookingLog();

  constructor(
    readonly currency: string,
    startingCash: Fixed,
    instruments: readonly Instrument[],
    readonly accountType: AccountType = 'cash',
  ) {
    this.ledgerState = createLedger(currency, startingCash);
    this.ordered = new InOrderLedger(this.ledgerState);
    this.balanceF = toNumber(startingCash);
    this.cashF = this.balanceF;
    for (const inst of instruments) {
      const book: SymbolBook = { inst, last: NaN, qty: 0, cost: 0, view: emptyView(inst.symbol) };
      this.books.set(inst.symbol, book);
      this.list.push(book);
    }
  }

  get ledger(): Ledger {
    return this.ledgerState;
  }

  book(symbol: string): SymbolBook | undefined {
    return this.books.get(symbol);
  }

  /**
   * Books a fill where the venue's time puts it among recent ones (ledger-order.ts); `at` (venue
   * time, engine time and trade key) also records it among the recent bookings. Without `at` it is
   * booked last.
   */
  fill(fill: LedgerFill, at?: { readonly ts: number; readonly at: number; readonly key: string }): void {
    const before = this.ledgerState.balance;
    // Literals, not spreads: this runs for every fill.
    this.bookInOrder(at?.ts ?? Number.MAX_SAFE_INTEGER, { kind: 'fill', symbol: fill.symbol, side: fill.side, price: fill.price, qty: fill.qty, fee: fill.fee }, fill.symbol);
    if (at !== undefined) {
      this.recent.add({ symbol: fill.symbol, ts: at.ts, at: at.at, key: at.key, qty: fill.side === 'buy' ? fill.qty : -fill.qty, balance: this.ledgerState.balance - before });
    }
  }

  private bookInOrder(ts: number, op: LedgerOp, symbol: string): void {
    const reordered = this.ordered.book(ts, op);
    this.ledgerState = this.ordered.ledger;
    if (reordered) this.refreshAll();
    else this.refresh(symbol);
  }

  /** Replaces the whole ledger (restart from a snapshot and journal), with the window of recent bookings it was saved with. */
  restoreLedger(ledger: Ledger, window?: OrderWindow): void {
    this.ordered = new InOrderLedger(ledger, window);
    this.ledgerState = this.ordered.ledger;
    this.refreshAll();
  }

  /** The recent bookings in venue-time order, as saved with the books. */
  orderWindow(): OrderWindow {
    return this.ordered.window();
  }

  private refreshAll(): void {
    this.refresh('');
    for (const b of this.list) this.refresh(b.inst.symbol);
  }

  /** Adopts the venue's position (size and entry price). Not a profit or loss: the day's reference moves with it. */
  adoptPosition(symbol: string, qty: Qty, entryPrice: Price): void {
    this.keepingDailyPnl(() => {
      this.ledgerState = adoptPosition(this.ledgerState, symbol, fromNumber(qty), fromNumber(entryPrice));
      this.ordered.reset(this.ledgerState); // the venue's figure is the new baseline
      this.refresh(symbol);
    });
  }

  /** Adopts the venue's wallet balance. Not a profit or loss: the day's reference moves with it. */
  adoptBalance(balance: Decimal): void {
    this.keepingDailyPnl(() => {
      this.ledgerState = adoptBalance(this.ledgerState, parseFixed(balance));
      this.ordered.reset(this.ledgerState);
      this.refresh('');
    });
  }

  /** Runs a change to the books that is not trading (an adoption) without moving the day's PnL. */
  private keepingDailyPnl(change: () => void): void {
    const before = this.equity();
    change();
    if (!this.dayPending) this.dayStartEquity += this.equity() - before;
  }

  funding(symbol: string, amount: string, at?: { readonly ts: number; readonly at: number; readonly key: string }): void {
    this.bookInOrder(at?.ts ?? Number.MAX_SAFE_INTEGER, { kind: 'funding', symbol, amount }, symbol);
    if (at !== undefined) this.recent.add({ symbol, ...at, qty: 0, balance: parseFixed(amount) });
  }

  /**
   * Rolls the daily PnL reference at each UTC midnight. Call with engine time. Returns the new
   * reference when it rolled (the kernel journals it, so a restart keeps the day's losses).
   */
  rollDay(now: number): DayStart | undefined {
    if (now < this.nextDay && now >= this.nextDay - DAY_MS) return undefined;
    const day = Math.floor(now / DAY_MS) * DAY_MS;
    this.nextDay = day + DAY_MS;
    this.dayPending = true;
    return this.settleDay();
  }

  /**
   * Takes the day's reference once every open position has a price: an unpriced position (just
   * adopted, before its first data point) would otherwise count as worth nothing at the start of
   * the day and its whole value as the day's PnL.
   */
  /** The day's reference if it was waiting for prices and now has them (call after a price update). */
  settlePendingDay(): DayStart | undefined {
    return this.dayPending ? this.settleDay() : undefined;
  }

  private settleDay(): DayStart | undefined {
    for (const b of this.list) if (b.qty !== 0 && Number.isNaN(b.last)) return undefined;
    this.dayPending = false;
    this.dayStartEquity = this.equity();
    return { day: this.nextDay - DAY_MS, equity: this.dayStartEquity };
  }

  /** The current day's reference, if a day has started. */
  get dayStart(): DayStart | undefined {
    return Number.isFinite(this.nextDay) && !this.dayPending ? { day: this.nextDay - DAY_MS, equity: this.dayStartEquity } : undefined;
  }

  /** Takes a saved day reference (a restart): while engine time stays in that day, PnL counts from it. */
  restoreDay(d: DayStart): void {
    this.nextDay = d.day + DAY_MS;
    this.dayStartEquity = d.equity;
    this.dayPending = false;
  }

  dailyPnl(): number {
    return this.equity() - this.dayStartEquity;
  }

  position(symbol: string): PositionView {
    const b = this.books.get(symbol);
    if (b === undefined) return emptyView(symbol);
    if (b.view === undefined) b.view = positionView(symbol, b.qty, positionOf(this.ledgerState, symbol));
    return b.view;
  }

  unrealizedPnl(symbol: string): number {
    const b = this.books.get(symbol);
    if (b === undefined || b.qty === 0 || Number.isNaN(b.last)) return 0;
    return b.qty * b.last - b.cost;
  }

  cash(): number {
    return this.accountType === 'cash' ? this.cashF : this.balanceF;
  }

  /** Wallet balance (starting cash + realized - fees + funding). */
  balance(): number {
    return this.balanceF;
  }

  equity(): number {
    let e = this.balanceF;
    let x = 0;
    const list = this.list;
    for (let i = 0; i < list.length; i++) {
      const b = list[i] as SymbolBook;
      if (b.qty !== 0 && b.last === b.last) {
        e += b.qty * b.last - b.cost;
        x += Math.abs(b.qty) * b.last;
      }
    }
    this.lastExposure = x;
    return e;
  }

  /** Gross exposure (Σ |qty| x last, quote currency) as of the last `equity()` call. */
  get exposureAtLastEquity(): number {
    return this.lastExposure;
  }

  /** Gross exposure: Σ |qty| x last, quote currency. */
  exposure(): number {
    this.equity();
    return this.lastExposure;
  }

  /** Gross (Σ |qty| x last) and net (Σ qty x last, signed) exposure across symbols, quote currency; a symbol without a price yet counts 0. */
  exposures(): { gross: number; net: number } {
    let gross = 0;
    let net = 0;
    for (const b of this.list) {
      if (b.qty === 0 || Number.isNaN(b.last)) continue;
      gross += Math.abs(b.qty) * b.last;
      net += b.qty * b.last;
    }
    return { gross, net };
  }

  /** The last price seen for a symbol; undefined before the first one. */
  lastPrice(symbol: string): number | undefined {
    const last = this.books.get(symbol)?.last;
    return last === undefined || Number.isNaN(last) ? undefined : last;
  }

  /** Exact equity at last prices. */
  exactEquity(): Fixed {
    return ledgerEquity(this.ledgerState, (s) => {
      const last = this.lastPrice(s);
      return last === undefined ? undefined : fromNumber(last);
    });
  }

  private refresh(symbol: string): void {
    const l = this.ledgerState;
    this.balanceF = toFloat(l.balance);
    const b = this.books.get(symbol);
    if (b !== undefined) {
      const p = positionOf(l, symbol);
      b.qty = toNumber(p.qty);
      b.cost = toFloat(p.cost);
      b.view = undefined;
    }
    // Float cash from the mirrors: the exact figure is cash(ledger), for whoever needs it exact.
    let c = this.balanceF;
    for (const x of this.list) c -= x.cost;
    this.cashF = c;
  }
}

/** A position as the exact books hold it now (the ledger's position record, converted once). */
function positionView(symbol: string, qty: number, p: Position): PositionView {
  return { symbol, qty, avgEntry: toNumber(avgEntry(p)), realizedPnl: toNumber(p.realized), fees: toNumber(p.fees), funding: toNumber(p.funding) };
}

function emptyView(symbol: string): PositionView {
  return { symbol, qty: 0, avgEntry: 0, realizedPnl: 0, fees: 0, funding: 0 };
}
