/**
 * Guard holds: the engine trades at the most restrictive of the operator's trading state and the
 * holds its guards put on it (active < reducing < halted; see `holdState`). One hold per source:
 * `loss-limit:daily`, `loss-limit:drawdown` (set here, from the equity the kernel reports after
 * every fill, mark and funding payment), `feed:stale:<symbol>`, `drift:latency`, `drift:clock`
 * (set and lifted by the shell's monitors through the kernel).
 *
 * Invariants: setting and lifting are journaled (HoldSet, HoldLifted), and so is every move of the
 * equity peak (EquityPeak), so a replay or a restart rebuilds the same holds. A loss-limit hold is
 * never lifted here: only `lift` (the operator's confirmed resume) takes it away.
 */
import type { SubmitOrder } from '../model/commands.ts';
import type { EquityPeak, HoldLifted, HoldSet } from '../model/events.ts';
import { strategyId, type ClientOrderId, type StrategyId } from '../model/ids.ts';
import type { Instrument } from '../model/instrument.ts';
import { reducesPosition } from '../components/risk-gate.ts';
import { holdState, stricter, type Hold, type HoldAction, type LossAction, type TradingState } from '../model/trading.ts';

/** The loss limits a kernel enforces with holds. */
export interface LossLimits {
  /** Daily loss limit, account currency (the risk gate's `dailyLossLimit`). Infinity: none. */
  readonly dailyLossLimit: number;
  /** What a breach of the daily limit does. Default reduce-only. */
  readonly dailyLossAction: LossAction;
  /** Largest drawdown from the equity peak, percent (0..100). Infinity: none. */
  readonly maxDrawdownPct: number;
  /** What a breach of the drawdown limit does. Default reduce-only. */
  readonly drawdownAction: LossAction;
}

export const DEFAULT_LOSS_LIMITS: LossLimits = { dailyLossLimit: Infinity, dailyLossAction: 'reduce-only', maxDrawdownPct: Infinity, drawdownAction: 'reduce-only' };

export const DAILY = 'loss-limit:daily';
export const DRAWDOWN = 'loss-limit:drawdown';

/** Orders a flatten hold places are this pseudo-strategy's (ids P-guard-N, journaled like any). */
export const GUARD = strategyId('guard');

/** Under a reduce-rate hold: the least time between two new entries, ms. */
export const REDUCED_RATE_MS = 60_000;

const RANK: Record<TradingState, number> = { active: 0, reducing: 1, halted: 2 };

export interface HoldsDeps {
  readonly limits: LossLimits;
  now(): number;
  emit(m: HoldSet | HoldLifted | EquityPeak): void;
}

export class Holds {
  private readonly held = new Map<string, Hold>();
  private peakEquity: number | undefined;
  /** The UTC day whose daily breach the operator lifted: it does not fire again that day. */
  private dailyLiftedDay: number | undefined;
  private lastEntryAt = -Infinity;

  constructor(private readonly d: HoldsDeps) {
    this.limited = Number.isFinite(d.limits.dailyLossLimit) || Number.isFinite(d.limits.maxDrawdownPct);
  }

  /** Takes saved holds and the peak (a restart). */
  restore(holds: readonly Hold[] | undefined, peak: number | undefined): void {
    for (const h of holds ?? []) this.held.set(h.source, h);
    this.peakEquity = peak;
  }

  list(): Hold[] {
    return [...this.held.values()];
  }

  get(source: string): Hold | undefined {
    return this.held.get(source);
  }

  /** A loss limit is configured (otherwise checkLoss has nothing to do). Read on every mark: fixed at construction, as the limits are. */
  readonly limited: boolean;

  get peak(): number | undefined {
    return this.peakEquity;
  }

  /** Sets (or changes) a hold; returns it when something changed (a repeat of the same hold is not journaled again). */
  set(source: string, action: HoldAction, reason: string, equity?: number): Hold | undefined {
    const old = this.held.get(source);
    if (old !== undefined && old.action === action) return undefined;
    const h: Hold = { source, action, reason, since: this.d.now() };
    this.held.set(source, h);
    this.d.emit({ type: 'HoldSet', source, action, reason, ...(equity === undefined ? {} : { equity }), tsInit: h.since });
    return h;
  }

  /** Lifts a hold; false when there was none. */
  lift(source: string, reason: string): boolean {
    if (!this.held.delete(source)) return false;
    this.d.emit({ type: 'HoldLifted', source, reason, tsInit: this.d.now() });
    return true;
  }

