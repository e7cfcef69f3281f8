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

/**
 * What a guard hold does while it is in force. pause, reduce-only: no new entries (reducing);
 * flatten: reducing, and every position is closed once when it is set; halt: nothing goes out;
 * reduce-size: entries go out at half their size; reduce-rate: at most one entry a minute.
 */
export type HoldAction = 'pause' | 'reduce-only' | 'flatten' | 'halt' | 'reduce-size' | 'reduce-rate';

/** What a breached loss limit does (config `risk.dailyLossAction`, `risk.drawdownAction`). */
export type LossAction = 'pause' | 'reduce-only' | 'flatten' | 'halt';

/** What a venue drift does (config `guards.driftAction`). */
export type DriftAction = 'reduce-rate' | 'reduce-size' | 'pause';

/**
 * A guard's hold on trading: `source` names the guard (loss-limit:daily, loss-limit:drawdown,
 * feed:stale:<symbol>, drift:latency, drift:clock), one hold per source.
 */
export interface Hold {
  readonly source: string;
  readonly action: HoldAction;
  readonly reason: string;
  /** Engine time it was set, epoch ms. */
  readonly since: number;
}

const RANK: Record<TradingState, number> = { active: 0, reducing: 1, halted: 2 };

/** The trading state a hold action imposes. */
export function holdState(action: HoldAction): TradingState {
  return action === 'halt' ? 'halted' : action === 'reduce-size' || action === 'reduce-rate' ? 'active' : 'reducing';
}

/** The more restrictive of two trading states (active < reducing < halted). */
export function stricter(a: TradingState, b: TradingState): TradingState {
  return RANK[b] > RANK[a] ? b : a;
}
