/**
 * Live divergence guards: while trading, the live session and its shadow backtest
 * (divergence.ts) are compared per signal and per fill, and a configured threshold crossed raises
 * an alert and, with `action: "pause"`, pauses trading through the operator's desk.
 *
 * - signals: each data point's decisions (the strategy's SubmitOrders: symbol, side, type, size,
 *   price, reduce-only) live and in the shadow, matched one for one as multisets. The match rate is
 *   matched / (live + shadow - matched): a decision on either side with no twin counts against it.
 * - slippage: the p95 of live fill slippage against the decision price, beyond the shadow's (the
 *   model's) p95, in bps;
 * - PnL band: live PnL outside the shadow's PnL +- `bandBps` of the notional traded (default 10 bps).
 *
 * Each guard fires once per session (latched): a breach is news once. The comparison is pure
 * (`crossedGuards`); the SignalMatcher only counts.
 */
import type { LoggedMessage } from '../engine/index.ts';

export interface DivergenceGuardConfig {
  /** Signal mismatches allowed: below 1 a share of the decisions (1 - match rate), from 1 a count. */
  readonly maxSignalMismatch?: number | undefined;
  /** Live fill slippage p95 allowed beyond the model's, bps. */
  readonly maxSlippageP95Bps?: number | undefined;
  /** Guard the live PnL against the shadow's band. */
  readonly pnlOutsideBand?: boolean | undefined;
  /** The band's half-width, bps of the notional traded (default 10). */
  readonly bandBps?: number | undefined;
  /** What a crossed guard does besides the alert (default "alert"). */
  readonly action?: 'alert' | 'pause' | undefined;
}

/** A share threshold needs this many decisions before it can fire (one early miss is not a rate). */
export const MIN_DECISIONS_FOR_SHARE = 10;
/** The slippage guard needs this many fills on each side. */
export const MIN_FILLS_FOR_P95 = 5;
export const DEFAULT_BAND_BPS = 10;

export interface SignalCounts {
  readonly live: number;
  readonly shadow: number;
  readonly matched: number;
}

export const matchRate = (c: SignalCounts): number => {
  const union = c.live + c.shadow - c.matched;
  return union === 0 ? 1 : c.matched / union;
};

export interface GuardInput {
  readonly signals: SignalCounts;
  readonly slippage: { readonly liveP95Bps: number; readonly modelP95Bps: number; readonly liveFills: number; readonly modelFills: number };
  readonly pnl: { readonly live: number; readonly shadow: number; readonly notional: number };
}

export type GuardName = 'signals' | 'slippage' | 'pnl';

export interface Breach {
  readonly guard: GuardName;
  readonly message: string;
}

const f2 = (v: number): string => v.toFixed(2);

/** The guards `input` crosses under `cfg` (none configured: none). */
export function crossedGuards(input: GuardInput, cfg: DivergenceGuardConfig): Breach[] {
  const out: Breach[] = [];
  const sig = input.signals;
  const max = cfg.maxSignalMismatch;
  if (max !== undefined) {
    const union = sig.live + sig.shadow - sig.matched;
    const missed = union - sig.matched;
    const crossed = max < 1 ? union >= MIN_DECISIONS_FOR_SHARE && 1 - matchRate(sig) > max : missed > max;
    if (crossed)
      out.push({
        guard: 'signals',
        message: `signals diverge from the backtest: ${sig.matched} of ${union} decisions match (${f2(matchRate(sig) * 100)}%; ${missed} mismatched, ${max < 1 ? `${f2(max * 100)}% allowed` : `${max} allowed`})`,
      });
  }
  const s = input.slippage;
  const maxSlip = cfg.maxSlippageP95Bps;
  if (maxSlip !== undefined && s.liveFills >= MIN_FILLS_FOR_P95 && s.modelFills >= MIN_FILLS_FOR_P95 && s.liveP95Bps - s.modelP95Bps > maxSlip)
    out.push({ guard: 'slippage', message: `live slippage p95 ${f2(s.liveP95Bps)} bps is ${f2(s.liveP95Bps - s.modelP95Bps)} bps beyond the model's ${f2(s.modelP95Bps)} bps (${maxSlip} allowed)` });
  if (cfg.pnlOutsideBand === true) {
    const p = input.pnl;
    const half = ((cfg.bandBps ?? DEFAULT_BAND_BPS) / 10_000) * p.notional;
    if (Math.abs(p.live - p.shadow) > half)
      out.push({
        guard: 'pnl',
        message: `live PnL ${f2(p.live)} is outside the backtest's band ${f2(p.shadow - half)} .. ${f2(p.shadow + half)} (${cfg.bandBps ?? DEFAULT_BAND_BPS} bps of ${f2(p.notional)} traded)`,
      });
  }
  return out;
}

/** The p95 (nearest rank) of `xs`; NaN when empty. */
export function p95(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] as number;
}

const keyOf = (m: LoggedMessage): string | undefined => {
  if (m.type !== 'SubmitOrder') return undefined;
  return [m.symbol, m.side, m.orderType, m.qty, m.price ?? '', m.reduceOnly].join('|');
};

/**
 * Counts decisions live and in the shadow, per data point. Both engines take each data point
 * synchronously, the live one first: what the live strategy decides between two `point()` calls
 * belongs to the data point the shadow takes next.
 */
export class SignalMatcher {
  private liveNow: string[] = [];
  private shadowNow: string[] = [];
  private counts = { live: 0, shadow: 0, matched: 0 };

  constructor(private readonly strategyId: string) {}

  live(m: LoggedMessage): void {
    const k = (m as { strategyId?: string }).strategyId === this.strategyId ? keyOf(m) : undefined;
    if (k !== undefined) this.liveNow.push(k);
  }

  shadow(m: LoggedMessage): void {
    const k = (m as { strategyId?: string }).strategyId === this.strategyId ? keyOf(m) : undefined;
    if (k !== undefined) this.shadowNow.push(k);
  }

  /** Drops what was collected so far without counting it (the start-up, before the first data point). */
  reset(): void {
    this.liveNow = [];
    this.shadowNow = [];
  }

  /** The data point both engines took is done: its decisions are matched and counted. */
  point(): void {
    const left = new Map<string, number>();
    for (const k of this.shadowNow) left.set(k, (left.get(k) ?? 0) + 1);
    let matched = 0;
    for (const k of this.liveNow) {
      const n = left.get(k) ?? 0;
      if (n > 0) {
        matched++;
        left.set(k, n - 1);
      }
    }
    this.counts = { live: this.counts.live + this.liveNow.length, shadow: this.counts.shadow + this.shadowNow.length, matched: this.counts.matched + matched };
    this.reset();
  }

  get total(): SignalCounts {
    return { ...this.counts };
  }
}

/** Fires each crossed guard once: `onBreach` alerts (and pauses, if so configured). */
export class DivergenceGuard {
  private readonly fired = new Set<GuardName>();

  constructor(
    private readonly cfg: DivergenceGuardConfig,
    private readonly onBreach: (b: Breach, action: 'alert' | 'pause') => void,
  ) {}

  get enabled(): boolean {
    return this.cfg.maxSignalMismatch !== undefined || this.cfg.maxSlippageP95Bps !== undefined || this.cfg.pnlOutsideBand === true;
  }

  check(input: GuardInput): void {
    for (const b of crossedGuards(input, this.cfg)) {
      if (this.fired.has(b.guard)) continue;
      this.fired.add(b.guard);
      this.onBreach(b, this.cfg.action ?? 'alert');
    }
  }
}
