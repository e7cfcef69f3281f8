/**
 * The intrabar price path the simulator assumes when it only has bars.
 *
 * A bar becomes four points: open at its open time, then the nearer extreme at 1/3 of the interval,
 * the farther extreme at 2/3, and the close at the last millisecond. Between points the price moves
 * linearly; the segment from the previous close to the open takes no time (a gap). An order that
 * arrives inside a bar trades at the interpolated price at its arrival time; a resting limit fills
 * when the path crosses strictly through its price, at the time it crosses.
 */

export interface PathPoint {
  readonly t: number;
  readonly p: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A reusable buffer for `barPath` (the venue keeps one per market: no allocation per bar). */
export function pathBuffer(): Mutable<PathPoint>[] {
  return [0, 1, 2, 3, 4].map(() => ({ t: 0, p: 0 }));
}

/**
 * Writes a bar's path into `out`: the previous close at the open time (a gap of zero duration),
 * then open, the nearer extreme, the farther extreme and the close. Segments are out[i] -> out[i+1].
 */
export function barPath(out: Mutable<PathPoint>[], prevClose: number, tsOpen: number, interval: number, open: number, high: number, low: number, close: number): readonly PathPoint[] {
  const highFirst = high - open < open - low;
  // Plain assignments, no helper closure: this runs for every bar with orders working.
  const p0 = out[0] as Mutable<PathPoint>;
  const p1 = out[1] as Mutable<PathPoint>;
  const p2 = out[2] as Mutable<PathPoint>;
  const p3 = out[3] as Mutable<PathPoint>;
  const p4 = out[4] as Mutable<PathPoint>;
  p0.t = tsOpen;
  p0.p = prevClose;
  p1.t = tsOpen;
  p1.p = open;
  p2.t = tsOpen + Math.floor(interval / 3);
  p2.p = highFirst ? high : low;
  p3.t = tsOpen + Math.floor((2 * interval) / 3);
  p3.p = highFirst ? low : high;
  p4.t = tsOpen + interval - 1;
  p4.p = close;
  return out;
}

/** Price at time t on the segment a -> b (clamped to the segment). */
export function priceAt(a: PathPoint, b: PathPoint, t: number): number {
  if (t <= a.t || b.t === a.t) return t < b.t ? a.p : b.p;
  if (t >= b.t) return b.p;
  return a.p + ((b.p - a.p) * (t - a.t)) / (b.t - a.t);
}

/**
 * First time in [from, b.t] at which the path a -> b trades strictly through `limit` for a resting
 * order on `side` (a buy fills when the price goes below its limit, a sell when it goes above),
 * or undefined when it does not.
 */
export function crossingTime(a: PathPoint, b: PathPoint, from: number, side: 'buy' | 'sell', limit: number): number | undefined {
  const start = Math.max(from, a.t);
  if (start > b.t) return undefined;
  const p0 = priceAt(a, b, start);
  const buy = side === 'buy';
  if (buy ? p0 < limit : p0 > limit) return start;
  if (buy ? !(b.p < limit) : !(b.p > limit)) return undefined;
  // Linear: solve p0 + (b.p - p0) * s = limit, then step to the first ms strictly past it.
  const s = (limit - p0) / (b.p - p0);
  const t = Math.min(b.t, Math.floor(start + s * (b.t - start)) + 1);
  return t;
}

/**
 * First whole ms in [from, b.t] at which the path a -> b is at or beyond `level`: at or below it
 * when `down`, at or above it otherwise (a mark reaching a liquidation price); undefined if never.
 */
export function reachTime(a: PathPoint, b: PathPoint, from: number, down: boolean, level: number): number | undefined {
  const start = Math.max(from, a.t);
  if (start > b.t) return undefined;
  const p0 = priceAt(a, b, start);
  if (down ? p0 <= level : p0 >= level) return start;
  if (down ? !(b.p <= level) : !(b.p >= level)) return undefined;
  const s = (level - p0) / (b.p - p0);
  return Math.min(b.t, Math.ceil(start + s * (b.t - start)));
}
