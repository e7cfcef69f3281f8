/**
 * The account and trading-state vocabulary every layer shares: what state trading is in, what kind
 * of account it is, which configured limit refused an order, and the daily loss limit's reference.
 */

/**
 * active: trade normally; reducing: only orders that shrink a position (pause new entries);
 * halted: nothing goes out.
 */
export type TradingState = 'active' | 'reducing' | 'halted';

export type AccountType = 'cash' | 'margin';

/**
 * The configured limits an order can breach (as opposed to a rule of the market or the account);
 * docs/config.md ("The risk gate") lists each. 'leverage' is the venue's brackets against the account's leverage.
 */
export type LimitRule = 'daily-loss' | 'order-notional' | 'position-notional' | 'price-band' | 'order-rate' | 'gross-exposure' | 'net-exposure' | 'leverage';

/** The daily loss limit's reference: equity at the first data point of a UTC day. */
export interface DayStart {
  /** Start of the UTC day, epoch ms. */
  readonly day: number;
  /** Equity then, account currency. */
  readonly equity: number;
}
