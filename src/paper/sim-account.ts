/**
 * The simulated venue's own account: balances and positions as the venue sees them, like a real
 * exchange's books. The venue checks orders against it (insufficient balance, reduce-only) and
 * settles funding from it.
 *
 * Two views, one truth: the exact ledger (the engine's pure ledger functions over every fill, in
 * order) is what reconciliation compares; it is folded lazily, when someone reads it, because the
 * order checks on the hot path only need float mirrors (position sizes kept exact on the lot grid,
 * cash and cost within float rounding). Until then fills wait in a compact log (32 bytes each;
 * the exact fee is recomputed from price, size and liquidity when folded), so a backtest that
 * never reconciles pays no bigint work here at all.
 */
import {
  applyFill,
  applyFunding,
  cash,
  createLedger,
  formatFixed,
  maintenanceMargin,
  product,
  roundTo,
  toNumber,
  type AccountType,
  type CrossAccount,
  type Fixed,
  type MarginPosition,
  type Instrument,
  type Ledger,
  type LedgerFill,
  type PositionReport,
  type BalanceReport,
} from '../engine/index.ts';
import { feeNumber } from './models.ts';

/** Unfolded fills kept at most (32 MB); beyond that they are folded into the exact ledger. */
const MAX_UNFOLDED = 1 << 20;
const STRIDE = 4; // symbol index, signed qty, price, 1 = maker / 0 = taker

/** Exact fee of a fill, as the venue charged it. */
export type FeeOf = (inst: Instrument, liquidity: 'maker' | 'taker', price: number, qty: number) => string;

export interface AccountFill {
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly price: number;
  readonly qty: number;
  readonly liquidity: 'maker' | 'taker';
  /** The exact fee charged, as reported on the fill. */
  readonly fee: string;
  /** The fee is not the fee model's (a liquidation's clearance fee): booked as given, at once. */
  readonly ownFee?: true;
}

interface Mirror {
  readonly inst: Instrument;
  readonly index: number;
  readonly qtyDecimals: number;
  /** Signed size, exact on the lot grid. */
  qty: number;
  /** Signed cost at average entry, float. */
  cost: number;
}

export class SimAccount {
  private exact: Ledger;
  private log = new Float64Array(1024 * STRIDE);
  private logged = 0;
  private readonly mirrors = new Map<string, Mirror>();
  private readonly byIndex: Mirror[] = [];
  /** Wallet balance (starting cash + realized - fees + funding), float. */
  private balanceF: number;
  /** Bumped by every change of the books (fills, funding, seeding): what margin figures depend on. */
  version = 0;

  constructor(
    readonly currency: string,
    startingCash: Fixed,
    readonly type: AccountType,
    readonly leverage: number,
    instruments: readonly Instrument[],
    private readonly feeOf: FeeOf,
  ) {
    this.exact = createLedger(currency, startingCash);
    this.balanceF = Number(formatFixed(startingCash));
    instruments.forEach((inst, index) => {
      const m: Mirror = { inst, index, qtyDecimals: inst.qtyDecimals, qty: 0, cost: 0 };
      this.mirrors.set(inst.symbol, m);
      this.byIndex.push(m);
    });
  }

  /**
   * Starts from a given ledger (paper mode after a restart: the simulated venue's books are the
   * engine's recovered ones, since nothing else remembers them).
   */
  seed(ledger: Ledger): void {
    this.version++;
    this.logged = 0;
    this.exact = ledger;
    this.balanceF = toNumber(ledger.balance);
    for (const m of this.mirrors.values()) {
      const p = ledger.positions[m.inst.symbol];
      m.qty = p === undefined ? 0 : toNumber(p.qty);
      m.cost = p === undefined ? 0 : toNumber(p.cost);
    }
  }

  /** The exact ledger, with every fill so far applied. */
  get ledger(): Ledger {
    if (this.logged > 0) {
      let l = this.exact;
      const log = this.log;
      for (let k = 0; k < this.logged; k++) {
        const o = k * STRIDE;
        const m = this.byIndex[log[o] as number] as Mirror;
        const signed = log[o + 1] as number;
        const price = log[o + 2] as number;
        const qty = Math.abs(signed);
        const fill: LedgerFill = { symbol: m.inst.symbol, side: signed > 0 ? 'buy' : 'sell', price, qty, fee: this.feeOf(m.inst, log[o + 3] === 1 ? 'maker' : 'taker', price, qty) };
        l = applyFill(l, fill);
      }
      this.exact = l;
      this.logged = 0;
    }
    return this.exact;
  }

