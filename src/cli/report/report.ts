/**
 * The divergence report of one recorded session (`parity report`): the counterfactual chain
 * (chain.ts) measured and summed into one object. Every PnL figure is computed in fixed-18 and
 * converted once, at the end, so the attribution's five classes add up to the gap exactly (in
 * the JSON's decimal numbers too: each is a short decimal of the same exact amounts).
 */
import { formatFixed, roundTrips, type Fixed, type LoggedMessage, type MarketData } from '../../engine/index.ts';
import type { VenueModels } from '../../paper/index.ts';
import { warmupOf, type SessionRecording } from '../../persistence/recording.ts';
import { blockBootstrap, type Band } from '../../workstation/band.ts';
import { runChain, type Chain } from './chain.ts';
import type { FundingLine } from './funding.ts';
import { latencySamples, mean, percentiles, quantile, slippageBps, type Percentiles } from './measures.ts';
import { liveEquityCurve } from './live-books.ts';
import { tradeRows, type TradeRow } from './trades.ts';
import type { DataComparison, VenueBars } from './venue-data.ts';

/** A funding payment off its expectation, as the JSON shows it (amounts in the settlement currency; positive = received). */
export type FundingMismatch = Pick<FundingLine, 'symbol' | 'time' | 'rate' | 'mark' | 'position' | 'source'> & { readonly expected: number; readonly charged: number; readonly diff: number };

export interface Report {
  readonly session: { readonly mode: string; readonly venue: string; readonly strategy: string; readonly startedAt: number; readonly stopped: string | null; readonly dataPoints: number };
  readonly signals: { readonly live: number; readonly replay: number; readonly matched: number; readonly matchRate: number };
  readonly fills: { readonly live: number; readonly replay: number; readonly matched: number };
  readonly pnl: { readonly live: number; readonly replay: number; readonly gap: number; readonly gross: number };
  readonly attribution: { readonly data: number; readonly execution: number; readonly logic: number; readonly cost: number; readonly residual: number };
  /** The same amounts as exact decimal strings (fixed-18): they add up digit for digit, whatever a double rounds. */
  readonly exact: { readonly gap: string; readonly data: string; readonly execution: string; readonly logic: string; readonly cost: string; readonly residual: string };
  /** The PnL of each replay of the chain, for who checks the arithmetic. */
  readonly chain: { readonly venueData: number; readonly received: number; readonly executionHeld: number; readonly liveCosts: number; readonly allLiveFills: number; readonly live: number };
  readonly data: DataComparison;
  readonly band: Band & { readonly live: number };
  /** `mismatched`: each payment more than a cent from rate x position x mark (a reconciliation diff), with what it was expected on. */
  readonly funding: {
    readonly expected: number;
    readonly charged: number;
    readonly diff: number;
    readonly payments: number;
    readonly mismatches: number;
    readonly mismatched: readonly FundingMismatch[];
  };
  readonly slippage: { readonly liveBps: number | null; readonly modelBps: number | null; readonly p50: number | null; readonly p95: number | null };
  readonly latency: { readonly submitAck: Percentiles; readonly ackFill: Percentiles; readonly cancelAck: Percentiles; readonly feedLag: Percentiles };
  readonly trades: readonly TradeRow[];
}

/** Exact amount as a JSON number: fixed-18 formatted and read back (the shortest double of that decimal). */
const n = (v: Fixed): number => Number(formatFixed(v));

export interface ReportRun {
  readonly report: Report;
  readonly chain: Chain;
  /** Live equity after each recorded data point, and the replay's (RV) equity samples. */
  readonly equity: { readonly live: readonly number[]; readonly replay: ArrayLike<number> };
}

