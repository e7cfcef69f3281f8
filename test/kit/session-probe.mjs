/**
 * A probe preloaded into a session process from outside, for the soak test:
 * `node --import ./test/kit/session-probe.mjs bin/parity.js run ...` with PARITY_PROBE_FILE set.
 * The session logs no event-loop or heap figures of its own; this measures them without
 * changing anything in src/. It appends JSON lines to the file:
 * - every second `{kind: "lag", ...}`: event-loop lag since the start (`p50`, `p99`, `max`) and
 *   over the last second (`secondP99`, `secondMax`), ms. Lag is how late a 10 ms timer fired
 *   (perf_hooks' histogram counts the 10 ms too; it is taken off);
 * - after each major GC `{kind: "gc", heapMb}`: the heap still in use, i.e. live data. Unlike RSS
 *   it does not saw with the young generation and the time of the next collection.
 * Plain JavaScript: node loads it before bin/parity.js registers tsx.
 */
import { appendFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const file = process.env.PARITY_PROBE_FILE;
const RESOLUTION_MS = 10;

if (file !== undefined && file !== '') {
  const write = (line) => appendFileSync(file, `${JSON.stringify({ t: Date.now(), ...line })}\n`);
  const all = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const second = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  all.enable();
  second.enable();
  const lag = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
  setInterval(() => {
    write({ kind: 'lag', p50: lag(all.percentile(50)), p99: lag(all.percentile(99)), max: lag(all.max), secondP99: lag(second.percentile(99)), secondMax: lag(second.max) });
    second.reset();
  }, 1000).unref();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) write({ kind: 'gc', heapMb: Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10 });
    }
  }).observe({ entryTypes: ['gc'] });
}
