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
export function barPath(
  out: Mutable<PathPoint>[],
  prevClose: number,
  tsOpen: number,
  interval: number,
  open: number,
  high: number,
  low: number,
  close: number,
): readonly PathPoint[] {
  const highFirst = high - open < open - low;
  const set = (i: number, t: number, p: number): void => {
    const pt = out[i] as Mutable<PathPoint>;
    pt.t = t;
    pt.p = p;
  };
  set(0, tsOpen, prevClose);
  set(1, tsOpen, open);
  set(2, tsOpen + Math.floor(interval / 3), highFirst ? high : low);
  set(3, tsOpen + Math.floor((2 * interval) / 3), highFirst ? low : high);
  set(4, tsOpen + interval - 1, close);
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
  const through = (p: number): boolean => (side === 'buy' ? p < limit : p > limit);
  if (through(p0)) return start;
  if (!through(b.p)) return undefined;
  // Linear: solve p0 + (b.p - p0) * s = limit, then step to the first ms strictly past it.
  const s = (limit - p0) / (b.p - p0);
  const t = Math.min(b.t, Math.floor(start + s * (b.t - start)) + 1);
  return t;
}
