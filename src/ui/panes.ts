/**
 * The eight panes, in hotkey order: id, number key, title and short tab label. One list, so the
 * tab bar, the help screen, the key handling and the grid can never disagree about numbering.
 */

export type PaneId = 'positions' | 'orders' | 'diffs' | 'funding' | 'latency' | 'divergence' | 'equity' | 'events';

export interface PaneInfo {
  readonly id: PaneId;
  /** The number key that selects it ("1".."8"). */
  readonly key: string;
  readonly title: string;
  /** Tab bar label. */
  readonly short: string;
  /** Tab bar label when the short ones do not fit with their badges. */
  readonly tiny: string;
}

export const PANES: readonly PaneInfo[] = [
  { id: 'positions', key: '1', title: 'Positions', short: 'Pos', tiny: 'Pos' },
  { id: 'orders', key: '2', title: 'Open orders', short: 'Orders', tiny: 'Orders' },
  { id: 'diffs', key: '3', title: 'Reconciliation', short: 'Diffs', tiny: 'Diffs' },
  { id: 'funding', key: '4', title: 'Funding', short: 'Funding', tiny: 'Fund' },
  { id: 'latency', key: '5', title: 'Latency', short: 'Latency', tiny: 'Lat' },
  { id: 'divergence', key: '6', title: 'Live vs backtest', short: 'Diverg', tiny: 'Div' },
  { id: 'equity', key: '7', title: 'Equity', short: 'Equity', tiny: 'Equity' },
  { id: 'events', key: '8', title: 'Events', short: 'Events', tiny: 'Events' },
];

export function paneInfo(id: PaneId): PaneInfo {
  return PANES.find((p) => p.id === id) ?? (PANES[0] as PaneInfo);
}

/** The pane a number key selects, if any. */
export function paneForKey(key: string): PaneId | undefined {
  return PANES.find((p) => p.key === key)?.id;
}

/** The next pane in tab order (`step` -1 for the previous one), wrapping around. */
export function cyclePane(id: PaneId, step: 1 | -1): PaneId {
  const i = PANES.findIndex((p) => p.id === id);
  const n = PANES.length;
  return (PANES[(i + step + n) % n] as PaneInfo).id;
}
