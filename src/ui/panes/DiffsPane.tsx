/**
 * Reconciliation diffs between the engine's books and the venue: those waiting for the operator's
 * choice first (marked "ASK" with the choices they offer; the selected one, which a and x act on,
 * marked ">"), then critical, warnings and info, newest first within each; the message column
 * shrinks to fit, and carries the kind when the kind column does not fit.
 */
import type { DiffRow, DiffSeverity, WorkstationSnapshot } from '../../workstation/model.ts';
import { DataTable, type DataColumn } from '../DataTable.tsx';
import { fitTable } from '../table-fit.ts';
import { fmtClock, oneLine } from '../../workstation/format.ts';
import type { Tone } from '../theme.ts';
import { sortDiffs, waits } from '../../workstation/diff-order.ts';
import { Empty } from './Empty.tsx';
import type { PaneProps } from './pane-props.ts';

const TONE: Record<string, Tone> = { CRIT: 'red', warn: 'yellow', info: 'gray' };

const SEV_LABEL: Record<DiffSeverity, string> = { critical: 'CRIT', warn: 'warn', info: 'info' };

/** The selection mark in the id column (plain text, so it shows without color). */
const MARK = '>';

// The message says the most: below 28 characters it is kept and the kind column goes instead.
// The id (with the selection mark) and what was done (or the choices offered) always stay; what was
// done is cut rather than dropped (an operator's resolution carries its reason, up to 60 characters).
const COLUMNS: readonly DataColumn[] = [
  { key: 'id', priority: 10, tone: (t) => (t.startsWith(MARK) ? 'cyan' : undefined) },
  { key: 'sev', priority: 10, tone: (t) => TONE[t.trim()] },
  { key: 'kind', priority: 4 },
  { key: 'symbol', priority: 7 },
  { key: 'message', priority: 9, flex: true, minWidth: 28 },
  { key: 'resolution', priority: 8, flex: true, minWidth: 'ASK adopt|flatten'.length, tone: (t) => (t.startsWith('ASK') ? 'yellow' : undefined) },
  { key: 'time', priority: 3 },
];

function resolution(d: DiffRow): string {
  return waits(d) ? `ASK ${d.choices.join('|')}` : oneLine(d.resolution);
}

export function diffsSummary(s: WorkstationSnapshot): string {
  if (s.diffs.length === 0) return 'in sync';
  const n = (sev: DiffSeverity) => s.diffs.filter((d) => d.severity === sev).length;
  const asking = s.diffs.filter(waits).length;
  return `${asking > 0 ? `${asking} waiting for you · ` : ''}${n('critical')} critical · ${n('warn')} warn · ${n('info')} info`;
}

export function DiffsPane({ snap, width, height, selectedDiff }: PaneProps) {
  if (snap.diffs.length === 0) return <Empty text="no differences: local books match the venue" width={width} />;
  const full = sortDiffs(snap.diffs).map((d) => ({
    id: `${d.id === selectedDiff ? MARK : ' '}${d.id}`,
    sev: SEV_LABEL[d.severity],
    kind: oneLine(d.kind),
    symbol: d.symbol ?? '',
    message: oneLine(d.message),
    resolution: resolution(d),
    time: fmtClock(d.ts),
  }));
  // Where the kind column does not fit (80 columns), the kind leads the message instead: only then
  // are the (changed) rows fitted a second time; the common fit is the one drawn.
  const fitted = fitTable(COLUMNS, full, width, height);
  const table = fitted.columns.some((c) => c.key === 'kind')
    ? fitted
    : fitTable(
        COLUMNS,
        full.map((r) => ({ ...r, message: `${r.kind}: ${r.message}` })),
        width,
        height,
      );
  return <DataTable table={table} width={width} noun="diffs" />;
}
