/**
 * The venue's truth for reconciliation, through ccxt: open orders, one order, fills since a time,
 * positions, balances and funding payments. Balances and funding keep the venue's exact decimal
 * strings when ccxt has them in `info`.
 */
import type { Balances } from 'ccxt';
import {
  fromNumber,
  formatFixed,
  type BalanceReport,
  type ClientOrderId,
  type FillReport,
  type FundingReport,
  type OrderStatusReport,
  type PositionReport,
  type Symbol,
  type VenueReports,
} from '../../engine/index.ts';
import { isOrderNotFound } from './errors.ts';
import { fetchByClientId } from './fetch-order.ts';
import type { MarketIndex } from './markets.ts';
import { clientIdOf, field, fillReport, orderReport, positionReport } from './parse.ts';
import type { Requester } from './requester.ts';
import type { OrderRecords } from './order-records.ts';

const decimal = (x: unknown): string | undefined => (typeof x === 'string' && /^-?\d+(\.\d+)?$/.test(x) ? x : typeof x === 'number' && Number.isFinite(x) ? formatFixed(fromNumber(x)) : undefined);

export class CcxtReports implements VenueReports {
  constructor(
    private readonly r: Requester,
    private readonly markets: MarketIndex,
    private readonly records: OrderRecords,
    private readonly settle: string,
  ) {}

  async openOrders(symbol?: Symbol): Promise<OrderStatusReport[]> {
    const ccxtSymbol = symbol === undefined ? undefined : this.markets.market(symbol).ccxtSymbol;
    const orders = await this.r.retrying(symbol === undefined ? 'fetchOpenOrdersAll' : 'fetchOpenOrders', (c) => c.fetchOpenOrders(ccxtSymbol));
    const out: OrderStatusReport[] = [];
    for (const o of orders) {
      const m = this.markets.byCcxtSymbol(o.symbol);
      if (m !== undefined) out.push(orderReport(o, m.symbol));
    }
    return out;
  }

  async order(symbol: Symbol, id: ClientOrderId): Promise<OrderStatusReport | undefined> {
    const m = this.markets.market(symbol);
    try {
      return orderReport(await fetchByClientId(this.r, m, id), m.symbol);
    } catch (err) {
      if (isOrderNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * Fills since a time. Venues cap the window of one trade-history request (Binance: 7 days), so
   * the range is walked in 7-day windows, paging within each; at most the last 90 days.
   */
  async fills(symbol: Symbol, since: number): Promise<FillReport[]> {
    const m = this.markets.market(symbol);
    const out: FillReport[] = [];
    const now = this.r.now();
    const WEEK = 7 * 86_400_000;
    // Our estimate of the venue's clock can be behind it, by any amount (a measurement that failed,
    // a venue clock that runs fast, as the local exchange's does at 2000x): a fill stamped "just
    // now" by the venue must never fall after the last window's end, so the newest window (the one
    // that reaches our "now") has no end: the venue returns everything from its start.
    for (let from = Math.max(since, now - 90 * 86_400_000); from <= now; from += WEEK) {
      const params = from + WEEK > now ? {} : { until: from + WEEK - 1 };
      let cursor = from;
      for (let page = 0; page < 50; page++) {
        const trades = await this.r.retrying('fetchMyTrades', (c) => c.fetchMyTrades(m.ccxtSymbol, cursor, 1000, params));
        for (const t of trades) out.push(fillReport(t, m.symbol, clientIdOf(t) ?? this.records.clientIdOfVenue(String(t.order))));
        if (trades.length < 1000) break;
        cursor = Math.max(...trades.map((t) => t.timestamp ?? cursor)) + 1;
      }
    }
    return out;
  }

  async positions(): Promise<PositionReport[]> {
    const now = this.r.now();
    const list = await this.r.retrying('fetchPositions', (c) => c.fetchPositions());
    const out: PositionReport[] = [];
    for (const p of list) {
      const m = this.markets.byCcxtSymbol(p.symbol);
      if (m === undefined) continue;
      const rep = positionReport(p, m.symbol, now);
      // A flat position is kept when the venue says when it last changed: reconciliation checks
      // the venue's reports against its own fills by that time.
      if (rep.qty !== 0 || (typeof p.timestamp === 'number' && p.timestamp > 0)) out.push(rep);
    }
    return out;
  }

  async balances(): Promise<BalanceReport[]> {
    const b: Balances = await this.r.retrying('fetchBalance', (c) => c.fetchBalance());
    // Binance USD-M: info.assets[] carries exact strings.
    const assets = field(b.info, 'assets');
    if (Array.isArray(assets)) {
      const a = assets.find((x) => field(x, 'asset') === this.settle);
      const total = decimal(field(a, 'walletBalance'));
      const free = decimal(field(a, 'availableBalance'));
      if (total !== undefined && free !== undefined) return [{ currency: this.settle, total, free }];
    }
    const acc = b[this.settle];
    const total = decimal(acc?.total ?? 0) ?? '0';
    const free = decimal(acc?.free ?? 0) ?? '0';
    return [{ currency: this.settle, total, free }];
  }

  async funding(symbol: Symbol, since: number): Promise<FundingReport[]> {
    const m = this.markets.market(symbol);
    const rows = await this.r.retrying('fetchFundingHistory', (c) => c.fetchFundingHistory(m.ccxtSymbol, since));
    return rows.map((f) => ({
      id: String(f.id ?? field(f.info, 'tranId') ?? `${f.timestamp}`),
      symbol: m.symbol,
      amount: decimal(field(f.info, 'income')) ?? decimal(f.amount ?? 0) ?? '0',
      ts: f.timestamp ?? 0,
    }));
  }
}
