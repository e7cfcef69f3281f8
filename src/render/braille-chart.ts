/**
 * Line charts in braille, through blessed-contrib's canvas (drawille-canvas-blessed-contrib), which
 * renders to a plain string: usable on a bare terminal (backtest summary) and inside an Ink <Text>.
 * Each character cell holds 2 x 4 dots, so a 60 x 12 chart has 120 x 48 points of resolution.
 */
import { createRequire } from 'node:module';
import type ContextType from 'drawille-canvas-blessed-contrib';

const require = createRequire(import.meta.url);
const Context = require('drawille-canvas-blessed-contrib') as typeof ContextType;

export interface ChartOptions {
  /** Width in characters of the plot area (the axis labels come on top of it). */
  readonly width: number;
  /** Height in text rows. */
  readonly height: number;
  /** ANSI colors in the output; false for plain text (NO_COLOR, pipes). */
  readonly color: boolean;
  /** Formats axis values. */
  readonly format?: (v: number) => string;
  /** A second line on the same scale (drawn in yellow), e.g. a replay beside the live curve. */
  readonly second?: ArrayLike<number>;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Braille line chart of `values` with min/max labels on the left. Empty string when nothing to draw. */
export function brailleChart(values: ArrayLike<number>, o: ChartOptions): string {
  const n = values.length;
  if (n === 0 || o.width < 4 || o.height < 1) return '';
  const fmt = o.format ?? ((v: number) => v.toFixed(2));
  let lo = Infinity;
  let hi = -Infinity;
  for (const series of o.second === undefined ? [values] : [values, o.second]) {
    for (let i = 0; i < series.length; i++) {
      const v = series[i] as number;
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (!Number.isFinite(lo)) return '';
  if (hi === lo) {
    hi += 1;
    lo -= 1;
  }
  const labelW = Math.max(fmt(hi).length, fmt(lo).length);
  const cols = Math.max(2, o.width - labelW - 1);
  const pw = cols * 2;
  const ph = o.height * 4;
  const ctx = new Context(pw, ph);
  const line = (series: ArrayLike<number>, color: string): void => {
    const len = series.length;
    if (len === 0) return;
    ctx.strokeStyle = color;
    ctx.beginPath();
    // One point per pixel column: the bucket's last value, so the line ends where the curve ends.
    for (let x = 0; x < pw; x++) {
      const i = Math.min(len - 1, Math.max(0, Math.floor(((x + 1) * len) / pw) - 1));
      const v = series[i] as number;
      const y = Math.round((ph - 1) * (1 - (v - lo) / (hi - lo)));
      if (x === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
  };
  if (o.second !== undefined) line(o.second, 'yellow');
  line(values, 'green');
  let frame = ctx._canvas.frame();
  if (!o.color) frame = frame.replace(ANSI, '');
  const rows = frame.split('\n').slice(0, o.height);
  return rows
    .map((row, r) => {
      const label = r === 0 ? fmt(hi) : r === rows.length - 1 ? fmt(lo) : '';
      return `${label.padStart(labelW)} ${row}`;
    })
    .join('\n');
}
