/**
 * The simulated venue's own account: balances and positions as the venue sees them, kept with the
 * engine's pure ledger functions. The venue checks orders against it (insufficient balance,
 * reduce-only) and settles funding from it, like a real exchange would from its books.
 */
import {
  applyFill,
  applyFunding,
  cash,
  createLedger,
  formatFixed,
  fromNumber,
  mul,
  positionOf,
  toFloat,
  toNumber,
  type AccountType,
  type Fixed,
  type Ledger,
  type LedgerFill,
} from '../engine/index.ts';

export class SimAccount {
  private ledgerState: Ledger;
  /** Float mirrors of position sizes, refreshed on every change (read on every order check). */
  private readonly qty = new Map<string, number>();

  constructor(
    readonly currency: string,
    startingCash: Fixed,
    readonly type: AccountType,
    readonly leverage: number,
  ) {
    this.ledgerState = createLedger(currency, startingCash);
  }

  get ledger(): Ledger {
    return this.ledgerState;
  }

  fill(f: LedgerFill): void {
    this.ledgerState = applyFill(this.ledgerState, f);
    this.qty.set(f.symbol, toNumber(positionOf(this.ledgerState, f.symbol).qty));
  }

  /** Settles funding on a position and returns the exact amount credited (negative when paid). */
  settleFunding(symbol: string, rate: number, markPrice: number): { amount: string; qty: number } | undefined {
    const pos = positionOf(this.ledgerState, symbol);
    if (pos.qty === 0n) return undefined;
    const amount = -mul(mul(pos.qty, fromNumber(markPrice)), fromNumber(rate));
    const text = formatFixed(amount);
    this.ledgerState = applyFunding(this.ledgerState, symbol, text);
    return { amount: text, qty: toNumber(pos.qty) };
  }

  position(symbol: string): number {
    return this.qty.get(symbol) ?? 0;
  }

  /** Quote currency not tied up in positions (cash account) or wallet balance (margin account). */
  freeCash(): number {
    return this.type === 'cash' ? toFloat(cash(this.ledgerState)) : toFloat(this.ledgerState.balance);
  }

  /** Equity at the given marks (float; for margin checks). */
  equity(mark: (symbol: string) => number): number {
    let e = toFloat(this.ledgerState.balance);
    for (const p of Object.values(this.ledgerState.positions)) {
      if (p.qty === 0n) continue;
      const m = mark(p.symbol);
      if (Number.isFinite(m)) e += toNumber(p.qty) * m - toFloat(p.cost);
    }
    return e;
  }
}
