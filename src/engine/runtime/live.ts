/**
 * The live runtime: the kernel driven by events as they arrive (market data from a feed, venue
 * events from an exchange or the simulator) instead of by a loop over history. Paper and live mode
 * are the same runtime: paper passes the simulated venue, which also sees every data point (as in a
 * backtest); live passes an exchange adapter. There is no mode flag.
 *
 * Timers and deferred drains go through an injected Scheduler, so the engine itself never touches
 * the wall clock or the event loop; tests inject a manual scheduler.
 */
import type { Bar, MarketData } from '../model/market-data.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { ExecutionPort, MatchingVenue, Scheduler } from '../ports/index.ts';
import { stepData, warmUp } from './step.ts';
import type { TradingCommand } from '../model/commands.ts';
import { MarketDataValidator, type DataFault, type DataQuality, type ValidationConfig } from '../components/market-data-validator.ts';

export interface LiveRuntimeOptions {
  /** The bad-data breaker's settings (config `data.validation`); defaults when absent. */
  readonly validation?: Partial<ValidationConfig>;
  /** Told of each event the breaker dropped (it reached neither the venue nor a strategy). */
  readonly onDataDropped?: (d: MarketData, fault: DataFault) => void;
}

/** A venue that may also match against market data (the simulator, in paper mode). */
export type RuntimeVenue = ExecutionPort & Partial<Pick<MatchingVenue, 'onMarketData'>>;

function isMatching(v: RuntimeVenue): v is MatchingVenue {
  return typeof v.onMarketData === 'function';
}

export class LiveRuntime {
  private readonly matcher: MatchingVenue | undefined;
  private drainQueued = false;
  private cancelTimer: (() => void) | undefined;
  private timerAt = Infinity;
  private stopped = false;
  private readonly validator: MarketDataValidator;
  private readonly onDataDropped: ((d: MarketData, fault: DataFault) => void) | undefined;

  /**
   * The kernel must have been created with `onWake: () => runtime.wake()` (see `wake`), so that
   * venue events arriving between data points get processed.
   */
  constructor(
    readonly kernel: Kernel,
    venue: RuntimeVenue,
    private readonly scheduler: Scheduler,
    options: LiveRuntimeOptions = {},
  ) {
    this.matcher = isMatching(venue) ? venue : undefined;
    this.validator = new MarketDataValidator(options.validation);
    this.onDataDropped = options.onDataDropped;
    kernel.attachVenue(venue);
  }

  /** Starts strategies. Warm-up bars go to strategies first with trading halted, so no order can come from history. */
  start(warmup: readonly Bar[] = []): void {
    warmUp(this.kernel, this.matcher, warmup, this.validator);
    this.kernel.start();
    this.armTimer();
  }

  /** Feeds one market data message (from the feed's callback). */
  onMarketData(d: MarketData): void {
    if (this.stopped) return;
    this.fireDueTimers();
    const fault = stepData(this.kernel, this.matcher, d, this.validator);
    if (fault !== undefined) this.onDataDropped?.(d, fault);
    this.armTimer();
  }

  /** What the bad-data breaker dropped so far, by class, and the gaps it saw. */
  get dataQuality(): DataQuality {
    return this.validator.quality;
  }

  /** An operator command (pause, flatten, halt...): processed right away. */
  command(cmd: TradingCommand): void {
    this.kernel.command(cmd); // wakes this runtime through the kernel's onWake
  }

  /** Schedules a drain soon; many wake-ups before it runs cost one drain. */
  wake(): void {
    if (this.drainQueued || this.stopped) return;
    this.drainQueued = true;
    this.scheduler.defer(() => {
      this.drainQueued = false;
      if (this.stopped) return;
      this.kernel.drain();
      this.armTimer();
    });
  }

  /** Processes what is queued now, not on the next turn (an operator's command must not wait behind a screen render). */
  drainNow(): void {
    if (this.stopped) return;
    this.kernel.drain();
    this.armTimer();
  }

  stop(): void {
    if (this.stopped) return;
    this.kernel.stop();
    this.stopped = true;
    this.cancelTimer?.();
  }

  private fireDueTimers(): void {
    const now = this.kernel.clock.now();
    if (this.kernel.nextTimerAt() <= now) {
      this.kernel.fireTimers(now);
      this.kernel.drain();
    }
  }

  /** Keeps one scheduler timer armed for the kernel's next strategy timer. */
  private armTimer(): void {
    const at = this.kernel.nextTimerAt();
    if (at === this.timerAt) return;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.timerAt = at;
    if (at === Infinity || this.stopped) return;
    this.cancelTimer = this.scheduler.schedule(
      () => {
        this.cancelTimer = undefined;
        this.timerAt = Infinity;
        this.fireDueTimers();
        this.armTimer();
      },
      Math.max(0, at - this.kernel.clock.now()),
    );
  }
}
