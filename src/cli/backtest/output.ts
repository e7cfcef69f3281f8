/**
 * What a backtest prints and writes: the human summary (with the equity chart and the volatility
 * regimes), the --json object for scripts, and CSV exports of fills and the equity curve.
 */
import { writeFileSync } from 'node:fs';
import { brailleChart } from '../../render/braille-chart.ts';
import { isoTime } from '../../data/index.ts';
import { fmtDataQuality } from '../../workstation/format.ts';
import type { BacktestResult, Instrument, Params, RegimeStats, Summary } from '../../engine/index.ts';
import type { VenueModels } from '../../paper/index.ts';
import type { BacktestReport } from './run.ts';

/**
 * What the outputs show of one simulated run, whatever fed it: a backtest over candle files, or a
 * replay over a session's recording (src/cli/replay). One shape, so `--json` is the same object.
 */
export interface RunView {
  readonly strategyName: string;
  readonly params: Params;
  readonly instruments: readonly Instrument[];
  readonly market: 'spot' | 'perp';
  readonly seed: number;
  readonly models: VenueModels;
  readonly startingCash: number;
  /** First bar's open time and the end (exclusive), epoch ms; null without data. */
  readonly from: number | null;
  readonly to: number | null;
  readonly intervalMs: number | undefined;
  /** Bars in the data (the summary's count). */
  readonly bars: number;
  readonly regimeWindow: number;
  readonly result: BacktestResult;
  readonly summary: Summary;
  readonly regimes: readonly RegimeStats[];
  readonly finalEquity: number;
  readonly totalFees: number;
  readonly totalFunding: number;
  readonly warnings: readonly string[];
  /** Taker fills whose slippage the bar's range capped, and the cost that removed (quote currency). */
  readonly slippageCapped: { readonly fills: number; readonly amount: number };
}

/** A backtest report as a RunView. */
export function viewOfBacktest(r: BacktestReport): RunView {
  const first = r.series[0];
  return {
    strategyName: r.strategyName,
    params: r.params,
    instruments: r.instruments,
    market: r.spec.market,
    seed: r.spec.seed,
    models: r.spec.models,
    startingCash: r.spec.cash,
    from: first === undefined ? null : (first.series.ts[first.from] as number),
    to: first === undefined ? null : (first.series.ts[first.to - 1] as number) + first.series.interval,
    intervalMs: first?.series.interval,
    bars: r.series.reduce((n, l) => n + (l.to - l.from), 0),
    regimeWindow: r.spec.regimeWindow,
    result: r.result,
    summary: r.summary,
    regimes: r.regimes,
    finalEquity: r.finalEquity,
    slippageCapped: r.slippageCapped,
    totalFees: r.totalFees,
    totalFunding: r.totalFunding,
    warnings: r.warnings,
  };
}

const fmtMoney = (v: number): string => v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : 'n/a');
const shortTime = (ms: number): string => isoTime(ms).slice(0, 16).replace('T', ' ');

