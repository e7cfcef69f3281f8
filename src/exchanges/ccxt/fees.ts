/**
 * The venue's fees for a market, as a simulator should charge them (paper mode, the shadow
 * backtest): the account's own rates where the venue tells them (ccxt `fetchTradingFee`, e.g.
 * Binance USD-M's GET /fapi/v1/commissionRate, signed), else the market's published base rates
 * (ccxt `market.maker` / `market.taker`), else nothing (the caller keeps its defaults).
 * Fractions, as in src/paper/models.ts (4 bps = 0.0004).
 */
import type { CcxtConnection } from './connect.ts';

export interface VenueFees {
  readonly maker: number;
  readonly taker: number;
  /** `account`: the account's tier, from the venue; `market`: the market's published rates. */
  readonly source: 'account' | 'market';
  /** Why the account's rates were not used, when they were not. */
  readonly note?: string;
}

const rate = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > -0.01 && v < 0.1 ? v : undefined);

/** The fees of `symbol` (engine or ccxt symbol); `signed`: credentials are set (the account's rates need them). */
export async function venueFees(conn: CcxtConnection, symbol: string, signed: boolean): Promise<VenueFees | undefined> {
  const market = conn.marketIndex.bySymbol.get(symbol) ?? conn.marketIndex.byCcxtSymbol(symbol);
  const ccxtSymbol = market?.ccxtSymbol ?? symbol;
  let note: string | undefined;
  if (!signed) note = 'no API keys: the account tier cannot be asked';
  else if (conn.client.has['fetchTradingFee'] !== true) note = `${conn.client.id} does not tell an account's fees through ccxt`;
  else {
    try {
      const f = await conn.requester.call('fetchTradingFee', (c) => c.fetchTradingFee(ccxtSymbol));
      const maker = rate(f.maker);
      const taker = rate(f.taker);
      if (maker !== undefined && taker !== undefined) return { maker, taker, source: 'account' };
      note = 'the venue answered without usable rates';
    } catch (err) {
      note = `asking the account's fees failed (${(err as Error).message.split('\n')[0] ?? ''})`;
    }
  }
  const m = conn.client.markets[ccxtSymbol];
  const maker = rate(m?.maker);
  const taker = rate(m?.taker);
  if (maker !== undefined && taker !== undefined) return note === undefined ? { maker, taker, source: 'market' } : { maker, taker, source: 'market', note };
  return undefined;
}
