/**
 * The simulated venue's own account: balances and positions as the venue sees them, like a real
 * exchange's books. The venue checks orders against it (insufficient balance, reduce-only) and
 * settles funding from it.
 *
 * Two views, one truth: the exact ledger (the engine's pure ledger functions over every fill, in
 * order) is what reconciliation compares; it is folded lazily, when someone reads it, because the
 * order checks on the hot path only need float mirrors (position sizes kept exact on the lot grid,
 * cash and cost within float rounding).
 */
import {
  applyFill,
  applyFunding,
  createLedger,
  formatFixed,
  product,
  roundTo,
  type AccountType,
  type Fixed,
  type Instrument,
  type Ledger,
  type LedgerFill,
} from '../engine/index.ts';

/** Fills are folded into the exact ledger in batches of this size (or when it is read). */
const FOLD_EVERY = 1024;

interface Mirror {
  readonly qtyDecimals: number;
  /** Signed size, exact on the lot grid. */
  qty: number;
  /** Signed cost at average entry, float. */
  cost: number;
}

export class SimAccount {
  private exact: Ledger;
  private unfolded: LedgerFill[] = [];
  private readonly mirrors = new Map<string, Mirror>();
  /** Wallet balance (starting cash + realized - fees + funding), float. */
  private balanceF: number;

  constructor(
    readonly currency: string,
    startingCash: Fixed,
    readonly type: AccountType,
    readonly leverage: number,
    instruments: readonly Instrument[],
  ) {
    this.exact = createLedger(currency, startingCash);
    this.balanceF = Number(formatFixed(startingCash));
    for (const inst of instruments) this.mirrors.set(inst.symbol, { qtyDecimals: inst.qtyDecimals, qty: 0, cost: 0 });
  }

  /** The exact ledger, with every fill so far applied. */
  get ledger(): Ledger {
    if (this.unfolded.length > 0) {
      let l = this.exact;
      for (const f of this.unfolded) l = applyFill(l, f);
      this.exact = l;
      this.unfolded = [];
    }
    return this.exact;
  }

  fill(f: LedgerFill): void {
    this.unfolded.push(f);
    if (this.unfolded.length >= FOLD_EVERY) void this.ledger; // keep memory bounded on long runs
    const m = this.mirrors.get(f.symbol);
    if (m === undefined) throw new Error(`sim account: no instrument ${f.symbol}`);
    const signed = f.side === 'buy' ? f.qty : -f.qty;
    const notional = f.price * f.qty;
    const fee = Number(f.fee);
    if (m.qty === 0 || Math.sign(m.qty) === Math.sign(signed)) {
      m.cost += f.side === 'buy' ? notional : -notional;
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
    this.balanceF -= fee;
  }

  /** Settles funding on a position and returns the exact amount credited (negative when paid). */
  settleFunding(symbol: string, rate: number, markPrice: number): { amount: string; qty: number } | undefined {
    const m = this.mirrors.get(symbol);
    if (m === undefined || m.qty === 0) return undefined;
    const amount = formatFixed(-product(m.qty, markPrice, rate));
    this.exact = applyFunding(this.ledger, symbol, amount);
    this.balanceF += Number(amount);
    return { amount, qty: m.qty };
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
