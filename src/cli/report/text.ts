/** `parity report` for a person: the headline figures, the attribution, the band, the tables, the chart. */
import { isoTime } from '../../data/index.ts';
import { brailleChart } from '../../render/braille-chart.ts';
import { fmtBps, fmtFixed, fmtMs } from '../../workstation/format.ts';
import { table } from '../sweep/report.ts';
import type { ReportRun } from './report.ts';
import type { Percentiles } from './measures.ts';
import type { TradeSide } from './trades.ts';

export interface ReportTextOptions {
  readonly color: boolean;
  readonly width: number;
  readonly chart: boolean;
}

const money = (v: number): string => fmtFixed(v, 4);
const ms = (v: number | null): string => (v === null ? 'n/a' : fmtMs(v));
const bps = (v: number | null): string => (v === null ? 'n/a' : fmtBps(v));
const time = (t: number): string => isoTime(t).slice(5, 16).replace('T', ' ');

export function reportText(run: ReportRun, o: ReportTextOptions): string {
  const r = run.report;
  const s = r.session;
  const out: string[] = [];
  out.push(
    `divergence report: ${s.strategy}, the ${s.mode} session on ${s.venue} started ${isoTime(s.startedAt).slice(0, 19).replace('T', ' ')} UTC (${s.stopped === null ? 'did not stop cleanly' : `stopped: ${s.stopped}`}); ${s.dataPoints} data points`,
  );
  out.push('');
  out.push(
    `  signals   ${r.signals.matched} of ${r.signals.live} live decisions reproduced by the execution-held replay (match rate ${(r.signals.matchRate * 100).toFixed(1)}%; ${r.signals.replay} in the replay)`,
  );
  out.push(`  fills     ${r.fills.live} live, ${r.fills.replay} in the replay, ${r.fills.matched} alike (same order, side, size and price)`);
  out.push(`  PnL       live ${money(r.pnl.live)}, replay ${money(r.pnl.replay)}, gap ${money(r.pnl.gap)} (gross of the live round trips ${money(r.pnl.gross)})`);
  out.push('');
  out.push('Where the gap comes from (counterfactual replays, each changing one thing; docs/attribution.md)');
  const a = r.attribution;
  const share = (v: number): string => (r.pnl.gross === 0 ? '' : `${((100 * Math.abs(v)) / r.pnl.gross).toFixed(1)}%`);
  const rows: [string, number, string][] = [
    [
      'data',
      a.data,
      r.data.source.startsWith('none') ? 'not measured: no venue record' : `${r.data.missed} missed, ${r.data.late} late, ${r.data.different} different of ${r.data.compared} venue bars`,
    ],
    ['execution', a.execution, "the live fills instead of the simulator's"],
    ['cost', a.cost, 'the fees and funding charged instead of modelled'],
    ['logic', a.logic, 'the live fills of decisions the replay did not make'],
    ['residual', a.residual, 'the live books against the replay of all their events'],
  ];
  out.push(...table(['class', 'PnL', '|x|/gross', 'what changed'], [...rows.map(([k, v, w]) => [k, money(v), share(v), w]), ['= gap', money(r.pnl.gap), '', '']], 1));
  out.push('');
  const b = r.band;
  out.push(
    b.percentile === null
      ? '  band      no replay round trips to resample'
      : `  band      live round trips ${money(b.live)}: ${b.within === true ? 'within' : 'OUTSIDE'} the replay's 5-95% band [${money(b.low)}, ${money(b.high)}], percentile ${b.percentile.toFixed(1)} (block bootstrap, ${b.trades} trades, blocks of ${b.block}, ${b.resamples} resamples)`,
  );
  const f = r.funding;
  out.push(
    `  funding   expected ${money(f.expected)}, charged ${money(f.charged)}, diff ${money(f.diff)} over ${f.payments} payments${f.mismatches > 0 ? ` (${f.mismatches} off by more than a cent: a reconciliation diff)` : ''}`,
    ...f.mismatched.map(
      (l) =>
        `    DIFF ${l.symbol} ${time(l.time)}: charged ${money(l.charged)}, expected ${money(l.expected)} (rate ${l.rate} x position ${l.position} x mark ${l.mark}, from the ${l.source === 'data' ? 'funding data received' : "venue's payment"}), diff ${money(l.diff)}`,
    ),
  );
  const sl = r.slippage;
  out.push(`  slippage  live ${bps(sl.liveBps)} bps (p50 ${bps(sl.p50)}, p95 ${bps(sl.p95)}), model ${bps(sl.modelBps)} bps`);
  out.push('');
  out.push('Latency (ms)');
  const lat = (k: string, p: Percentiles): string[] => [k, String(p.n), ms(p.p50), ms(p.p90), ms(p.p99)];
  const l = r.latency;
  out.push(...table(['', 'n', 'p50', 'p90', 'p99'], [lat('submit -> ack', l.submitAck), lat('ack -> fill', l.ackFill), lat('cancel -> ack', l.cancelAck), lat('feed lag', l.feedLag)], 1));
  if (r.trades.length > 0) {
    out.push('', 'Trades (live | replay)');
    const cell = (t: TradeSide | null): string[] =>
      t === null ? ['-', '', '', '', '', ''] : [time(t.time), t.side, String(t.qty), String(Math.round(t.price * 1e6) / 1e6), money(t.fee), money(t.funding)];
    const shown = r.trades.slice(0, 20);
    out.push(
      ...table(
        ['time', 'side', 'qty', 'price', 'fee', 'funding', '|', 'time', 'side', 'qty', 'price', 'fee', 'funding', 'class'],
        shown.map((t) => [...cell(t.live), '|', ...cell(t.replay), t.class]),
        2,
      ),
    );
    if (r.trades.length > shown.length) out.push(`  ... and ${r.trades.length - shown.length} more (--json has them all)`);
  }
  if (o.chart && run.equity.live.length > 1) {
    out.push('', `Equity: live (green) and replay (yellow)`);
    out.push(brailleChart(run.equity.live, { width: Math.min(o.width, 100) - 2, height: 10, color: o.color, format: (v) => fmtFixed(v, 2), second: run.equity.replay }));
  }
  return out.join('\n');
}
