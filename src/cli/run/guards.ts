/**
 * The session's stale-feed and venue-drift guards: timers in the shell, holds in the kernel. Every
 * `checkEveryMs` (on the injected scheduler and wall clock) it looks at when each symbol's market
 * data last arrived, the venue's request latency p99 and the clock offset, and sets or lifts the
 * kernel's holds (journaled HoldSet/HoldLifted, so the engine stays pure and a replay sees them).
 *
 * - feed:stale:<symbol>: no data point for the symbol in `staleFeedMs` -> reduce-only (no new
 *   entries); lifted by itself as soon as data arrives again (before that data point is processed).
 * - drift:latency, drift:clock: p99 or |offset| above the threshold -> `driftAction`; lifted by
 *   itself once back under it.
 */
import type { Clock, DriftAction, HoldAction, MarketData, Scheduler } from '../../engine/index.ts';
import type { Config } from '../../config/config.ts';

export interface GuardSettings {
  /** No market data for this long marks a symbol's feed STALE, ms. */
  readonly staleFeedMs: number;
  /** 0: off. */
  readonly latencyP99Ms: number;
  /** 0: off. */
  readonly clockOffsetMs: number;
  readonly driftAction: DriftAction;
}

/**
 * Defaults: a feed is stale after 3 bar intervals (30 s when trades or quotes are subscribed);
 * drift past 2 s p99 or 1 s of clock halves entry sizes. `simulatedClock`: the venue's clock is a
 * simulated one (the local exchange, whose manual mode steps it), so its offset from ours is no
 * drift: the clock guard is off unless the config sets it.
 */
export function guardSettings(config: Config, barInterval: number, ticks: boolean, simulatedClock = false): GuardSettings {
  const g = config.guards ?? {};
  return {
    staleFeedMs: g.staleFeedSec !== undefined ? g.staleFeedSec * 1000 : ticks ? 30_000 : 3 * barInterval,
    latencyP99Ms: g.latencyP99Ms ?? 2000,
    clockOffsetMs: g.clockOffsetMs ?? (simulatedClock ? 0 : 1000),
    driftAction: g.driftAction ?? 'reduce-size',
  };
}

export interface GuardMonitorOptions {
  readonly kernel: { setHold(source: string, action: HoldAction, reason: string): void; liftHold(source: string, reason: string): void };
  readonly symbols: readonly string[];
  readonly settings: GuardSettings;
  /** Local wall clock (arrival times). */
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** Venue request latency p99 over the recent requests, ms (NaN before enough samples). */
  latencyP99(): number;
  /** Venue clock minus local clock, ms. */
  clockOffsetMs(): number;
  /** Lets the engine act on a hold at once (the live runtime's drainNow). */
  wake(): void;
  /** Default 1000. */
  readonly checkEveryMs?: number;
}

export class GuardMonitor {
  private readonly lastAt = new Map<string, number>();
  private readonly stale = new Set<string>();
  private drift = new Map<string, string>();
  private cancel: (() => void) | undefined;

  constructor(private readonly o: GuardMonitorOptions) {}

  /** Starts the clock on every feed (a symbol that never sends anything goes stale too) and the periodic check. */
  start(): void {
    const now = this.o.clock.now();
    for (const s of this.o.symbols) this.lastAt.set(s, now);
    const every = this.o.checkEveryMs ?? 1000;
    const tick = (): void => {
      this.cancel = this.o.scheduler.schedule(tick, every);
      this.check();
    };
    this.cancel = this.o.scheduler.schedule(tick, every);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /** A data point arrived (call before the engine sees it): a stale feed flows again. */
  onData(d: MarketData): void {
    this.lastAt.set(d.symbol, this.o.clock.now());
    if (!this.stale.delete(d.symbol)) return;
    this.o.kernel.liftHold(`feed:stale:${d.symbol}`, `${d.symbol} market data arrives again`);
    this.o.wake();
  }

  /** Symbols whose feed is STALE now. */
  staleSymbols(): string[] {
    return [...this.stale];
  }

  /** Drift guards in force: source -> why. */
  drifting(): ReadonlyMap<string, string> {
    return this.drift;
  }

  /** One look at every guard (the timer calls it; tests may too). */
  check(): void {
    const { settings: s, kernel: k } = this.o;
    const now = this.o.clock.now();
    let changed = false;
    for (const [sym, at] of this.lastAt) {
      if (this.stale.has(sym) || now - at <= s.staleFeedMs) continue;
      this.stale.add(sym);
      k.setHold(
        `feed:stale:${sym}`,
        'reduce-only',
        `${sym} feed STALE: no market data for ${Math.round((now - at) / 1000)} s (limit ${s.staleFeedMs / 1000} s); new entries held until it flows again`,
      );
      changed = true;
    }
    const p99 = this.o.latencyP99();
    const offset = this.o.clockOffsetMs();
    const drift: [string, boolean, string][] = [
      ['drift:latency', s.latencyP99Ms > 0 && Number.isFinite(p99) && p99 > s.latencyP99Ms, `venue latency p99 ${Math.round(p99)} ms > ${s.latencyP99Ms} ms`],
      ['drift:clock', s.clockOffsetMs > 0 && Math.abs(offset) > s.clockOffsetMs, `venue clock off by ${Math.round(offset)} ms (limit ${s.clockOffsetMs} ms)`],
    ];
    for (const [source, over, why] of drift) {
      if (over && !this.drift.has(source)) {
        this.drift.set(source, why);
        k.setHold(source, s.driftAction, `${why}: ${s.driftAction}`);
        changed = true;
      } else if (!over && this.drift.has(source)) {
        this.drift.delete(source);
        k.liftHold(source, `${source.slice(6)} back within bounds`);
        changed = true;
      }
    }
    if (changed) this.o.wake();
  }
}
