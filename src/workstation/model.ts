/**
 * The workstation model: everything the TUI (and `parity ctl status`) shows, as one plain,
 * immutable snapshot, and the one way to act on the engine (commands). src/ui depends on this
 * module only: it renders snapshots and sends commands, and never reaches into the engine.
 *
 * Units: prices in the quote currency, sizes in base units, money in the account currency,
 * times epoch ms UTC, latencies ms.
 */

export type RunMode = 'backtest' | 'paper' | 'live';
/**
 * RUNNING: trading; PAUSED: no new entries (reductions allowed), set by the operator or by the
 * engine (reconciliation, a strategy fault); REDUCE-ONLY: no new entries because a loss limit was
 * reached; HALTED: nothing goes out. Only the operator leaves PAUSED, REDUCE-ONLY or HALTED.
 */
export type StrategyState = 'RUNNING' | 'PAUSED' | 'REDUCE-ONLY' | 'HALTED';

/** A strategy whose handler threw: it is stopped (no calls, its orders canceled); its positions stay for the operator. */
export interface StrategyFault {
  readonly strategy: string;
  readonly handler: string;
  readonly message: string;
  readonly ts: number;
}

export interface StatusView {
  readonly mode: RunMode;
  readonly venue: string;
  readonly strategy: string;
  readonly state: StrategyState;
  /** Why the state is what it is: the real cause (the limit breached, the diff, the operator's reason). */
  readonly stateReason: string;
  /**
   * The state was entered by the engine itself (reconciliation, a loss limit, a fault, the journal),
   * not by the operator: leaving it needs a confirmed resume with a reason.
   */
  readonly stateSetByEngine: boolean;
  /** Guard holds in force (loss limits, stale feeds, venue drift); absent or empty when none. */
  readonly guards?: readonly GuardRow[];
  /** Strategies that faulted this session (empty when all run). */
  readonly faults: readonly StrategyFault[];
  /** up: connected and data arriving; stale: connected but nothing arrived for too long; down: not connected. */
  readonly marketData: 'up' | 'stale' | 'down';
  /** 'n/a' in paper mode (no user stream). */
  readonly userStream: 'up' | 'down' | 'n/a';
  /** Venue clock minus local clock, ms. */
  readonly clockOffsetMs: number;
  /** Request weight left in the current window, and the window's limit. */
  readonly rateBudget: { readonly remaining: number; readonly limit: number; readonly pausedUntil: number };
  readonly equity: number;
  readonly dailyPnl: number;
  readonly currency: string;
  /** Engine time. */
  readonly now: number;
  /** What the bad-data breaker dropped this session (absent when the session does not say). */
  readonly dataQuality?: DataQualityView;
}

/** The bad-data breaker's counts (the engine's DataQuality): dropped in all, by class, and gaps (kept). */
export interface DataQualityView {
  readonly dropped: number;
  readonly counts: Readonly<Partial<Record<string, number>>>;
  readonly gaps: number;
  readonly missingBars: number;
}

/** A guard's hold on trading: which guard (loss-limit:drawdown, feed:stale:BTCUSDT, drift:latency, ...), what it does, why, since when (engine time). */
export interface GuardRow {
  readonly source: string;
  readonly action: string;
  readonly reason: string;
  readonly since: number;
}

export interface PositionRow {
  readonly symbol: string;
  /** Signed. */
  readonly qty: number;
  readonly entry: number;
  readonly mark: number;
  readonly unrealized: number;
  readonly realized: number;
  /** Funding received (negative: paid). */
  readonly funding: number;
}

export interface OrderRow {
  readonly id: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly type: 'market' | 'limit';
  readonly qty: number;
  readonly filled: number;
  readonly price: number | undefined;
  readonly status: string;
  readonly ageMs: number;
}

export type DiffSeverity = 'info' | 'warn' | 'critical';

/** What the operator can do about a diff that waits for them: take the venue's truth, or close the symbol out. */
export type DiffChoice = 'adopt' | 'flatten';

export interface DiffRow {
  /** Stable id within the session (for `resolve`). */
  readonly id: string;
  readonly kind: string;
  readonly severity: DiffSeverity;
  readonly symbol: string | undefined;
  readonly message: string;
  /** What was done about it: 'adopted', 'booked', 'closed', 'pausing' (waits for the operator), 'resolved: ...'. */
  readonly resolution: string;
  readonly ts: number;
  /** Non-empty while the diff waits for the operator's choice (it paused trading); empty once handled. */
  readonly choices: readonly DiffChoice[];
}