  fill(f: AccountFill): void {
    const m = this.mirrors.get(f.symbol);
    if (m === undefined) throw new Error(`sim account: no instrument ${f.symbol}`);
    const signed = f.side === 'buy' ? f.qty : -f.qty;
    this.version++;
    if (f.ownFee === true) this.exact = applyFill(this.ledger, f);
    else this.logFill(m, signed, f);
    const notional = f.price * f.qty;
    if (m.qty === 0 || Math.sign(m.qty) === Math.sign(signed)) {
      m.cost += signed > 0 ? notional : -notional;
    } else {
      const held = Math.abs(m.qty);
      const closed = Math.min(f.qty, held);
      const released = (m.cost * closed) / held;
      this.balanceF += Math.sign(m.qty) * closed * f.price - released;
      m.cost -= released;
      if (f.qty > held) m.cost = (m.qty + signed) * f.price;
    }
    m.qty = roundTo(m.qty + signed, m.qtyDecimals);
    if (m.qty === 0) m.cost = 0;
    this.balanceF -= feeNumber(f.fee);
  }

  /** Appends a fill whose fee the model gives to the unfolded log. */
  private logFill(m: Mirror, signed: number, f: AccountFill): void {
    if (this.logged * STRIDE === this.log.length) {
      if (this.logged >= MAX_UNFOLDED) void this.ledger;
      else {
        const bigger = new Float64Array(this.log.length * 2);
        bigger.set(this.log);
        this.log = bigger;
      }
    }
    const o = this.logged * STRIDE;
    this.log[o] = m.index;
    this.log[o + 1] = signed;
    this.log[o + 2] = f.price;
    this.log[o + 3] = f.liquidity === 'maker' ? 1 : 0;
    this.logged++;
  }

  /** Settles funding on a position and returns the exact amount credited (negative when paid). */
  settleFunding(symbol: string, rate: number, markPrice: number): { amount: string; qty: number } | undefined {
    const m = this.mirrors.get(symbol);
    if (m === undefined || m.qty === 0) return undefined;
    const amount = formatFixed(-product(m.qty, markPrice, rate));
    this.exact = applyFunding(this.ledger, symbol, amount);
    this.balanceF += Number(amount);
    this.version++;
    return { amount, qty: m.qty };
  }

  /**
   * The position of `symbol` and the rest of the cross account at `mark`, from the exact books as
   * numbers: what liquidation.ts takes (the local exchange converts its own books the same way).
   */
  crossMargin(symbol: string, mark: (symbol: string) => number): { pos: MarginPosition; acct: CrossAccount } {
    const l = this.ledger;
    let otherMaintenance = 0;
    let otherUnrealized = 0;
    let pos: MarginPosition = { qty: 0, cost: 0 };
    for (const [sym, p] of Object.entries(l.positions)) {
      if (p.qty === 0n) continue;
      const qty = toNumber(p.qty);
      const cost = toNumber(p.cost);
      if (sym === symbol) {
        pos = { qty, cost };
        continue;
      }
      const px = mark(sym);
      if (!Number.isFinite(px)) continue;
      otherUnrealized += qty * px - cost;
      otherMaintenance += maintenanceMargin(this.mirrors.get(sym)?.inst.tiers, qty * px);
    }
    return { pos, acct: { wallet: toNumber(l.balance), otherMaintenance, otherUnrealized } };
  }

  /** Open positions, counted. */
  openPositions(): number {
    let n = 0;
    for (const m of this.mirrors.values()) if (m.qty !== 0) n++;
    return n;
  }

  /** Signed position size, exact on the lot grid. */
  position(symbol: string): number {
    return this.mirrors.get(symbol)?.qty ?? 0;
  }

  /** Quote currency not tied up in positions (cash account) or wallet balance (margin account). */
  freeCash(): number {
    if (this.type !== 'cash') return this.balanceF;
    let c = this.balanceF;
    for (const m of this.mirrors.values()) c -= m.cost;
    return c;
  }

  /** Open positions as the venue reports them (entry price from the float mirror). */
  positionReports(now: number): PositionReport[] {
    const out: PositionReport[] = [];
    for (const m of this.mirrors.values()) {
      if (m.qty !== 0) out.push({ symbol: m.inst.symbol, qty: m.qty, entryPrice: m.cost / m.qty, ts: now });
    }
    return out;
  }

  /** The settlement-currency balance, exact. `free` is what a new order may use. */
  balanceReport(): BalanceReport {
    const l = this.ledger;
    const free = this.type === 'cash' ? cash(l) : l.balance;
    return { currency: this.currency, total: formatFixed(l.balance), free: formatFixed(free) };
  }

  /** Equity at the given marks (float; for margin checks). */
  equity(mark: (symbol: string) => number): number {
    let e = this.balanceF;
    for (const [sym, m] of this.mirrors) {
      if (m.qty === 0) continue;
      const px = mark(sym);
      if (Number.isFinite(px)) e += m.qty * px - m.cost;
    }
    return e;
  }
}
