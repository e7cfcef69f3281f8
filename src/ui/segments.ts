/**
 * One-line text built from segments (the status bar, the tab bar, the help bar), fitted to a width
 * before it is drawn: a flexible segment (a halt reason) is shortened first, then the least
 * important segments are dropped, so the line never wraps. Widths are character counts: every
 * segment is plain text without ANSI codes (color comes from the segment's tone).
 */
import { truncate } from '../workstation/format.ts';
import type { Tone } from './theme.ts';

export interface Segment {
  readonly text: string;
  readonly tone?: Tone | undefined;
  readonly bold?: boolean;
  readonly inverse?: boolean;
  /** Lowest is dropped first when the line is too long (default 0). */
  readonly priority?: number;
  /** Shortened (down to `minWidth`) before anything is dropped. */
  readonly flex?: boolean;
  readonly minWidth?: number;
}

export interface FittedLine {
  readonly left: readonly Segment[];
  readonly right: readonly Segment[];
  /** Spaces between the left and the right group. */
  readonly pad: number;
}

const lengthOf = (segs: readonly Segment[], gap: number): number => segs.reduce((a, s) => a + s.text.length, 0) + Math.max(0, segs.length - 1) * gap;

function shorten(s: Segment, to: number): Segment {
  if (s.text.length <= to) return s;
  return { ...s, text: truncate(s.text, to) };
}

/**
 * Segments of `left` and `right` (right-aligned) that fit in `width`, `gap` spaces apart (and at
 * least `gap` spaces between the two groups when both are present). Segments less important than
 * the flexible one are dropped before it is shortened; when shortening to its minimum is not
 * enough, the least important segment left goes (the flexible one included) and the rest is
 * tried again at full length.
 */
export function fitLine(left: readonly Segment[], right: readonly Segment[], width: number, gap = 2): FittedLine {
  const dropped = new Set<Segment>();
  const prio = (s: Segment) => s.priority ?? 0;
  const lowest = (xs: readonly Segment[]) => xs.reduce((a, s) => (prio(s) < prio(a) ? s : a));
  let l: Segment[] = [...left];
  let r: Segment[] = [...right];
  for (;;) {
    l = left.filter((s) => !dropped.has(s));
    r = right.filter((s) => !dropped.has(s));
    const over = lengthOf(l, gap) + lengthOf(r, gap) + (l.length > 0 && r.length > 0 ? gap : 0) - width;
    if (over <= 0) break;
    const all = [...l, ...r];
    const flex = l.find((s) => s.flex === true);
    const lower = flex === undefined ? [] : all.filter((s) => s !== flex && prio(s) < prio(flex));
    if (lower.length > 0) {
      dropped.add(lowest(lower));
      continue;
    }
    if (flex !== undefined && flex.text.length - over >= (flex.minWidth ?? 8)) {
      l = l.map((s) => (s === flex ? shorten(s, s.text.length - over) : s));
      break;
    }
    if (all.length <= 1) {
      l = l.map((s) => shorten(s, width));
      r = r.map((s) => shorten(s, width));
      break;
    }
    dropped.add(lowest(all));
  }
  const used = lengthOf(l, gap) + lengthOf(r, gap);
  return { left: l, right: r, pad: r.length > 0 ? Math.max(l.length > 0 ? gap : 0, width - used) : 0 };
}
