/**
 * Equity over time as a braille line chart (src/render/braille-chart.ts), with the change over the
 * window and the largest drawdown above it and the time span below. The canvas is asked for plain
 * text and colored through Ink (green when up over the window, red when down), so NO_COLOR and the
 * rest of the theme apply to it like to any other text.
 */
import { Box } from 'ink';
import { maxDrawdown } from '../../engine/index.ts';
import type { WorkstationSnapshot } from '../../workstation/model.ts';
import { brailleChart } from '../../render/braille-chart.ts';
import { fmtDayMinute, fmtFixed, fmtMoney, fmtSigned, truncate } from '../../workstation/format.ts';
import { Paint } from '../Paint.tsx';
import { signTone } from '../theme.ts';
import { Empty } from './Empty.tsx';
import type { PaneProps } from './pane-props.ts';

export interface EquityStats {
  readonly last: number;
  readonly change: number;
  /** Change over the window as a fraction of its first value. */
  readonly changePct: number;
  /** Largest peak-to-trough fall, as a negative fraction of the peak (0 when none). */
  readonly maxDrawdown: number;
}

export function equityStats(values: readonly number[]): EquityStats | undefined {
  const first = values[0];
  const last = values[values.length - 1];
  if (first === undefined || last === undefined) return undefined;
  // The engine's drawdown (the backtest report's), peak starting at the first sample; it is a
  // positive fraction, shown here as the fall it is (0, not -0, when there was none).
  const { frac } = maxDrawdown(values, first);
  return { last, change: last - first, changePct: first !== 0 ? (last - first) / first : 0, maxDrawdown: frac === 0 ? 0 : -frac };
}

const pct = (f: number) => `${f > 0 ? '+' : ''}${fmtFixed(f * 100, 2)}%`;

export function equitySummary(s: WorkstationSnapshot): string {
  const st = equityStats(s.equity.values);
  return st === undefined ? 'no samples yet' : `${fmtMoney(st.last)} ${s.status.currency} · ${pct(st.changePct)}`;
}

export function EquityPane({ snap, width, height }: PaneProps) {
  const { values, times } = snap.equity;
  const st = equityStats(values);
  if (st === undefined) return <Empty text="no equity samples yet" width={width} />;
  const head = `${fmtMoney(st.last)} ${snap.status.currency}  change ${fmtSigned(st.change)} (${pct(st.changePct)})  max drawdown ${pct(st.maxDrawdown)}`;
  const chartH = Math.max(1, height - 2);
  const chart = brailleChart(values, { width, height: chartH, color: false, format: (v) => fmtFixed(v, 0) });
  const from = times[0];
  const to = times[times.length - 1];
  const span = from !== undefined && to !== undefined ? [fmtDayMinute(from), fmtDayMinute(to)] : undefined;
  const axis = span === undefined ? '' : `${span[0]}${' '.repeat(Math.max(1, width - (span[0]?.length ?? 0) - (span[1]?.length ?? 0)))}${span[1]}`;
  return (
    <Box flexDirection="column" width={width}>
      <Paint tone={signTone(st.change)}>{truncate(head, width)}</Paint>
      {chart.split('\n').map((line, i) => (
        <Paint key={i} tone={st.change < 0 ? 'red' : 'green'}>
          {truncate(line, width)}
        </Paint>
      ))}
      {height >= 3 && axis !== '' ? <Paint tone="gray">{truncate(axis, width)}</Paint> : null}
    </Box>
  );
}
