/**
 * Reconciliation diffs between the engine's books and the venue: critical first, then warnings,
 * newest first within a severity; the message column shrinks to fit, and carries the kind when
 * the kind column does not fit.
 */
import type { DiffRow, DiffSeverity, WorkstationSnapshot } from '../../workstation/model.ts';
import { DataTable, type DataColumn } from '../DataTable.tsx';
import { fitTable } from '../table-fit.ts';
import { fmtClock, oneLine } from '../format.ts';
import type { Tone } from '../theme.ts';
import { Empty } from './Empty.tsx';
import type { PaneProps } from './pane-props.ts';

const RANK: Record<DiffSeverity, number> = { critical: 0, warn: 1, info: 2 };
const TONE: Record<string, Tone> = { CRIT: 'red', warn: 'yellow', info: 'gray' };

const SEV_LABEL: Record<DiffSeverity, string> = { critical: 'CRIT', warn: 'warn', info: 'info' };

// The message says the most: below 28 characters it is kept and the kind column goes instead.
const COLUMNS: readonly DataColumn[] = [
  { key: 'sev', priority: 10, tone: (t) => TONE[t.trim()] },
  { key: 'kind', priority: 4 },
  { key: 'symbol', priority: 7 },
  { key: 'message', priority: 9, flex: true, minWidth: 28 },
  { key: 'resolution', priority: 6, tone: (t) => (t.trim() === 'pending' ? 'yellow' : undefined) },
  { key: 'time', priority: 3 },
];

/** Critical first, then by time, newest first. */
export function sortDiffs(diffs: readonly DiffRow[]): DiffRow[] {
  return [...diffs].sort((a, b) => RANK[a.severity] - RANK[b.severity] || b.ts - a.ts);
}

export function diffsSummary(s: WorkstationSnapshot): string {
  if (s.diffs.length === 0) return 'in sync';
  const n = (sev: DiffSeverity) => s.diffs.filter((d) => d.severity === sev).length;
  return `${n('critical')} critical · ${n('warn')} warn · ${n('info')} info`;
}

export function DiffsPane({ snap, width, height }: PaneProps) {
  if (snap.diffs.length === 0) return <Empty text="no differences: local books match the venue" width={width} />;
  const full = sortDiffs(snap.diffs).map((d) => ({
    sev: SEV_LABEL[d.severity],
    kind: oneLine(d.kind),
    symbol: d.symbol ?? '',
    message: oneLine(d.message),
    resolution: oneLine(d.resolution),
    time: fmtClock(d.ts),
  }));
  // Where the kind column does not fit (80 columns), the kind leads the message instead: only then
  // are the (changed) rows fitted a second time; the common fit is the one drawn.
  const fitted = fitTable(COLUMNS, full, width, height);
  const table = fitted.columns.some((c) => c.key === 'kind')
    ? fitted
    : fitTable(COLUMNS, full.map((r) => ({ ...r, message: `${r.kind}: ${r.message}` })), width, height);
  return <DataTable table={table} width={width} noun="diffs" />;
}
