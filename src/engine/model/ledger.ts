/**
 * The ledger: one account in one settlement currency, with positions at average cost.
 *
 * All amounts are exact fixed-18 (see fixed.ts). Pure functions; a ledger is never mutated.
 *
 * Invariants (property-tested):
 * - `balance - Σ cost` changes by exactly `-(signed qty x price) - fee` per fill, so equity
 *   (`balance + Σ (qty x mark - cost)`) is conserved across a fill at the mark, net of its fee,
 *   and does not depend on the order in which fills arrive.
 * - Realized PnL uses average cost. The only rounding is the share of cost released on a partial
 *   reduce (half-even at 1e-18); it moves value between realized and unrealized, never in or out.
 * - The same ledger serves cash (spot) and margin (perpetual) accounts: for spot, the quote cash
 *   actually held is `balance - Σ cost` (see `cash`).
 */
import type { Decimal, Money, Price, Qty } from './units.ts';
import { abs, divRound, fromNumber, mul, ONE, parseFixed, product, sign, type Fixed } from './fixed.ts';
import type { OrderSide } from './commands.ts';

export interface Position {
  readonly symbol: string;
  /** Signed size in base units: > 0 long, < 0 short. */
  readonly qty: Fixed;
  /** Signed cost of the open size at average entry (qty x avg entry). */
  readonly cost: Money;
  /** Realized PnL on this symbol, before fees and funding. */
  readonly realized: Money;
  /** Fees paid on this symbol (negative for net rebates). */
  readonly fees: Money;
  /** Funding received on this symbol (negative when paid). */
  readonly funding: Money;
}

export interface Ledger {
  readonly currency: string;
  /** Wallet balance: starting cash + realized - fees + funding. */
  readonly balance: Money;
  readonly positions: Readonly<Record<string, Position>>;
  readonly realized: Money;
  readonly fees: Money;
  readonly funding: Money;
}

/** A fill as the ledger needs it: grid numbers for price and size, an exact fee string. */
export interface LedgerFill {
  readonly symbol: string;
  readonly side: OrderSide;
  readonly price: Price;
  readonly qty: Qty;
  readonly fee: Decimal;
}

export function createLedger(currency: string, startingCash: Fixed): Ledger {
  return { currency, balance: startingCash, positions: {}, realized: 0n, fees: 0n, funding: 0n };
}

function emptyPosition(symbol: string): Position {
  return { symbol, qty: 0n, cost: 0n, realized: 0n, fees: 0n, funding: 0n };
}

export function positionOf(ledger: Ledger, symbol: string): Position {
  return ledger.positions[symbol] ?? emptyPosition(symbol);
}

/** Applies one fill. Deduplication is the caller's job (see order.ts): this function books what it is given. */
export function applyFill(ledger: Ledger, fill: LedgerFill): Ledger {
  const pos = positionOf(ledger, fill.symbol);
  const x = fromNumber(fill.qty);
  const fee = parseFixed(fill.fee);
  const buy = fill.side === 'buy';
  const dq = buy ? x : -x;
  const traded = product(fill.price, fill.qty); // |dq| x price, exact
  let qty: Fixed;
  let cost: Fixed;
  let realized = 0n;
  if (pos.qty === 0n || pos.qty > 0n === buy) {
    qty = pos.qty + dq;
    cost = pos.cost + (buy ? traded : -traded);
  } else {
    const held = abs(pos.qty);
    qty = pos.qty + dq;
    if (x <= held) {
      const released = x === held ? pos.cost : divRound(pos.cost * x, held);
      realized = (pos.qty > 0n ? traded : -traded) - released;
      cost = pos.cost - released;
    } else {
      // Flipped: the held size closes at the fill price, the remainder opens at it.
      const p = fromNumber(fill.price);
      realized = BigInt(sign(pos.qty)) * mul(held, p) - pos.cost;
      cost = mul(qty, p);
    }
  }
  const next: Position = {
    symbol: fill.symbol,
    qty,
    cost,
    realized: pos.realized + realized,
    fees: pos.fees + fee,
    funding: pos.funding,
  };
  return {
    currency: ledger.currency,
    balance: ledger.balance + realized - fee,
    positions: withPosition(ledger.positions, next),
    realized: ledger.realized + realized,
    fees: ledger.fees + fee,
    funding: ledger.funding,
  };
}

/** A copy of the position table with one entry replaced. */
function withPosition(table: Readonly<Record<string, Position>>, pos: Position): Readonly<Record<string, Position>> {
  const out: Record<string, Position> = {};
  for (const k in table) out[k] = table[k] as Position;
  out[pos.symbol] = pos;
  return out;
}

/** Books a funding payment (amount > 0 received, < 0 paid). */
export function applyFunding(ledger: Ledger, symbol: string, amount: string): Ledger {
  const a = parseFixed(amount);
  const pos = positionOf(ledger, symbol);
  const next: Position = { symbol, qty: pos.qty, cost: pos.cost, realized: pos.realized, fees: pos.fees, funding: pos.funding + a };
  return {
    currency: ledger.currency,
    balance: ledger.balance + a,
    positions: withPosition(ledger.positions, next),
    realized: ledger.realized,
    fees: ledger.fees,
    funding: ledger.funding + a,
  };
}

/**
 * Takes the venue's word for a position (at startup, or when reconciliation adopts the venue's
 * truth): size and entry price replace ours; realized PnL, fees and the balance are untouched.
 */
export function adoptPosition(ledger: Ledger, symbol: string, qty: Fixed, entryPrice: Fixed): Ledger {
  const pos = positionOf(ledger, symbol);
  const next: Position = { symbol, qty, cost: mul(qty, entryPrice), realized: pos.realized, fees: pos.fees, funding: pos.funding };
  return { ...ledger, positions: withPosition(ledger.positions, next) };
}

/** Takes the venue's word for the wallet balance. */
export function adoptBalance(ledger: Ledger, balance: Fixed): Ledger {
  return { ...ledger, balance };
}

/** Unrealized PnL of a position at a mark price. */
export function unrealized(pos: Position, mark: Fixed): Fixed {
  return mul(pos.qty, mark) - pos.cost;
}

/** Average entry price, rounded at 1e-18; 0 when flat. */
export function avgEntry(pos: Position): Fixed {
  return pos.qty === 0n ? 0n : divRound(pos.cost * ONE, pos.qty);
}

/** Equity: balance plus unrealized PnL at the given marks (a position without a mark counts at cost). */
export function equity(ledger: Ledger, mark: (symbol: string) => Fixed | undefined): Fixed {
  let total = ledger.balance;
  for (const pos of Object.values(ledger.positions)) {
    const m = mark(pos.symbol);
    if (m !== undefined) total += unrealized(pos, m);
  }
  return total;
}

/** Settlement-currency cash held in a cash (spot) account: balance minus what positions cost. */
export function cash(ledger: Ledger): Fixed {
  let c = ledger.balance;
  for (const pos of Object.values(ledger.positions)) c -= pos.cost;
  return c;
}
