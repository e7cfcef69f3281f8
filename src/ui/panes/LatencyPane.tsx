/**
 * Latency: submit->ack, ack->fill, cancel->ack and market-data feed lag, as p50/p90/p99 in ms over
 * `n` samples, with a block sparkline of the recent samples (oldest left) in the room left over.
 */
import { Box } from 'ink';
import type { LatencyStat, WorkstationSnapshot } from '../../workstation/model.ts';
import { sparkline } from '../../render/sparkline.ts';
import { DataTable, type DataColumn } from '../DataTable.tsx';
import { fmtFixed, fmtMs } from '../../workstation/format.ts';
import { fitTable, naturalWidth, TABLE_CHROME } from '../table-fit.ts';
import { Paint } from '../Paint.tsx';
import type { PaneProps } from './pane-props.ts';

const BASE: readonly DataColumn[] = [
  { key: 'ms', priority: 10 },
  { key: 'p50', align: 'right', priority: 9 },
  { key: 'p90', align: 'right', priority: 7 },
  { key: 'p99', align: 'right', priority: 8 },
  { key: 'n', align: 'right', priority: 2 },
];

/** Most samples a sparkline shows. */
const MAX_SPARK = 60;

function metrics(s: WorkstationSnapshot): readonly (readonly [string, LatencyStat])[] {
  return [
    ['submit->ack', s.latency.submitToAck],
    ['ack->fill', s.latency.ackToFill],
    ['cancel->ack', s.latency.cancelToAck],
    ['feed lag', s.latency.feedLag],
  ];
}

export function latencySummary(s: WorkstationSnapshot): string {
  return `submit->ack p99 ${fmtMs(s.latency.submitToAck.p99)} ms · feed lag p99 ${fmtMs(s.latency.feedLag.p99)} ms`;
}

export function LatencyPane({ snap, width, height }: PaneProps) {
  const stats = metrics(snap);
  const base = stats.map(([name, st]) => ({
    ms: name,
    p50: st.count > 0 ? fmtMs(st.p50) : '-',
    p90: st.count > 0 ? fmtMs(st.p90) : '-',
    p99: st.count > 0 ? fmtMs(st.p99) : '-',
    n: fmtFixed(st.count, 0),
  }));
  // The sparkline takes what the numbers leave at their natural width (measured, not fitted): its
  // cell plus padding and a border. The table is then fitted once, with or without it.
  const used = naturalWidth(BASE, base);
  const longest = Math.max(...stats.map(([, st]) => st.recent.length));
  const sparkW = Math.min(MAX_SPARK, longest, width - used - 3);
  const withSpark = sparkW >= 6;
  const columns: readonly DataColumn[] = withSpark ? [...BASE, { key: 'recent', priority: 1 }] : BASE;
  const rows = withSpark ? base.map((r, i) => ({ ...r, recent: sparkline(stats[i]?.[1].recent ?? [], sparkW) })) : base;
  const legend = height >= TABLE_CHROME + rows.length + 1;
  return (
    <Box flexDirection="column" width={width}>
      <DataTable table={fitTable(columns, rows, width, height)} width={width} />
      {legend ? <Paint tone="gray">{withSpark ? 'ms; recent = last samples, oldest left, scaled per row' : 'ms'}</Paint> : null}
    </Box>
  );
}
