/**
 * One-line text built from segments (the status bar, the tab bar, the help bar), fitted to a width
 * before it is drawn: a flexible segment (a halt reason) is shortened first, then the least
 * important segments are dropped, so the line never wraps. Widths are character counts: every
 * segment is plain text without ANSI codes (color comes from the segment's tone).
 */
import type { Tone } from './theme.tsx';

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

const lengthOf = (segs: readonly Segment[], gap: number): number =>
  segs.reduce((a, s) => a + s.text.length, 0) + Math.max(0, segs.length - 1) * gap;

function shorten(s: Segment, to: number): Segment {
  if (s.text.length <= to) return s;
  return { ...s, text: to <= 1 ? s.text.slice(0, to) : `${s.text.slice(0, to - 1)}…` };
}

/**
 * Segments of `left` and `right` (right-aligned) that fit in `width`, `gap` spaces apart (and at
 * least `gap` spaces between the two groups when both are present).
 */
export function fitLine(left: readonly Segment[], right: readonly Segment[], width: number, gap = 2): FittedLine {
  let l = [...left];
  let r = [...right];
  const total = () => lengthOf(l, gap) + lengthOf(r, gap) + (l.length > 0 && r.length > 0 ? gap : 0);
  for (let guard = 0; total() > width && guard < 1000; guard++) {
    const over = total() - width;
    const flexAt = l.findIndex((s) => s.flex === true && s.text.length > (s.minWidth ?? 8));
    if (flexAt >= 0) {
      const s = l[flexAt] as Segment;
      l[flexAt] = shorten(s, Math.max(s.minWidth ?? 8, s.text.length - over));
      continue;
    }
    const all = [...l.map((s, i) => ({ s, side: 'l' as const, i })), ...r.map((s, i) => ({ s, side: 'r' as const, i }))];
    if (all.length <= 1) {
      l = l.map((s) => shorten(s, width));
      r = r.map((s) => shorten(s, width));
      break;
    }
    let drop = all[0] as (typeof all)[number];
    for (const c of all) if ((c.s.priority ?? 0) < (drop.s.priority ?? 0)) drop = c;
    if (drop.side === 'l') l = l.filter((_, i) => i !== drop.i);
    else r = r.filter((_, i) => i !== drop.i);
  }
  const used = lengthOf(l, gap) + lengthOf(r, gap);
  return { left: l, right: r, pad: r.length > 0 ? Math.max(l.length > 0 ? gap : 0, width - used) : 0 };
}
