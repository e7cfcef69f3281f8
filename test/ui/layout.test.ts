import { describe, expect, it } from 'vitest';
import { allocateHeights, planLayout, type PaneNeed } from '../../src/ui/layout.ts';
import { sampleSnapshot } from '../kit/fake-workstation.ts';

const snap = sampleSnapshot();

describe('planLayout', () => {
  it('is too small below 80x24', () => {
    expect(planLayout({ columns: 79, rows: 40 }, snap, 'positions').kind).toBe('too-small');
    expect(planLayout({ columns: 200, rows: 23 }, snap, 'positions').kind).toBe('too-small');
  });

  it('shows the selected pane and the events at 80x24, within rows - 1 lines', () => {
    const l = planLayout({ columns: 80, rows: 24 }, snap, 'orders');
    expect(l.kind).toBe('single');
    if (l.kind !== 'single') return;
    expect(l.frameHeight).toBe(23);
    expect(l.panes.map((p) => p.id)).toEqual(['orders', 'events']);
    // tab bar + panes = body
    expect(1 + l.panes.reduce((a, p) => a + p.height, 0)).toBe(l.bodyHeight);
    expect(l.panes[0]?.height).toBe(1 + 3 + 4);
  });

  it('gives the events pane the whole body when it is selected', () => {
    const l = planLayout({ columns: 80, rows: 24 }, snap, 'events');
    expect(l.kind === 'single' && l.panes).toEqual([{ id: 'events', height: l.kind === 'single' ? l.bodyHeight - 1 : 0 }]);
  });

  it('lays every pane out in two columns from 120x40, heights within the body', () => {
    const l = planLayout({ columns: 120, rows: 40 }, snap, 'positions');
    expect(l.kind).toBe('grid');
    if (l.kind !== 'grid') return;
    expect(l.columns.flatMap((c) => c.panes.map((p) => p.id)).sort()).toEqual(['diffs', 'divergence', 'equity', 'events', 'funding', 'latency', 'orders', 'positions']);
    expect(l.columns.reduce((a, c) => a + c.width, 0) + 1).toBe(120);
    for (const c of l.columns) {
      expect(c.panes.reduce((a, p) => a + p.height, 0)).toBe(l.bodyHeight);
      for (const p of c.panes) expect(p.height).toBeGreaterThanOrEqual(2);
    }
    expect(l.columns[0]?.width).toBeGreaterThanOrEqual(74);
  });
});

describe('zoom', () => {
  it('keeps the one-pane layout on a grid-sized terminal', () => {
    const l = planLayout({ columns: 160, rows: 50 }, snap, 'latency', true);
    expect(l.kind).toBe('single');
    expect(l.kind === 'single' && l.width).toBe(160);
  });
});

describe('allocateHeights', () => {
  const needs: PaneNeed[] = [
    { id: 'positions', min: 5, want: 7 },
    { id: 'orders', min: 5, want: 20 },
    { id: 'events', min: 4, want: 30, flex: true },
  ];

  it('gives minimums, then the selected pane, then the others, then the flexible one', () => {
    expect(allocateHeights(needs, 40, 'positions')).toEqual([
      { id: 'positions', height: 7 },
      { id: 'orders', height: 20 },
      { id: 'events', height: 13 },
    ]);
    expect(allocateHeights(needs, 20, 'orders')).toEqual([
      { id: 'positions', height: 5 },
      { id: 'orders', height: 11 },
      { id: 'events', height: 4 },
    ]);
  });

  it('never hands out more than there is', () => {
    for (let total = 0; total < 60; total++) {
      const sum = allocateHeights(needs, total, 'events').reduce((a, s) => a + s.height, 0);
      expect(sum).toBeLessThanOrEqual(total);
    }
  });
});
