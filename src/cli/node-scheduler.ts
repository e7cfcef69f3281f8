/** The real event loop behind the engine's Scheduler port (timers and deferred work). */
import type { Scheduler } from '../engine/index.ts';

export const nodeScheduler: Scheduler = {
  // Timers keep the process alive on purpose: a request waiting out a backoff is work in progress.
  schedule: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
  defer: (fn) => void setImmediate(fn),
};
