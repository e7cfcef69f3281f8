/**
 * Screen layout as a pure function of the terminal size and the snapshot: which panes are shown,
 * where, and how many lines each gets. Invariants: every line the app draws fits in `columns`, and
 * the frame is at most `rows - 1` lines (the last row stays free: Ink redraws by erasing the lines
 * it wrote, and a frame as tall as the terminal makes it clear the whole screen on every frame,
 * which flickers over SSH).
 *
 * - below 80x24: a one-line "too small" message and nothing else;
 * - from 80x24: status bar, tab bar, the selected pane, message line, help bar; when the selected
 *   pane leaves 4 lines or more, the latest events fill them (so the log is always in view);
 * - from 120x40: status bar, every pane in a two-column grid, message line, help bar (or, zoomed,
 *   the one-pane layout at full size).
 */
import type { WorkstationSnapshot } from '../workstation/model.ts';
import type { PaneId } from './panes.ts';
import { TABLE_CHROME } from './table-fit.ts';
import { oneLine, wrapWords } from '../workstation/format.ts';

export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;
/** Smallest terminal that gets the grid. */
export const GRID_COLUMNS = 120;
export const GRID_ROWS = 40;

/** Status bar lines at the top; message line and help bar at the bottom. */
export const STATUS_LINES = 2;
export const FOOTER_LINES = 2;

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

export interface PaneSlot {
  readonly id: PaneId;
  /** Lines, the pane's title rule included. */
  readonly height: number;
}

export interface GridColumn {
  readonly width: number;
  readonly panes: readonly PaneSlot[];
}

export type Layout =
  | { readonly kind: 'too-small'; readonly columns: number; readonly rows: number }
  | {
      readonly kind: 'single';
      readonly width: number;
      readonly frameHeight: number;
      readonly bodyHeight: number;
      /** Under the tab bar: the selected pane, then (room permitting) the events. */
      readonly panes: readonly PaneSlot[];
    }
  | {
      readonly kind: 'grid';
      readonly width: number;
      readonly frameHeight: number;
      readonly bodyHeight: number;
      readonly columns: readonly GridColumn[];
    };

/** Grid placement: the trading panes on the left, the measuring panes on the right. */
export const GRID_LEFT: readonly PaneId[] = ['positions', 'orders', 'diffs', 'events'];
export const GRID_RIGHT: readonly PaneId[] = ['equity', 'latency', 'divergence', 'funding'];

export interface PaneNeed {
  readonly id: PaneId;
  /** Fewest useful lines. */
  readonly min: number;
  /** Lines to show everything; extra room beyond every `want` goes to the flexible pane. */
  readonly want: number;
  readonly flex?: boolean;
}

/** Lines of the tab bar above the pane in the one-pane layout. */
export const TAB_LINES = 1;

function tableNeed(id: PaneId, rows: number, extra = 0): PaneNeed {
  const want = rows === 0 ? 2 : 1 + TABLE_CHROME + rows + extra;
  // At least one row, plus the "… N more" line when there are more.
  return { id, min: Math.min(want, 1 + TABLE_CHROME + Math.min(rows, 2)), want };
}

/** How many lines a pane wants for this snapshot at `width` (title rule included). */
export function paneNeed(id: PaneId, s: WorkstationSnapshot, width: number): PaneNeed {
  switch (id) {
    case 'positions':
      // The totals line under the table.
      return tableNeed(id, s.positions.length, 1);
    case 'orders':
      return tableNeed(id, s.orders.length);
    case 'diffs':
      return tableNeed(id, s.diffs.length);
    case 'funding':
      return tableNeed(id, s.funding.length);
    case 'latency':
      // Four metrics and the legend line.
      return { id, min: 1 + TABLE_CHROME + 4, want: 1 + TABLE_CHROME + 4 + 1 };
    case 'divergence': {
      const note = wrapWords(`note: ${oneLine(s.divergence.note)}`, width).length;
      return s.divergence.available ? { id, min: 1 + TABLE_CHROME + 4, want: 1 + TABLE_CHROME + 4 + note } : { id, min: 2, want: 1 + note };
    }
    case 'equity':
      return { id, min: 6, want: 14, flex: true };
    case 'events':
      return { id, min: 4, want: 1 + Math.max(1, s.events.length), flex: true };
  }
}

/**
 * Splits `total` lines among panes: every pane its minimum (in order, while lines last), then the
 * selected pane up to what it wants, then the fixed panes, then the flexible one, then anything
 * left to the flexible pane. The heights always sum to at most `total`.
 */
export function allocateHeights(needs: readonly PaneNeed[], total: number, selected: PaneId): PaneSlot[] {
  const h = new Map<PaneId, number>();
  let left = total;
  for (const n of needs) {
    const take = Math.max(0, Math.min(n.min, left));
    h.set(n.id, take);
    left -= take;
  }
  const grow = (n: PaneNeed): void => {
    const have = h.get(n.id) ?? 0;
    const take = Math.max(0, Math.min(n.want - have, left));
    h.set(n.id, have + take);
    left -= take;
  };
  const sel = needs.find((n) => n.id === selected);
  if (sel !== undefined) grow(sel);
  for (const n of needs) if (n.flex !== true) grow(n);
  for (const n of needs) if (n.flex === true) grow(n);
  const flex = needs.find((n) => n.flex === true) ?? needs[needs.length - 1];
  if (flex !== undefined && left > 0) h.set(flex.id, (h.get(flex.id) ?? 0) + left);
  return needs.map((n) => ({ id: n.id, height: h.get(n.id) ?? 0 }));
}

/**
 * The layout for a terminal of `size` showing `snap` with `selected` as the current pane; `zoom`
 * keeps the one-pane layout on a grid-sized terminal.
 */
export function planLayout(size: TerminalSize, snap: WorkstationSnapshot, selected: PaneId, zoom = false): Layout {
  const { columns, rows } = size;
  if (columns < MIN_COLUMNS || rows < MIN_ROWS) return { kind: 'too-small', columns, rows };
  const frameHeight = rows - 1;
  const bodyHeight = frameHeight - STATUS_LINES - FOOTER_LINES;
  if (zoom || columns < GRID_COLUMNS || rows < GRID_ROWS) {
    const room = bodyHeight - TAB_LINES;
    const ids: PaneId[] = selected === 'events' ? ['events'] : [selected, 'events'];
    const panes = allocateHeights(
      ids.map((id) => ({ ...paneNeed(id, snap, columns), flex: id === 'events' })),
      room,
      selected,
    ).filter((p) => p.height > 0);
    return { kind: 'single', width: columns, frameHeight, bodyHeight, panes };
  }
  // 74 columns hold the positions and orders tables; the right column gets the rest (45 at 120).
  const leftWidth = Math.min(110, Math.max(74, Math.floor(columns * 0.6)));
  const rightWidth = columns - leftWidth - 1;
  const column = (ids: readonly PaneId[], width: number): GridColumn => ({
    width,
    panes: allocateHeights(
      ids.map((id) => paneNeed(id, snap, width)),
      bodyHeight,
      selected,
    ),
  });
  return {
    kind: 'grid',
    width: columns,
    frameHeight,
    bodyHeight,
    columns: [column(GRID_LEFT, leftWidth), column(GRID_RIGHT, rightWidth)],
  };
}
