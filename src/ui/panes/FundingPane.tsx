/**
 * Funding per position: what it has received or paid so far, when the next funding is and at what
 * rate, and what that rate would pay on the current position (positive rate: longs pay shorts;
 * estimate = -size x mark x rate, from the positions pane's size and mark).
 */
import type { WorkstationSnapshot } from '../../workstation/model.ts';
import { DataTable, type DataColumn } from '../DataTable.tsx';
import { fmtClock, fmtDuration, fmtMoney, fmtRate, fmtSigned } from '../../workstation/format.ts';
import { fitTable } from '../table-fit.ts';
import { signTone } from '../theme.ts';
import { Empty } from './Empty.tsx';
import type { PaneProps } from './pane-props.ts';

const COLUMNS: readonly DataColumn[] = [
  { key: 'symbol', priority: 10 },
  { key: 'so far', align: 'right', priority: 9, tone: signTone },
  { key: 'next in', align: 'right', priority: 7 },
  { key: 'at (UTC)', priority: 3 },
  { key: 'rate', align: 'right', priority: 8 },
  { key: 'est next', align: 'right', priority: 6, tone: signTone },
];

function soFar(total: number): string {
  if (total === 0) return '0.00';
  return total > 0 ? `+${fmtMoney(total)} recv` : `-${fmtMoney(-total)} paid`;
}

/** Estimated next payment on the open position (negative: paid); undefined when unknown. */
export function estimateNext(s: WorkstationSnapshot, symbol: string, rate: number | undefined): number | undefined {
  const p = s.positions.find((x) => x.symbol === symbol);
  if (p === undefined || rate === undefined) return undefined;
  return -p.qty * p.mark * rate;
}

export function fundingSummary(s: WorkstationSnapshot): string {
  const total = s.funding.reduce((a, f) => a + f.total, 0);
  return `net ${fmtSigned(total)} ${s.status.currency}`;
}

export function FundingPane({ snap, width, height }: PaneProps) {
  if (snap.funding.length === 0) return <Empty text="no funding (spot, or no perpetual positions)" width={width} />;
  const now = snap.status.now;
  const rows = snap.funding.map((f) => {
    const est = estimateNext(snap, f.symbol, f.nextRate);
    return {
      symbol: f.symbol,
      'so far': soFar(f.total),
      'next in': f.nextTime === undefined ? 'n/a' : fmtDuration(f.nextTime - now),
      'at (UTC)': f.nextTime === undefined ? '' : fmtClock(f.nextTime),
      rate: fmtRate(f.nextRate),
      'est next': est === undefined ? '' : fmtSigned(est),
    };
  });
  return <DataTable table={fitTable(COLUMNS, rows, width, height)} width={width} noun="symbols" />;
}