export async function buildReport(s: SessionRecording, models: VenueModels, venue: VenueBars | undefined): Promise<ReportRun> {
  const c = await runChain(s, models, venue);
  const h = s.header;
  const p = c.pnl;
  const live = p.live;
  const gap = live - p.rv;
  const attribution = { data: p.r0 - p.rv, execution: p.r1 - p.r0, cost: p.r2 - p.r1, logic: p.r3 - p.r2, residual: live - p.r3 };
  const liveTrips = roundTrips(c.books.fills);
  const gross = liveTrips.reduce((a, t) => a + Math.abs(t.pnl), 0);
  const replayTrips = roundTrips(c.rv.view.result.fills).map((t) => t.pnl);
  const liveSum = liveTrips.reduce((a, t) => a + t.pnl, 0);
  const band = { ...blockBootstrap(replayTrips, liveSum, h.seed), live: liveSum };
  const liveFills = c.books.fills;
  const replayFills = c.r0.view.result.fills;
  const key = (f: { clientOrderId: string; side: string; lastQty: number; lastPx: number }): string => `${f.clientOrderId} ${f.side} ${f.lastQty} ${f.lastPx}`;
  const pool = new Map<string, number>();
  for (const f of replayFills) pool.set(key(f), (pool.get(key(f)) ?? 0) + 1);
  let fillsMatched = 0;
  for (const f of liveFills) {
    const k = pool.get(key(f)) ?? 0;
    if (k > 0) {
      fillsMatched++;
      pool.set(key(f), k - 1);
    }
  }
  const data: MarketData[] = [...warmupOf(h), ...s.data.map((x) => x.d)];
  const liveSlip = slippageBps(s.messages, data);
  const modelSlip = slippageBps(c.r0.messages, data);
  const lat = latencySamples(s);
  const d = c.decisions;
  const replayMessages: LoggedMessage[] = c.r0.messages.map((x) => x.m);
  const report: Report = {
    session: { mode: h.mode, venue: h.venue, strategy: h.strategy.name, startedAt: h.at, stopped: s.end ?? null, dataPoints: s.data.length },
    signals: { live: d.live.length, replay: d.replay.length, matched: d.matched, matchRate: d.live.length === 0 ? 1 : d.matched / d.live.length },
    fills: { live: liveFills.length, replay: replayFills.length, matched: fillsMatched },
    pnl: { live: n(live), replay: n(p.rv), gap: n(gap), gross: Math.round(gross * 1e8) / 1e8 },
    attribution: { data: n(attribution.data), execution: n(attribution.execution), logic: n(attribution.logic), cost: n(attribution.cost), residual: n(attribution.residual) },
    exact: {
      gap: formatFixed(gap),
      data: formatFixed(attribution.data),
      execution: formatFixed(attribution.execution),
      logic: formatFixed(attribution.logic),
      cost: formatFixed(attribution.cost),
      residual: formatFixed(attribution.residual),
    },
    chain: { venueData: n(p.rv), received: n(p.r0), executionHeld: n(p.r1), liveCosts: n(p.r2), allLiveFills: n(p.r3), live: n(live) },
    data: c.data,
    band,
    funding: {
      expected: n(c.funding.expected),
      charged: n(c.funding.charged),
      diff: n(c.funding.diff),
      payments: c.funding.lines.length,
      mismatches: c.funding.mismatches.length,
      mismatched: c.funding.mismatches.map((l) => ({
        symbol: l.symbol,
        time: l.time,
        rate: l.rate,
        mark: l.mark,
        position: l.position,
        expected: n(l.expected),
        charged: n(l.charged),
        diff: n(l.charged - l.expected),
        source: l.source,
      })),
    },
    slippage: { liveBps: mean(liveSlip), modelBps: mean(modelSlip), p50: quantile(liveSlip, 0.5), p95: quantile(liveSlip, 0.95) },
    latency: { submitAck: percentiles(lat.submitAck), ackFill: percentiles(lat.ackFill), cancelAck: percentiles(lat.cancelAck), feedLag: percentiles(lat.feedLag) },
    trades: tradeRows(
      s.messages.map((x) => x.m),
      replayMessages,
      d.unreproduced,
    ),
  };
  return { report, chain: c, equity: { live: liveEquityCurve(s), replay: c.rv.view.result.equity.subarray(Math.max(0, c.rv.view.result.equity.length - s.data.length)) } };
}
