/** The real event loop behind the engine's Scheduler port (timers and deferred work). */
import type { Scheduler } from '../engine/index.ts';

export const nodeScheduler: Scheduler = {
  // Timers keep the process alive on purpose: a request waiting out a backoff is work in progress.
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  defer: (fn) => void setImmediate(fn),
};
