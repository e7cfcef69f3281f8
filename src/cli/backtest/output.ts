/**
 * What a backtest prints and writes: the human summary (with the equity chart and the volatility
 * regimes), the --json object for scripts, and CSV exports of fills and the equity curve.
 */
import { writeFileSync } from 'node:fs';
import { brailleChart } from '../../render/braille-chart.ts';
import { isoTime } from '../../data/index.ts';
import type { BacktestReport } from './run.ts';

const fmtMoney = (v: number): string => v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : 'n/a');
const shortTime = (ms: number): string => isoTime(ms).slice(0, 16).replace('T', ' ');

function intervalName(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

function latencyText(r: BacktestReport): string {
  const l = r.spec.models.latency;
  if (l.kind === 'fixed') return `${l.ms} ms`;
  if (l.kind === 'uniform') return `uniform ${l.minMs}-${l.maxMs} ms`;
  return `lognormal median ${l.medianMs} ms, p99 ${l.p99Ms} ms`;
}

export interface TextOptions {
  readonly color: boolean;
  readonly width: number;
  readonly chart: boolean;
}

export function summaryText(r: BacktestReport, o: TextOptions): string {
  const s = r.summary;
  const m = r.spec.models;
  const cur = r.instruments[0]?.quote ?? '';
  const first = r.series[0];
  const lines: string[] = [];
  const bars = r.series.reduce((n, l) => n + (l.to - l.from), 0);
  const range = first === undefined ? '' : `${shortTime(first.series.ts[first.from] as number)} -> ${shortTime((first.series.ts[first.to - 1] as number) + first.series.interval)}`;
  const params = Object.entries(r.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  lines.push(
    `${r.strategyName} (${params})  ${r.instruments.map((i) => i.symbol).join(', ')} ${first ? intervalName(first.series.interval) : ''} ${r.spec.market}  ${range}  ${bars.toLocaleString('en-US')} bars  seed ${r.spec.seed}`,
  );
  lines.push(
    `costs: taker ${(m.fees.taker * 1e4).toFixed(2)} bps, maker ${(m.fees.maker * 1e4).toFixed(2)} bps, spread ${m.spread.bps} bps + ${m.spread.ticks} tick, slippage ${m.slippage.fixedBps} bps, impact Y=${m.slippage.impact}, latency ${latencyText(r)}, participation ${m.fills.maxParticipation * 100}%, range cap ${m.fills.rangeCap === false ? 'off' : 'on'}`,
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
  for (const f of r.result.fills.filter((x) => x.liquidation === true)) {
    lines.push(row('LIQUIDATED', `${f.symbol} ${f.side} ${f.lastQty} at ${f.lastPx} on ${shortTime(f.tsEvent)}, clearance fee ${fmtMoney(Number(f.fee))} ${cur}`));
  }
  if (o.chart && r.result.equity.length > 1) {
    lines.push('', `Equity (${cur})`);
    lines.push(brailleChart(r.result.equity, { width: Math.min(o.width, 100) - 2, height: 10, color: o.color, format: (v) => fmtMoney(v) }));
  }
  if (r.regimes.length > 0) {
    lines.push('', `By volatility regime (terciles of ${r.spec.regimeWindow}-bar realized volatility, known before each bar)`);
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

/** The --json object. Fills carry ts (ms, the bar they executed in), side, price, qty and fee. */
export function reportJson(r: BacktestReport): object {
  return {
    strategy: r.strategyName,
    params: r.params,
    symbols: r.instruments.map((i) => i.symbol),
    market: r.spec.market,
    seed: r.spec.seed,
    from: r.series[0] === undefined ? null : (r.series[0].series.ts[r.series[0].from] as number),
    to: r.series[0] === undefined ? null : (r.series[0].series.ts[r.series[0].to - 1] as number) + r.series[0].series.interval,
    bars: r.result.steps,
    models: r.spec.models,
    startingCash: r.spec.cash,
    finalEquity: r.finalEquity,
    totalFees: r.totalFees,
    totalFunding: r.totalFunding,
    netPnl: r.summary.netPnl,
    slippageCapped: r.slippageCapped,
    summary: r.summary,
    regimes: r.regimes,
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
    warnings: r.warnings,
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
