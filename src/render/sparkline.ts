/**
 * Sparklines in block characters (▁▂▃▄▅▆▇█): one sample per character cell, so recent latency
 * samples read at a glance inside a table cell or a status line. Pure and colorless: the output
 * holds no ANSI codes and is exactly min(width, samples) characters wide (never wider than asked).
 */

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

export interface SparklineOptions {
  /** Value drawn as the lowest block (default: the smallest sample shown). */
  readonly min?: number;
  /** Value drawn as the highest block (default: the largest sample shown). */
  readonly max?: number;
}

/**
 * The last `width` samples of `values` (most recent on the right), scaled between min and max.
 * Non-finite samples are drawn as a space; when every sample is equal the line sits at the bottom.
 * Empty string when there is nothing to draw or width < 1.
 */
export function sparkline(values: ArrayLike<number>, width: number, opts: SparklineOptions = {}): string {
  const w = Math.floor(width);
  if (w < 1 || values.length === 0) return '';
  const start = Math.max(0, values.length - w);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = start; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (opts.min !== undefined) lo = opts.min;
  if (opts.max !== undefined) hi = opts.max;
  const span = hi - lo;
  let out = '';
  for (let i = start; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) {
      out += ' ';
      continue;
    }
    const t = span > 0 ? (v - lo) / span : 0;
    const level = Math.min(BLOCKS.length - 1, Math.max(0, Math.round(t * (BLOCKS.length - 1))));
    out += BLOCKS[level];
  }
  return out;
}
