/**
 * Monitors: what the engine measures about itself while it runs, in every mode.
 *
 * - Order latencies from the kernel's messages, each leg timed on the engine clock between the
 *   message that starts it and the one that ends it: submit -> ack (OrderSubmitted ->
 *   OrderAccepted), ack -> first fill, cancel -> ack (OrderPendingCancel -> OrderCanceled).
 * - Feed lag: when a market data point was used minus when the venue says it happened (a bar:
 *   minus its close time). Funding updates carry a future settlement time and are not counted.
 *
 * Windows are bounded (the newest `capacity` samples), and so are the legs in progress (an order
 * whose ending message never comes, e.g. a cancel overtaken by the last fill, is dropped oldest
 * first), so memory stays flat over a long session; percentiles are computed on demand (a few
 * times a second for the UI), not per sample.
 */
import type { LoggedMessage } from '../model/events.ts';
import type { MarketData } from '../model/market-data.ts';

export interface LatencySummary {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  /** Samples seen in total (not only those in the window). */
  readonly count: number;
  /** The newest samples, oldest first (for a sparkline). */
  readonly recent: readonly number[];
}

/** A bounded window of latency samples, ms. */
export class LatencyWindow {
  private readonly buf: Float64Array;
  private next = 0;
  private total = 0;

  constructor(readonly capacity = 1024) {
    this.buf = new Float64Array(capacity);
  }

  add(ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.buf[this.next] = ms < 0 ? 0 : ms;
    this.next = (this.next + 1) % this.capacity;
    this.total++;
  }

  get count(): number {
    return this.total;
  }

  /** Percentiles over the window (NaN when empty) and the newest `recent` samples. */
  summary(recent = 40): LatencySummary {
    const n = Math.min(this.total, this.capacity);
    const ordered = new Float64Array(n);
    for (let i = 0; i < n; i++) ordered[i] = this.buf[(this.next - n + i + this.capacity) % this.capacity] as number;
    const sorted = ordered.slice().sort();
    const q = (p: number): number => (n === 0 ? NaN : (sorted[Math.min(n - 1, Math.floor(p * n))] as number));
    return { p50: q(0.5), p90: q(0.9), p99: q(0.99), count: this.total, recent: Array.from(ordered.subarray(Math.max(0, n - recent))) };
  }
}

/** Legs in progress kept at most; far above the orders a session has open at once. */
const MAX_OPEN_LEGS = 10_000;

/** Starts a leg; beyond the cap the oldest one is dropped (Maps keep insertion order). */
function start(legs: Map<string, number>, id: string, t: number): void {
  legs.set(id, t);
  if (legs.size > MAX_OPEN_LEGS) legs.delete(legs.keys().next().value as string);
}

/** Order round-trip legs, from the kernel's messages. */
export class OrderLatencyMonitor {
  readonly submitToAck = new LatencyWindow();
  readonly ackToFill = new LatencyWindow();
  readonly cancelToAck = new LatencyWindow();
  private readonly submitted = new Map<string, number>();
  private readonly accepted = new Map<string, number>();
  private readonly canceling = new Map<string, number>();

  onMessage(m: LoggedMessage): void {
    switch (m.type) {
      case 'OrderSubmitted':
        start(this.submitted, m.clientOrderId, m.tsInit);
        return;
      case 'OrderAccepted': {
        const t = this.submitted.get(m.clientOrderId);
        if (t !== undefined) this.submitToAck.add(m.tsInit - t);
        this.submitted.delete(m.clientOrderId);
        start(this.accepted, m.clientOrderId, m.tsInit);
        return;
      }
      case 'OrderFilled': {
        const t = this.accepted.get(m.clientOrderId);
        if (t !== undefined) this.ackToFill.add(m.tsInit - t);
        this.accepted.delete(m.clientOrderId); // the first fill only
        this.submitted.delete(m.clientOrderId);
        return;
      }
      case 'OrderPendingCancel':
        start(this.canceling, m.clientOrderId, m.tsInit);
        return;
      case 'OrderCanceled': {
        const t = this.canceling.get(m.clientOrderId);
        if (t !== undefined) this.cancelToAck.add(m.tsInit - t);
        this.forget(m.clientOrderId);
        return;
      }
      case 'OrderCancelRejected':
        this.canceling.delete(m.clientOrderId);
        return;
      case 'OrderRejected':
      case 'OrderDenied':
      case 'OrderExpired':
        this.forget(m.clientOrderId);
        return;
      default:
        return;
    }
  }

  private forget(id: string): void {
    this.submitted.delete(id);
    this.accepted.delete(id);
    this.canceling.delete(id);
  }
}

/** Market data lag: time used minus venue time. */
export class FeedLagMonitor {
  readonly lag = new LatencyWindow();
  /** Engine time of the newest market data, or 0. */
  lastAt = 0;

  onData(d: MarketData, now: number): void {
    this.lastAt = now;
    if (d.type === 'funding') return;
    this.lag.add(now - (d.type === 'bar' ? d.tsInit : d.tsEvent));
  }
}
