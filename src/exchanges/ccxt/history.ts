/**
 * History for `parity data fetch`, one page at a time through the rate limiter: closed candles and
 * funding rates from a time on, as plain rows (no ccxt type leaves the adapter). The funding rate
 * keeps the venue's own decimal string when ccxt has it (exact).
 */
import type { CcxtConnection } from './connect.ts';
import { timeframeOf } from './timeframes.ts';

export interface CandleRow {
  /** Open time, epoch ms. */
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface FundingRow {
  readonly ts: number;
  /** Decimal string. */
  readonly rate: string;
}

/** Up to `limit` candles of `interval` ms from `since` on (open time), oldest first. */
export async function candlePage(conn: CcxtConnection, symbol: string, interval: number, since: number, limit = 1000): Promise<CandleRow[]> {
  const m = conn.marketIndex.market(symbol);
  const rows = await conn.requester.retrying('fetchOHLCV', (c) => c.fetchOHLCV(m.ccxtSymbol, timeframeOf(interval), since, limit));
  return rows.map((k) => ({ ts: k[0] as number, open: k[1] as number, high: k[2] as number, low: k[3] as number, close: k[4] as number, volume: (k[5] as number | undefined) ?? 0 }));
}

/** Up to `limit` funding rates from `since` on, oldest first. */
export async function fundingPage(conn: CcxtConnection, symbol: string, since: number, limit = 1000): Promise<FundingRow[]> {
  const m = conn.marketIndex.market(symbol);
  const rows = await conn.requester.retrying('fetchFundingRateHistory', (c) => c.fetchFundingRateHistory(m.ccxtSymbol, since, limit));
  const out: FundingRow[] = [];
  for (const r of rows) {
    if (r.timestamp === undefined || r.fundingRate === undefined) continue;
    out.push({ ts: r.timestamp, rate: rawRate(r) ?? String(r.fundingRate) });
  }
  return out;
}

/** The venue's own decimal string for the rate when ccxt kept it (exact), else undefined. */
function rawRate(r: { info: unknown }): string | undefined {
  const v = r.info !== null && typeof r.info === 'object' ? (r.info as Record<string, unknown>)['fundingRate'] : undefined;
  return typeof v === 'string' && /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(v) ? v : undefined;
}