function intervalName(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

function latencyText(r: RunView): string {
  const l = r.models.latency;
  if (l.kind === 'fixed') return `${l.ms} ms`;
  if (l.kind === 'uniform') return `uniform ${l.minMs}-${l.maxMs} ms`;
  if (l.kind === 'empirical') return `empirical, ${l.samplesMs.length} samples`;
  return `lognormal median ${l.medianMs} ms, p99 ${l.p99Ms} ms`;
}

export interface TextOptions {
  readonly color: boolean;
  readonly width: number;
  readonly chart: boolean;
}

export function summaryText(r: BacktestReport, o: TextOptions): string {
  return runText(viewOfBacktest(r), o);
}

/** The human summary of a run (see summaryText). */
export function runText(r: RunView, o: TextOptions): string {
  const s = r.summary;
  const m = r.models;
  const cur = r.instruments[0]?.quote ?? '';
  const lines: string[] = [];
  const bars = r.bars;
  const range = r.from === null || r.to === null ? '' : `${shortTime(r.from)} -> ${shortTime(r.to)}`;
  const params = Object.entries(r.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  lines.push(
    `${r.strategyName} (${params})  ${r.instruments.map((i) => i.symbol).join(', ')} ${r.intervalMs === undefined ? '' : intervalName(r.intervalMs)} ${r.market}  ${range}  ${bars.toLocaleString('en-US')} bars  seed ${r.seed}`,
  );
  lines.push(
    `costs: taker ${(m.fees.taker * 1e4).toFixed(2)} bps, maker ${(m.fees.maker * 1e4).toFixed(2)} bps, spread ${m.spread.bps} bps + ${m.spread.ticks} tick, slippage ${m.slippage.fixedBps} bps, impact Y=${m.slippage.impact}, latency ${latencyText(r)}, participation ${m.fills.maxParticipation * 100}%, range cap ${m.fills.rangeCap === false ? 'off' : 'on'}${m.fills.takerPieces === undefined ? '' : `, takers in pieces ${(m.fills.takerPieces.share * 100).toFixed(0)}% x ${m.fills.takerPieces.pieces.toFixed(2)}`}`,
  );
  lines.push('');
  const row = (k: string, v: string): string => `  ${k.padEnd(14)} ${v}`;
  lines.push(row('Net PnL', `${fmtMoney(s.netPnl)} ${cur} (${pct(s.returnPct)})`));
  lines.push(row('Fees', `${fmtMoney(s.fees)} ${cur}`));
  lines.push(row('Funding', `${fmtMoney(s.funding)} ${cur}${s.funding < 0 ? ' (paid)' : s.funding > 0 ? ' (received)' : ''}`));
  lines.push(row('Trades', `${s.trades} round trips, ${s.fills} fills, win rate ${pct(s.winRate)}`));
  lines.push(row('Sharpe', `${s.sharpe.toFixed(2)} (annualized, per-bar returns)`));
  lines.push(row('Max drawdown', `${pct(s.maxDrawdown)} (${fmtMoney(s.maxDrawdownAbs)} ${cur})`));
  lines.push(row('Exposure', `${pct(s.exposure)} of the time in the market`));
  lines.push(row('Final equity', `${fmtMoney(r.finalEquity)} ${cur}`));
  const capped = r.slippageCapped;
  if (capped.fills > 0) lines.push(row('Range cap', `${capped.fills} taker fills kept inside their bar's high-low, ${fmtMoney(capped.amount)} ${cur} of slippage removed`));
  const dq = r.result.dataQuality;
  if (dq.dropped > 0 || dq.gaps > 0) lines.push(`data: ${fmtDataQuality(dq)}`);
  for (const h of r.result.holds) lines.push(`guard ${h.source}: ${h.action} at ${shortTime(h.tsInit)}: ${h.reason}`);
  for (const f of r.result.fills.filter((x) => x.liquidation === true)) {
    lines.push(row('LIQUIDATED', `${f.symbol} ${f.side} ${f.lastQty} at ${f.lastPx} on ${shortTime(f.tsEvent)}, clearance fee ${fmtMoney(Number(f.fee))} ${cur}`));
  }
  if (o.chart && r.result.equity.length > 1) {
    lines.push('', `Equity (${cur})`);
    lines.push(brailleChart(r.result.equity, { width: Math.min(o.width, 100) - 2, height: 10, color: o.color, format: (v) => fmtMoney(v) }));
  }
  if (r.regimes.length > 0) {
    lines.push('', `By volatility regime (terciles of ${r.regimeWindow}-bar realized volatility, known before each bar)`);
    lines.push(`  ${'regime'.padEnd(7)} ${'vol/bar'.padEnd(16)} ${'bars'.padStart(7)} ${'PnL'.padStart(11)} ${'Sharpe'.padStart(7)} ${'fills'.padStart(6)} ${'in market'.padStart(9)}`);
    for (const g of r.regimes) {
      lines.push(
        `  ${g.regime.padEnd(7)} ${`${(g.volFrom * 100).toFixed(3)}-${(g.volTo * 100).toFixed(3)}%`.padEnd(16)} ${String(g.bars).padStart(7)} ${fmtMoney(g.pnl).padStart(11)} ${g.sharpe.toFixed(2).padStart(7)} ${String(g.fills).padStart(6)} ${pct(g.exposure).padStart(9)}`,
      );
    }
  }
  if (r.warnings.length > 0) {
    lines.push('', `Data warnings (${r.warnings.length}):`);
    for (const w of r.warnings.slice(0, 5)) lines.push(`  - ${w}`);
    if (r.warnings.length > 5) lines.push(`  ... and ${r.warnings.length - 5} more`);
  }
  return lines.join('\n');
}

/** The --json object without its fills: what a sweep reports of each run (the same figures, by the same code). */
export function reportFields(r: BacktestReport) {
  return runFields(viewOfBacktest(r));
}

function runFields(r: RunView) {
  return {
    strategy: r.strategyName,
    params: r.params,
    symbols: r.instruments.map((i) => i.symbol),
    market: r.market,
    seed: r.seed,
    from: r.from,
    to: r.to,
    bars: r.result.steps,
    models: r.models,
    startingCash: r.startingCash,
    finalEquity: r.finalEquity,
    totalFees: r.totalFees,
    totalFunding: r.totalFunding,
    netPnl: r.summary.netPnl,
    slippageCapped: r.slippageCapped,
    dataQuality: { dropped: r.result.dataQuality.dropped, ...r.result.dataQuality.counts, gaps: r.result.dataQuality.gaps, missingBars: r.result.dataQuality.missingBars },
    summary: r.summary,
    regimes: r.regimes,
    /** Guard holds set during the run (a breached loss limit): entries stopped from `ts` on, as live stops them. */
    guards: r.result.holds.map((h) => ({ source: h.source, action: h.action, reason: h.reason, ts: h.tsInit })),
    warnings: r.warnings,
  };
}

/** The --json object. Fills carry ts (ms, the bar they executed in), side, price, qty and fee. */
export function reportJson(r: BacktestReport): object {
  return runJson(viewOfBacktest(r));
}

/** The --json object of a run (see reportJson): a replay prints the same shape. */
export function runJson(r: RunView): object {
  return {
    ...runFields(r),
    fills: r.result.fills.map((f) => ({
      ts: f.tsEvent,
      symbol: f.symbol,
      side: f.side,
      price: f.lastPx,
      qty: f.lastQty,
      fee: Number(f.fee),
      feeExact: f.fee,
      liquidity: f.liquidity,
      orderId: f.clientOrderId,
      ...(f.liquidation === true ? { liquidation: true } : {}),
    })),
  };
}

export function writeFillsCsv(r: BacktestReport, path: string): void {
  const rows = ['ts,time,symbol,side,price,qty,fee,liquidity,order_id,trade_id'];
  for (const f of r.result.fills) {
    rows.push([f.tsEvent, isoTime(f.tsEvent), f.symbol, f.side, f.lastPx, f.lastQty, f.fee, f.liquidity, f.clientOrderId, f.tradeId].join(','));
  }
  writeFileSync(path, rows.join('\n') + '\n');
}

export function writeEquityCsv(r: BacktestReport, path: string): void {
  const rows = ['ts,time,equity,exposure'];
  const { equityTs, equity, exposure } = r.result;
  for (let i = 0; i < equity.length; i++) {
    const t = equityTs[i] as number;
    rows.push(`${t},${isoTime(t)},${equity[i]},${exposure[i]}`);
  }
  writeFileSync(path, rows.join('\n') + '\n');
}
