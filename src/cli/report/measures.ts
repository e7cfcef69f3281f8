/**
 * What the report measures of one session besides PnL: latency (from the recorded order requests
 * and the wall times of their answers), feed lag (each bar's arrival against the venue's close of
 * it), and slippage (each fill's price against the last price when its order was decided, in bps,
 * signed so that positive means paid more than the decision price).
 */
import type { LoggedMessage, MarketData } from '../../engine/index.ts';
import type { SessionRecording } from '../../persistence/recording.ts';

export interface Percentiles {
  readonly n: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
}

/** The q-quantile (0..1) of `xs` by nearest rank; null when empty. */
export function quantile(xs: readonly number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number;
}

export const percentiles = (xs: readonly number[]): Percentiles => ({ n: xs.length, p50: quantile(xs, 0.5), p90: quantile(xs, 0.9), p99: quantile(xs, 0.99) });

export interface LatencySamples {
  /** Submit request out -> OrderAccepted (or OrderRejected) processed, ms. */
  readonly submitAck: readonly number[];
  /** OrderAccepted -> the order's first fill, ms. */
  readonly ackFill: readonly number[];
  /** Cancel request out -> OrderCanceled processed, ms. */
  readonly cancelAck: readonly number[];
  /** Bar arrival (the engine's time at receipt: the venue clock as estimated) - the bar's close (venue time), ms. */
  readonly feedLag: readonly number[];
}

export function latencySamples(s: SessionRecording): LatencySamples {
  const submitted = new Map<string, number>();
  const canceled = new Map<string, number>();
  for (const r of s.requests) {
    if (r.kind === 'submit' && !submitted.has(r.id)) submitted.set(r.id, r.w);
    if (r.kind === 'cancel' && !canceled.has(r.id)) canceled.set(r.id, r.w);
  }
  const acked = new Map<string, number>();
  const filled = new Set<string>();
  const submitAck: number[] = [];
  const ackFill: number[] = [];
  const cancelAck: number[] = [];
  for (const { w, m } of s.messages) {
    if (m.type === 'OrderAccepted' || m.type === 'OrderRejected') {
      const out = submitted.get(m.clientOrderId);
      if (out !== undefined && !acked.has(m.clientOrderId)) submitAck.push(w - out);
      if (m.type === 'OrderAccepted') acked.set(m.clientOrderId, w);
    } else if (m.type === 'OrderFilled' && !filled.has(m.clientOrderId)) {
      filled.add(m.clientOrderId);
      const at = acked.get(m.clientOrderId);
      if (at !== undefined) ackFill.push(w - at);
    } else if (m.type === 'OrderCanceled') {
      const out = canceled.get(m.clientOrderId);
      if (out !== undefined) cancelAck.push(w - out);
    }
  }
  // Against the engine's time, not the wall: on a venue whose clock is not the wall clock (the
  // local exchange's virtual time, a skewed venue) the wall says nothing about the venue's close.
  const feedLag = s.data.flatMap(({ d }) => (d.type === 'bar' ? [d.tsInit - (d.tsEvent + d.interval)] : []));
  return { submitAck, ackFill, cancelAck, feedLag };
}

/**
 * Per-fill slippage, bps, of the fills in `messages` against the last traded price (a bar's close,
 * a trade's price, a quote's mid) before the data point their order was decided on (`n`, the
 * number of data points delivered: data point n - 1 decided).
 */
export function slippageBps(messages: readonly { readonly n: number; readonly m: LoggedMessage }[], data: readonly MarketData[]): number[] {
  const lastAt = (n: number, sym: string): number | undefined => {
    for (let i = Math.min(n, data.length) - 1; i >= 0; i--) {
      const d = data[i] as MarketData;
      if (d.symbol !== sym) continue;
      if (d.type === 'bar') return d.close;
      if (d.type === 'trade') return d.price;
      if (d.type === 'quote') return (d.bid + d.ask) / 2;
    }
    return undefined;
  };
  const refs = new Map<string, { side: number; ref: number }>();
  const out: number[] = [];
  for (const { n, m } of messages) {
    if (m.type === 'SubmitOrder') {
      const ref = lastAt(n, m.symbol);
      if (ref !== undefined && ref > 0) refs.set(m.clientOrderId, { side: m.side === 'buy' ? 1 : -1, ref });
    } else if (m.type === 'OrderFilled') {
      const r = refs.get(m.clientOrderId);
      if (r !== undefined) out.push((r.side * (m.lastPx - r.ref) * 10_000) / r.ref);
    }
  }
  return out;
}

export const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
