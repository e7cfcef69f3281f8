/** A scheduler and clock under the test's control: time moves only with advance(). */
import type { Clock, Scheduler } from '../../src/engine/index.ts';

export class ManualScheduler implements Scheduler, Clock {
  private t = 0;
  private seq = 0;
  private timers: { at: number; seq: number; fn: () => void }[] = [];
  private deferred: (() => void)[] = [];

  now(): number {
    return this.t;
  }

  schedule(fn: () => void, ms: number): () => void {
    const timer = { at: this.t + ms, seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  defer(fn: () => void): void {
    this.deferred.push(fn);
  }

  /** Runs deferred work, then timers due within `ms`, in time order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await this.flush();
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (next === undefined || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
    await this.flush();
  }

  /** Runs deferred callbacks and lets promise continuations settle. */
  async flush(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      while (this.deferred.length > 0) (this.deferred.shift() as () => void)();
      await new Promise<void>((r) => setImmediate(r));
    }
  }
}
