/**
 * Positions: signed size, entry, mark, unrealized and realized PnL and funding per symbol, with
 * the totals below when there is a line for them. Long sizes green, short red; PnL by sign.
 */
import { Box } from 'ink';
import type { WorkstationSnapshot } from '../../workstation/model.ts';
import { DataTable, type DataColumn } from '../DataTable.tsx';
import { fmtPrice, fmtQty, fmtSigned } from '../../workstation/format.ts';
import { Paint } from '../Paint.tsx';
import { signTone } from '../theme.ts';
import { fitTable, TABLE_CHROME } from '../table-fit.ts';
import { Empty } from './Empty.tsx';
import type { PaneProps } from './pane-props.ts';

const COLUMNS: readonly DataColumn[] = [
  { key: 'symbol', priority: 10 },
  { key: 'size', align: 'right', priority: 10, tone: signTone },
  { key: 'entry', align: 'right', priority: 6 },
  { key: 'mark', align: 'right', priority: 7 },
  { key: 'uPnL', align: 'right', priority: 9, tone: signTone },
  { key: 'rPnL', align: 'right', priority: 5, tone: signTone },
  { key: 'funding', align: 'right', priority: 4, tone: signTone },
];

function totals(s: WorkstationSnapshot) {
  let unrealized = 0;
  let realized = 0;
  let funding = 0;
  for (const p of s.positions) {
    unrealized += p.unrealized;
    realized += p.realized;
    funding += p.funding;
  }
  return { unrealized, realized, funding };
}

/** Title summary: "2 open · uPnL +123.45". */
export function positionsSummary(s: WorkstationSnapshot): string {
  const open = s.positions.filter((p) => p.qty !== 0).length;
  return `${open} open · uPnL ${fmtSigned(totals(s).unrealized)}`;
}

export function PositionsPane({ snap, width, height }: PaneProps) {
  if (snap.positions.length === 0) return <Empty text="no positions" width={width} />;
  const rows = snap.positions.map((p) => ({
    symbol: p.symbol,
    size: p.qty > 0 ? `+${fmtQty(p.qty)}` : fmtQty(p.qty),
    entry: p.qty === 0 ? '-' : fmtPrice(p.entry),
    mark: fmtPrice(p.mark),
    uPnL: fmtSigned(p.unrealized),
    rPnL: fmtSigned(p.realized),
    funding: fmtSigned(p.funding),
  }));
  const t = totals(snap);
  const roomForTotals = height >= TABLE_CHROME + rows.length + 1;
  return (
    <Box flexDirection="column" width={width}>
      <DataTable table={fitTable(COLUMNS, rows, width, roomForTotals ? height - 1 : height)} width={width} noun="positions" />
      {roomForTotals ? (
        <Box width={width} height={1}>
          <Paint tone="gray">total </Paint>
          <Paint tone={signTone(t.unrealized)}>{`uPnL ${fmtSigned(t.unrealized)}`}</Paint>
          <Paint tone={signTone(t.realized)}>{`  rPnL ${fmtSigned(t.realized)}`}</Paint>
          <Paint tone={signTone(t.funding)}>{`  funding ${fmtSigned(t.funding)}`}</Paint>
        </Box>
      ) : null}
    </Box>
  );
}
