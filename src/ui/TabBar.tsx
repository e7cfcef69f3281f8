/**
 * The pane tabs of the one-pane layout: every pane's number key and name, the current one in
 * brackets (so it is marked without color too), with small badges (open positions, open orders,
 * diffs with "!" when one is critical). Names shorten, then badges go, when the width runs out.
 */
import type { WorkstationSnapshot } from '../workstation/model.ts';
import { PANES, type PaneId } from './panes.ts';
import { Line } from './Line.tsx';
import type { Segment } from './segments.ts';
import type { Tone } from './theme.ts';

function badge(id: PaneId, s: WorkstationSnapshot): { text: string; tone?: Tone } | undefined {
  switch (id) {
    case 'positions': {
      const n = s.positions.filter((p) => p.qty !== 0).length;
      return n > 0 ? { text: String(n) } : undefined;
    }
    case 'orders':
      return s.orders.length > 0 ? { text: String(s.orders.length) } : undefined;
    case 'diffs': {
      if (s.diffs.length === 0) return undefined;
      const critical = s.diffs.some((d) => d.severity === 'critical');
      return critical ? { text: `${s.diffs.length}!`, tone: 'red' } : { text: String(s.diffs.length), tone: 'yellow' };
    }
    default:
      return undefined;
  }
}

type TabMode = 'full' | 'tiny' | 'names' | 'keys';

/**
 * Tab segments for a width: labels with badges, shorter labels with badges, labels without
 * badges, then keys only. Every tab has the same width selected or not (brackets vs spaces), so
 * switching panes never shifts the bar.
 */
export function tabSegments(s: WorkstationSnapshot, selected: PaneId, width: number): Segment[] {
  const build = (mode: TabMode): Segment[] =>
    PANES.map((p) => {
      const b = mode === 'full' || mode === 'tiny' ? badge(p.id, s) : undefined;
      const name = mode === 'tiny' ? p.tiny : p.short;
      const label = mode === 'keys' ? p.key : `${p.key} ${name}${b !== undefined ? ` ${b.text}` : ''}`;
      const on = p.id === selected;
      return {
        text: on ? `[${label}]` : ` ${label} `,
        tone: on ? 'cyan' : b?.tone,
        bold: on,
        inverse: on,
        priority: 1,
      };
    });
  for (const mode of ['full', 'tiny', 'names', 'keys'] as const) {
    const segs = build(mode);
    if (segs.reduce((a, x) => a + x.text.length, 0) <= width) return segs;
  }
  return build('keys');
}

export function TabBar({ snap, selected, width }: { snap: WorkstationSnapshot; selected: PaneId; width: number }) {
  return <Line left={tabSegments(snap, selected, width)} width={width} gap={0} />;
}
