/**
 * Live (or paper) against the backtest on the same data: fills, PnL, fill slippage against the
 * model in bps, funding, and the engine's note. Says "not available" (with the note, which says
 * why) when the comparison is off.
 */
import { Box } from 'ink';
import type { WorkstationSnapshot } from '../../workstation/model.ts';
import { DataTable, type DataColumn } from '../DataTable.tsx';
import { fmtBps, fmtFixed, fmtSigned, oneLine, wrapWords } from '../../workstation/format.ts';
import { Paint } from '../Paint.tsx';
import { signTone } from '../theme.ts';
import { fitTable, TABLE_CHROME } from '../table-fit.ts';
import type { PaneProps } from './pane-props.ts';

const COLUMNS: readonly DataColumn[] = [
  { key: 'metric', priority: 10 },
  { key: 'live', align: 'right', priority: 9 },
  { key: 'backtest', align: 'right', priority: 8 },
  { key: 'live - bt', align: 'right', priority: 5, tone: signTone },
];

export function divergenceSummary(s: WorkstationSnapshot): string {
  const d = s.divergence;
  if (!d.available) return 'not available';
  return `PnL gap ${fmtSigned(d.livePnl - d.backtestPnl)} · slippage ${fmtBps(d.slippageVsModelBps)} bps`;
}

export function DivergencePane({ snap, width, height }: PaneProps) {
  const d = snap.divergence;
  const note = oneLine(d.note).trim();
  if (!d.available) {
    const lines = wrapWords(`not available${note === '' ? '' : `: ${note}`}`, width).slice(0, Math.max(1, height));
    return (
      <Box flexDirection="column" width={width}>
        {lines.map((l, i) => (
          <Paint key={i} tone="gray">
            {l}
          </Paint>
        ))}
      </Box>
    );
  }
  const fillGap = d.liveFills - d.backtestFills;
  const rows = [
    { metric: 'fills', live: fmtFixed(d.liveFills, 0), backtest: fmtFixed(d.backtestFills, 0), 'live - bt': fillGap > 0 ? `+${fillGap}` : String(fillGap) },
    { metric: 'PnL', live: fmtSigned(d.livePnl), backtest: fmtSigned(d.backtestPnl), 'live - bt': fmtSigned(d.livePnl - d.backtestPnl) },
    // Already a difference (mean live fill price minus the model's, in bps): one value.
    { metric: 'slip vs model', live: `${fmtBps(d.slippageVsModelBps)} bps`, backtest: 'model', 'live - bt': '' },
    { metric: 'funding', live: fmtSigned(d.fundingLive), backtest: '', 'live - bt': '' },
  ];
  const tableH = Math.min(height, TABLE_CHROME + rows.length);
  const noteLines = note === '' ? [] : wrapWords(`note: ${note}`, width).slice(0, Math.max(0, height - tableH));
  return (
    <Box flexDirection="column" width={width}>
      <DataTable table={fitTable(COLUMNS, rows, width, tableH)} width={width} />
      {noteLines.map((l, i) => (
        <Paint key={i} tone="gray">
          {l}
        </Paint>
      ))}
    </Box>
  );
}
