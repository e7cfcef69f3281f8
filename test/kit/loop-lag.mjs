/**
 * Event-loop lag probe, preloaded into a session process from outside:
 * `node --import ./test/kit/loop-lag.mjs bin/parity.js run ...` with PARITY_LOOP_LAG_FILE set.
 * The session logs no event-loop figure of its own, so the soak test measures it this way,
 * changing nothing in src/. Every second it appends one JSON line to the file: the lag since the
 * start (`p50`, `p99`, `max`) and over the last second (`secondP99`, `secondMax`), ms. Lag is how
 * late a 10 ms timer fired (perf_hooks' histogram counts the 10 ms too; it is taken off).
 * Plain JavaScript: node loads it before bin/parity.js registers tsx.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.PARITY_LOOP_LAG_FILE;
const RESOLUTION_MS = 10;

if (file !== undefined && file !== '') {
  const all = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const second = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  all.enable();
  second.enable();
  const lag = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
  setInterval(() => {
    const line = { t: Date.now(), p50: lag(all.percentile(50)), p99: lag(all.percentile(99)), max: lag(all.max), secondP99: lag(second.percentile(99)), secondMax: lag(second.max) };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
    second.reset();
  }, 1000).unref();
}
