import { describe, expect, it } from 'vitest';
import { fitLine, type Segment } from '../../src/ui/segments.ts';

const text = (l: readonly Segment[]) => l.map((s) => s.text).join('|');

describe('fitLine', () => {
  it('keeps everything that fits and right-aligns the right group', () => {
    const f = fitLine([{ text: 'LIVE' }, { text: 'binanceusdm' }], [{ text: '13:41:07 UTC' }], 40);
    expect(text(f.left)).toBe('LIVE|binanceusdm');
    expect(f.pad).toBe(40 - 4 - 2 - 11 - 12);
  });

  it('drops what matters less than the flexible segment, then shortens it, then drops more', () => {
    const left: Segment[] = [
      { text: 'HALTED', priority: 10 },
      { text: 'venue rejected 5 orders in a row: -2019 margin is insufficient', flex: true, minWidth: 12, priority: 5 },
      { text: 'user up', priority: 1 },
    ];
    const f = fitLine(left, [], 60);
    expect(text(f.left)).toBe('HALTED|venue rejected 5 orders in a row: -2019 margin is i…');
    const g = fitLine(left, [], 25);
    expect(text(g.left)).toBe('HALTED|venue rejected 5…');
    // Below the flexible segment's minimum, it goes.
    const h = fitLine(left, [], 18);
    expect(text(h.left)).toBe('HALTED');
    // A more important segment stays while the flexible one shortens.
    const keep = fitLine([...left.slice(0, 2), { text: 'user up', priority: 9 }], [], 40);
    expect(text(keep.left)).toBe('HALTED|venue rejected 5 order…|user up');
  });

  it('a lone segment cut to one character shows the cut mark', () => {
    expect(text(fitLine([{ text: 'HALTED' }], [], 1).left)).toBe('…');
  });

  it('never exceeds the width', () => {
    const left: Segment[] = Array.from({ length: 10 }, (_, i) => ({ text: `segment-${i}`, priority: i }));
    for (let w = 1; w < 140; w++) {
      const f = fitLine(left, [{ text: 'right side' }], w);
      const used = [...f.left, ...f.right].reduce((a, s) => a + s.text.length, 0) + Math.max(0, f.left.length - 1) * 2 + Math.max(0, f.right.length - 1) * 2 + f.pad;
      expect(used).toBeLessThanOrEqual(w);
    }
  });
});
