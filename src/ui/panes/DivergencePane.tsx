/**
 * Live (or paper) against the backtest on the same data: fills, signals (decisions matched on the
 * same data points, and the match rate), PnL, fill slippage against the model in bps, funding, the
 * expectation band (where the live round trips' sum falls among the shadow's, bootstrapped), the
 * divergence guards crossed (in red), and the engine's note. Says "not available" (with the note, which says
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
  const signals = d.signals === undefined || d.signals.live + d.signals.shadow === 0 ? '' : ` · signals ${fmtFixed(d.signals.matchRate * 100, 0)}% match`;
  const guards = d.guards === undefined || d.guards.length === 0 ? '' : ` · ${d.guards.length} guard${d.guards.length === 1 ? '' : 's'} crossed`;
  const band = d.band === undefined ? '' : ` · ${d.band.within ? 'in' : 'OUTSIDE'} band p${fmtFixed(d.band.percentile, 0)}`;
  return `PnL gap ${fmtSigned(d.livePnl - d.backtestPnl)} · slippage ${fmtBps(d.slippageVsModelBps)} bps${guards}${band}${signals}`;
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
  // The expectation band: the live round trips' sum against the shadow's bootstrapped 5-95% band.
  const band = d.band;
  if (band !== undefined)
    rows.push({ metric: 'band 5-95%', live: `p${fmtFixed(band.percentile, 0)}`, backtest: `${fmtSigned(band.low)}..${fmtSigned(band.high)}`, 'live - bt': band.within ? 'within' : 'OUTSIDE' });
  const guards = (d.guards ?? []).flatMap((g) => wrapWords(`guard: ${oneLine(g)}`, width));
  const notes = note === '' ? [] : wrapWords(`note: ${note}`, width);
  // The signals row when there is room for it beside the guards and the note (the title has the rate anyway).
  const sig = d.signals;
  if (sig !== undefined && height >= TABLE_CHROME + rows.length + 1 + guards.length + notes.length)
    rows.splice(1, 0, { metric: 'signals', live: fmtFixed(sig.live, 0), backtest: fmtFixed(sig.shadow, 0), 'live - bt': `${sig.matched} match (${fmtFixed(sig.matchRate * 100, 1)}%)` });
  const tableH = Math.min(height, TABLE_CHROME + rows.length);
  const guardLines = guards.slice(0, Math.max(0, height - tableH));
  const noteLines = notes.slice(0, Math.max(0, height - tableH - guardLines.length));
  return (
    <Box flexDirection="column" width={width}>
      <DataTable table={fitTable(COLUMNS, rows, width, tableH)} width={width} />
      {guardLines.map((l, i) => (
        <Paint key={`g${i}`} tone="red">
          {l}
        </Paint>
      ))}
      {noteLines.map((l, i) => (
        <Paint key={i} tone="gray">
          {l}
        </Paint>
      ))}
    </Box>
  );
}
