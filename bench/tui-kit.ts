/**
 * Pieces of the TUI benchmark: a terminal and a keyboard as Ink sees them (the terminal's bytes
 * really go to /dev/null), CPU of another process, stalls from the event-loop histogram, and one
 * measurement window.
 */
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFileSync, writeSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { quantile } from './kit.ts';

export const STALL_MS = 20;

/** Epoch ms with sub-ms precision, comparable across threads. */
export const epoch = (): number => performance.timeOrigin + performance.now();
export const round = (x: number, digits = 2): number => Number(x.toFixed(digits));
export const maxOf = (xs: readonly number[]): number => (xs.length === 0 ? NaN : Math.max(...xs));

/** A terminal as Ink sees it: a TTY of a fixed size; every write really goes to /dev/null. */
export class FakeTty extends EventEmitter {
  readonly isTTY = true;
  constructor(
    readonly columns: number,
    readonly rows: number,
    private readonly fd: number,
    private readonly onWrite: (bytes: number) => void,
  ) {
    super();
  }
  write(data: string | Uint8Array, ...rest: unknown[]): boolean {
    this.onWrite(typeof data === 'string' ? writeSync(this.fd, data) : writeSync(this.fd, data));
    (rest.find((x) => typeof x === 'function') as (() => void) | undefined)?.();
    return true;
  }
}

/** A raw-mode keyboard as Ink reads it ('readable' + read(), see ink-testing-library). */
export class FakeKeyboard extends EventEmitter {
  readonly isTTY = true;
  private readonly chunks: string[] = [];
  press(keys: string): void {
    this.chunks.push(keys);
    this.emit('readable');
  }
  read(): string | null {
    return this.chunks.shift() ?? null;
  }
  setRawMode(): this {
    return this;
  }
  setEncoding(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
}

/** utime + stime of a process in ms (Linux /proc; NaN elsewhere). */
export function cpuMsOf(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(f[11]) + Number(f[12])) * 10; // USER_HZ = 100
  } catch {
    return NaN;
  }
}

/** Share of the summed delays (~ wall time) in stalls of at least `ms`, from the histogram's percentile steps. */
export function stallShare(h: IntervalHistogram, ms: number): number {
  let prev = 0;
  let total = 0;
  let stalled = 0;
  for (const [p, ns] of [...h.percentiles].sort((a, b) => a[0] - b[0])) {
    const w = ((p - prev) / 100) * h.count * ns;
    total += w;
    if (ns >= ms * 1e6) stalled += w;
    prev = p;
  }
  return total === 0 ? NaN : (stalled / total) * 100;
}

export interface Counters {
  trades: number;
  orders: number;
  frames: number;
  bytes: number;
  recording: boolean;
  frameLatency: number[];
}

/** What one window measured: event-loop delay (ms), CPU (% of one core), rates per second. */
export type Figures = Record<string, number>;

export function openWindow(c: Counters, child: ChildProcess): () => Figures {
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const before = { ...c, cpu: process.cpuUsage(), child: cpuMsOf(child.pid), t: performance.now() };
  c.frameLatency.length = 0;
  c.recording = true;
  return () => {
    lag.disable();
    c.recording = false;
    const ms = performance.now() - before.t;
    const cpu = process.cpuUsage(before.cpu);
    const perSec = (n: number, digits = 0): number => round((n * 1000) / ms, digits);
    return {
      'window (s)': round(ms / 1000, 1),
      'trade events/s': perSec(c.trades - before.trades),
      'orders submitted/s': perSec(c.orders - before.orders, 1),
      'event-loop delay p50 (ms)': round(lag.percentile(50) / 1e6),
      'event-loop delay p99 (ms)': round(lag.percentile(99) / 1e6),
      'event-loop delay p99.9 (ms)': round(lag.percentile(99.9) / 1e6),
      'event-loop delay max (ms)': round(lag.max / 1e6),
      [`wall time in stalls >= ${STALL_MS} ms (%)`]: round(stallShare(lag, STALL_MS), 1),
      'CPU (% of one core)': round(((cpu.user + cpu.system) / 1000 / ms) * 100, 1),
      'exchange child CPU (% of one core)': round(((cpuMsOf(child.pid) - before.child) / ms) * 100, 1),
      'frames/s': perSec(c.frames - before.frames, 1),
      'bytes written/s': perSec(c.bytes - before.bytes),
      'snapshot read -> frame written p50 (ms)': round(quantile(c.frameLatency, 0.5)),
      'snapshot read -> frame written max (ms)': round(maxOf(c.frameLatency)),
    };
  };
}