  /**
   * The operator lifts the loss-limit holds (a confirmed resume with a reason): the drawdown counts
   * from `equity` again (the peak is reset to it) and a daily breach of `day` does not fire again
   * that day. Returns the sources lifted.
   */
  liftLossLimits(reason: string, equity: number, day: number | undefined): string[] {
    const lifted = [DAILY, DRAWDOWN].filter((s) => this.lift(s, reason));
    if (lifted.includes(DRAWDOWN) && Number.isFinite(equity)) this.movePeak(equity);
    if (lifted.includes(DAILY)) this.dailyLiftedDay = day;
    return lifted;
  }

  /** The state the holds impose (active when none). */
  state(): TradingState {
    if (this.held.size === 0) return 'active'; // the usual case, asked several times per order: no iterator
    let s: TradingState = 'active';
    for (const h of this.held.values()) s = stricter(s, holdState(h.action));
    return s;
  }

  /** The hold that imposes the most (ties: the first set), or undefined when no hold restricts the state. */
  strictest(): Hold | undefined {
    let best: Hold | undefined;
    for (const h of this.held.values()) if (holdState(h.action) !== 'active' && (best === undefined || RANK[holdState(h.action)] > RANK[holdState(best.action)])) best = h;
    return best;
  }

  /** A hold with this action is in force. */
  has(action: HoldAction): boolean {
    if (this.held.size === 0) return false;
    for (const h of this.held.values()) if (h.action === action) return true;
    return false;
  }

  /**
   * After every fill, mark and funding payment: moves the peak to a new high and fires a loss limit
   * breached now. `day`: the current UTC day's start (undefined before the first). Returns the holds
   * newly set.
   */
  checkLoss(equity: number, dailyPnl: number, day: number | undefined): Hold[] {
    if (!Number.isFinite(equity)) return [];
    const out: Hold[] = [];
    const l = this.d.limits;
    if (Number.isFinite(l.maxDrawdownPct)) {
      if (this.peakEquity === undefined || equity > this.peakEquity) this.movePeak(equity);
      const peak = this.peakEquity as number;
      const dd = peak > 0 ? ((peak - equity) / peak) * 100 : 0;
      if (dd >= l.maxDrawdownPct && !this.held.has(DRAWDOWN)) {
        const why = `drawdown limit reached: equity ${equity.toFixed(2)} is ${dd.toFixed(2)}% under its peak ${peak.toFixed(2)} (limit ${l.maxDrawdownPct}%); ${l.drawdownAction}`;
        const h = this.set(DRAWDOWN, l.drawdownAction, why, equity);
        if (h !== undefined) out.push(h);
      }
    }
    if (Number.isFinite(l.dailyLossLimit) && dailyPnl <= -l.dailyLossLimit && !this.held.has(DAILY) && (day === undefined || day !== this.dailyLiftedDay)) {
      const why = `daily loss limit reached: ${dailyPnl.toFixed(2)} <= -${l.dailyLossLimit} on the day; ${l.dailyLossAction}`;
      const h = this.set(DAILY, l.dailyLossAction, why, equity);
      if (h !== undefined) out.push(h);
    }
    return out;
  }

  /** Under a reduce-rate hold, at most one new entry (an order that does not reduce `position`) per REDUCED_RATE_MS; everything else passes. */
  entryAllowed(cmd: SubmitOrder, position: number, now: number): boolean {
    if (!this.has('reduce-rate') || cmd.reduceOnly || reducesPosition(position, cmd.side, cmd.qty)) return true;
    if (now - this.lastEntryAt < REDUCED_RATE_MS) return false;
    this.lastEntryAt = now;
    return true;
  }

  private movePeak(equity: number): void {
    this.peakEquity = equity;
    this.d.emit({ type: 'EquityPeak', equity, tsInit: this.d.now() });
  }
}

/** Reduce-only market orders (IOC) that close every open position: what a flatten hold sends. */
export function closingOrders(books: readonly { readonly inst: Instrument; readonly qty: number }[], nextId: (s: StrategyId) => ClientOrderId, now: number): SubmitOrder[] {
  return books
    .filter((b) => b.qty !== 0)
    .map((b) => ({
      type: 'SubmitOrder',
      strategyId: GUARD,
      clientOrderId: nextId(GUARD),
      symbol: b.inst.symbol,
      side: b.qty > 0 ? 'sell' : 'buy',
      orderType: 'market',
      qty: Math.abs(b.qty),
      timeInForce: 'ioc',
      postOnly: false,
      reduceOnly: true,
      tsInit: now,
    }));
}
