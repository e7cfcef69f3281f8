/**
 * What a sweep prints: the runs ranked by the metric as a table (best first), the overfitting
 * verdict of the best run, the walk-forward windows; and the --json object for scripts, whose
 * `runs[]` carry each run's parameters and the same summary fields `parity backtest --json` has.
 */
import { isoTime } from '../../data/index.ts';
import { pointText, type ParamPoint } from './grid.ts';
import type { SweepResult } from './sweep.ts';
import type { RunOutcome } from './task.ts';

const money = (v: number): string => v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = (v: number | null): string => (v === null || !Number.isFinite(v) ? 'n/a' : `${(v * 100).toFixed(2)}%`);
const day = (ms: number): string => isoTime(ms).slice(0, 16).replace('T', ' ');

/** One run as --json gives it: rank, grid index, the swept values, the resolved parameters, then the backtest's summary fields. */
export function runJson(o: RunOutcome, rank: number): object {
  const { summary, params, from, to, bars, startingCash, finalEquity, totalFees, totalFunding, regimes, guards, warnings } = o.fields;
  return { rank, index: o.index, swept: o.point, params, ...summary, finalEquity, totalFees, totalFunding, startingCash, bars, from, to, regimes, guards, warnings };
}

export function sweepJson(r: SweepResult): object {
  const first = r.ranked[0]?.fields;
  return {
    strategy: first?.strategy ?? r.plan.base.strategy,
    symbols: first?.symbols ?? [],
    market: r.plan.base.market,
    seed: r.plan.base.seed,
    models: r.plan.base.models,
    sortedBy: r.plan.metric,
    points: r.plan.points.length,
    skipped: r.plan.skipped,
    where: r.where,
    elapsedMs: Math.round(r.elapsedMs),
    best: r.ranked[0] === undefined ? null : runJson(r.ranked[0], 1),
    overfit: r.overfit,
    runs: r.ranked.map((o, i) => runJson(o, i + 1)),
    ...(r.walkForward === undefined
      ? {}
      : {
          walkForward: {
            windows: r.walkForward.windows.map((w) => ({
              window: w.window,
              inSample: w.inSample,
              outOfSample: w.outOfSample,
              best: w.best,
              inSampleMetric: w.inSampleMetric,
              outOfSampleMetric: w.outOfSampleMetric,
              outOfSampleRun: runJson(w.run, 1),
            })),
            stitched: r.walkForward.stitched,
          },
        }),
  };
}

/** Plain aligned columns: the first `leftColumns` padded on the right, the rest on the left (numbers). */
export function table(header: readonly string[], rows: readonly (readonly string[])[], leftColumns: number): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string => `  ${cells.map((v, c) => (c < leftColumns ? v.padEnd(widths[c] ?? 0) : v.padStart(widths[c] ?? 0))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

export function sweepText(r: SweepResult, o: { readonly top: number }): string {
  const lines: string[] = [];
  const first = r.ranked[0]?.fields;
  const axes = Object.keys(r.plan.points[0] ?? {});
  const cur = first?.symbols[0]?.replace(/^.*?(USDT|USDC|USD|BUSD|BTC|ETH)$/, '$1') ?? '';
  lines.push(
    `${first?.strategy ?? r.plan.base.strategy} sweep  ${first?.symbols.join(', ') ?? ''} ${r.plan.base.market}  ${first === undefined ? '' : `${day(first.from ?? 0)} -> ${day(first.to ?? 0)}  ${first.bars.toLocaleString('en-US')} bars`}  seed ${r.plan.base.seed}`,
  );
  lines.push(`${r.ranked.length} runs on ${r.where} in ${(r.elapsedMs / 1000).toFixed(1)} s, sorted by ${r.plan.metric}`);
  lines.push('');
  const shown = r.ranked.slice(0, o.top);
  const rows = shown.map((run, i) => {
    const s = run.fields.summary;
    return [String(i + 1), ...axes.map((a) => String(run.point[a])), money(s.netPnl), pct(s.returnPct), s.sharpe.toFixed(2), pct(s.maxDrawdown), String(s.trades), pct(s.winRate), pct(s.exposure)];
  });
  lines.push(...table(['#', ...axes, `net PnL ${cur}`.trim(), 'return', 'Sharpe', 'max DD', 'trades', 'win rate', 'exposure'], rows, 1 + axes.length));
  if (r.ranked.length > shown.length) lines.push(`  ... ${r.ranked.length - shown.length} more (--top N shows more, --json has all)`);
  if (r.plan.skipped.length > 0) {
    lines.push('', `Skipped ${r.plan.skipped.length} point${r.plan.skipped.length === 1 ? '' : 's'} the strategy refuses:`);
    for (const s of r.plan.skipped.slice(0, 5)) lines.push(`  - ${pointText(s.point)}: ${s.reason}`);
    if (r.plan.skipped.length > 5) lines.push(`  ... and ${r.plan.skipped.length - 5} more`);
  }
  const v = r.overfit;
  lines.push('', 'Overfitting odds of the best run (docs/research.md):');
  lines.push(
    `  PBO ${v.pbo === null ? 'n/a (needs 2+ runs)' : `${v.pbo.toFixed(2)} (CSCV, ${v.blocks} blocks, ${v.splits} splits)`}   deflated Sharpe ${v.dsr === null ? 'n/a' : v.dsr.toFixed(2)} (${v.trials} trial${v.trials === 1 ? '' : 's'})`,
  );
  if (v.likelyOverfit) {
    lines.push(`  LIKELY OVERFIT: ${v.reasons.join('; ')}.`);
    lines.push('  Treat the best row as luck until it holds up on data the sweep has not seen (--walk-forward K).');
  } else if (v.pbo !== null) {
    lines.push('  Not flagged: PBO <= 0.5 and DSR >= 0.95.');
  }
  const wf = r.walkForward;
  if (wf !== undefined) {
    lines.push('', `Walk-forward (${wf.windows.length} windows: pick by ${r.plan.metric} in-sample, score on the next segment)`);
    const wrows = wf.windows.map((w) => {
      const s = w.run.fields.summary;
      return [
        String(w.window),
        `${day(w.inSample.from)} -> ${day(w.inSample.to)}`,
        `${day(w.outOfSample.from)} -> ${day(w.outOfSample.to)}`,
        pointText(w.best as ParamPoint),
        fmtMetric(w.inSampleMetric),
        fmtMetric(w.outOfSampleMetric),
        money(s.netPnl),
        String(s.trades),
      ];
    });
    lines.push(...table(['win', 'in-sample', 'out-of-sample', 'picked', `IS ${r.plan.metric}`, `OOS ${r.plan.metric}`, 'OOS PnL', 'trades'], wrows, 4));
    const st = wf.stitched;
    lines.push(
      `  stitched out-of-sample: net PnL ${money(st.netPnl)} ${cur}, return ${pct(st.returnPct)}, Sharpe ${st.sharpe.toFixed(2)}, ${st.trades} trades over ${st.bars.toLocaleString('en-US')} bars, worst window drawdown ${pct(st.worstDrawdown)}`,
    );
  }
  return lines.join('\n');
}

function fmtMetric(v: number | null): string {
  if (v === null) return 'n/a';
  return Math.abs(v) >= 100 ? money(v) : v.toFixed(Math.abs(v) < 1 ? 4 : 2);
}
