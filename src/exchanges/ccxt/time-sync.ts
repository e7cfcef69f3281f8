/**
 * The venue's clock relative to ours: offset = venue time - local time, measured from the
 * midpoint of a fetchTime round trip, smoothed over the best (lowest round-trip) recent samples.
 * The runtime's OffsetClock follows it, and the status bar shows it.
 */
import type { Clock, OffsetClock } from '../../engine/index.ts';
import type { Requester } from './requester.ts';

export interface OffsetSample {
  readonly offsetMs: number;
  readonly rttMs: number;
  readonly at: number;
}

export class TimeSync {
  private samples: OffsetSample[] = [];

  constructor(
    private readonly r: Requester,
    /** Local wall clock. */
    private readonly local: Clock,
    private readonly target?: OffsetClock,
  ) {}

  /**
   * Measures once; returns the sample, or undefined when the venue does not tell its time. `atStart`:
   * the clock takes it as it is, even back (OffsetClock.startAt); later ones never move it back.
   */
  async measure(atStart = false): Promise<OffsetSample | undefined> {
    const t0 = this.local.now();
    const server = await this.r.call('fetchTime', (c) => c.fetchTime());
    const t1 = this.local.now();
    if (server === undefined || !Number.isFinite(server)) return undefined;
    const sample = { offsetMs: server - (t0 + t1) / 2, rttMs: t1 - t0, at: t1 };
    this.samples = [...this.samples.slice(-7), sample];
    if (atStart) this.target?.startAt(this.offsetMs);
    else this.target?.setOffset(this.offsetMs);
    return sample;
  }

  /**
   * Measures at start, trying again after a failure (a 429 or a timeout on the time request): a
   * venue clock left unmeasured reads as ours, and fills it stamps ahead of ours would be asked for
   * too early. Resolves with the first sample, or undefined when the venue does not tell its time
   * (after `attempts` failures the local clock stands in; the periodic measure tries again).
   */
  async measureAtStart(attempts = 4, pauseMs = 500): Promise<OffsetSample | undefined> {
    for (let i = 1; ; i++) {
      try {
        return await this.measure(true);
      } catch (err) {
        if (i >= attempts) return undefined;
        await this.r.sleep(pauseMs * i);
      }
    }
  }

  /** The offset of the lowest-latency recent sample (the least uncertain), 0 before any. */
  get offsetMs(): number {
    if (this.samples.length === 0) return 0;
    return Math.round([...this.samples].sort((a, b) => a.rttMs - b.rttMs)[0]?.offsetMs ?? 0);
  }

  get rttMs(): number | undefined {
    return this.samples[this.samples.length - 1]?.rttMs;
  }
}