export interface FundingRow {
  readonly symbol: string;
  /** Total funding received so far (negative: paid). */
  readonly total: number;
  readonly nextTime: number | undefined;
  readonly nextRate: number | undefined;
}

export interface LatencyStat {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly count: number;
  /** Recent samples, oldest first, for a sparkline. */
  readonly recent: readonly number[];
}

export interface LatencyView {
  readonly submitToAck: LatencyStat;
  readonly ackToFill: LatencyStat;
  readonly cancelToAck: LatencyStat;
  /** Market data: local receive time minus venue event time. */
  readonly feedLag: LatencyStat;
}

/** Live (or paper) against what the backtest does on the same data, so far. */
export interface DivergenceView {
  readonly available: boolean;
  readonly liveFills: number;
  readonly backtestFills: number;
  readonly livePnl: number;
  readonly backtestPnl: number;
  /** Mean fill price difference, live minus backtest, in bps (positive = live paid more). */
  readonly slippageVsModelBps: number;
  readonly fundingLive: number;
  readonly note: string;
  /** Decisions live and in the backtest on the same data points; matchRate = matched / (live + backtest - matched). */
  readonly signals?: { readonly live: number; readonly shadow: number; readonly matched: number; readonly matchRate: number };
  /** The divergence guards crossed now (config `divergence`), each said in a sentence. */
  readonly guards?: readonly string[];
  /**
   * The expectation band: the 5th-95th percentile of the shadow's round-trip PnL sums, block-
   * bootstrapped; where the live round trips' sum falls (percentile 0..100) and whether within.
   */
  readonly band?: { readonly low: number; readonly high: number; readonly live: number; readonly percentile: number; readonly within: boolean; readonly trades: number } | undefined;
}

export interface EquityView {
  readonly times: readonly number[];
  readonly values: readonly number[];
}

export type EventLevel = 'info' | 'warn' | 'error' | 'audit';

export interface EventRow {
  readonly ts: number;
  readonly level: EventLevel;
  readonly text: string;
}

export interface WorkstationSnapshot {
  readonly status: StatusView;
  readonly positions: readonly PositionRow[];
  readonly orders: readonly OrderRow[];
  readonly diffs: readonly DiffRow[];
  readonly funding: readonly FundingRow[];
  readonly latency: LatencyView;
  readonly divergence: DivergenceView;
  readonly equity: EquityView;
  /** Most recent last. */
  readonly events: readonly EventRow[];
}

/**
 * Operator commands. Each returns once the command is dispatched to the engine (not when its
 * effects are done); the snapshot shows the effects. `reason` goes to the audit journal.
 */
export type OperatorCommand =
  | { readonly type: 'pause'; readonly reason: string }
  /**
   * Leaving PAUSED set by the operator needs only a reason; leaving HALTED or any state the engine
   * entered by itself also needs `confirmed: true` (the TUI asks y, `parity ctl resume --confirm`).
   */
  | { readonly type: 'resume'; readonly reason: string; readonly confirmed?: boolean }
  /** The operator's choice on a diff that waits for one (DiffRow.choices): audited with the reason. */
  | { readonly type: 'resolve'; readonly diffId: string; readonly choice: DiffChoice; readonly reason: string }
  | { readonly type: 'flatten'; readonly reason: string }
  | { readonly type: 'halt'; readonly reason: string }
  | { readonly type: 'reconcile' }
  | { readonly type: 'quit'; readonly reason: string };

export interface CommandResult {
  readonly ok: boolean;
  readonly message: string;
}

/** What the UI is given: a snapshot source and a command sink. */
export interface Workstation {
  snapshot(): WorkstationSnapshot;
  /** Called whenever something changed (possibly very often: the UI throttles). Returns an unsubscribe. */
  subscribe(listener: () => void): () => void;
  send(cmd: OperatorCommand): Promise<CommandResult>;
}

/** Whether a trading state was set by the operator (its reason says so), not by the engine. */
export function setByOperator(reason: string): boolean {
  return reason.trim().toLowerCase().startsWith('operator');
}
