/**
 * The only clock the UI uses: the render throttle and the message-line timer take a Scheduler, so
 * tests can drive time by hand. Render logic itself never reads the clock (engine time comes with
 * the snapshot).
 */

export interface Scheduler {
  /** Monotonic milliseconds. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds; the returned function cancels it. */
  schedule(fn: () => void, ms: number): () => void;
}

export const realScheduler: Scheduler = {
  now: () => performance.now(),
  schedule(fn, ms) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};
