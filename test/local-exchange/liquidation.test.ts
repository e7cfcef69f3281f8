/**
 * Liquidation, the same in the backtest and on the local exchange. A 20x short of 2 BTC opened on
 * the first bars of the bundled BTCUSDT minutes (2024-12-01, about 96,430) is carried into the rise
 * of December 5 (above 103,000). The backtest (the CLI's own spec and run, the real brackets) must
 * liquidate it at Binance's liquidation price with the clearance fee, and its books must follow;
 * the local exchange, given the same position (the same resting sell through its REST API, filled
 * as maker at its price by the same bar) and the same bars, must liquidate it at the same price,
 * size and fee, in the same bar, reported as Binance does. The local exchange also serves the real brackets through ccxt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktestSpec, type BacktestReport } from '../../src/cli/backtest/run.ts';
import { buildSpec } from '../../src/cli/backtest/spec.ts';
import { loadCandles } from '../../src/data/index.ts';
import { clientOrderId, symbol, toNumber, type OrderFilled } from '../../src/engine/index.ts';
import { BUNDLED, startLocalExchange, type LocalExchange } from '../../src/local-exchange/index.ts';
import { client, raw, until, type Client } from './kit.ts';

const btc = loadCandles(BUNDLED.btcusdt1m, symbol('BTCUSDT')).series;
const MIN = 60_000;
const TO = '2024-12-08';
const CASH = 10_000;

/** Calls `watch` until an update satisfies `ok` (a watch resolves with the updates since the last call). */
async function watchUntil<T>(watch: () => Promise<T[]>, ok: (x: T) => boolean, tries = 50): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const hit = (await watch()).find(ok);
    if (hit !== undefined) return hit;
  }
  throw new Error('the update never came');
}

let report: BacktestReport;
let entry: OrderFilled;
let liq: OrderFilled;
let lx: LocalExchange;
let ex: Client;
const userEvents: Record<string, unknown>[] = [];

beforeAll(async () => {
  // The entry: a sell limit 0.05% above the first close, which the second bar trades through.
  const flags = { strategy: 'test/kit/strategies/shorter.ts', param: ['size=2', 'above=0.0005', 'tp=0.05'], market: 'perp', leverage: 20, cash: CASH, to: TO, participation: 1 };
  report = await runBacktestSpec(buildSpec(flags, {}));
  [entry, liq] = report.result.fills as [OrderFilled, OrderFilled];
  // The local exchange from the bar after the first one on (when the backtest's order rests), on
  // the data's own clock, with the backtest's fees (2 bps maker, 5 taker).
  lx = await startLocalExchange({
    mode: 'manual',
    startTime: btc.ts[1] as number,
    warmupBars: 1,
    startingBalance: CASH,
    leverage: 20,
    fees: { maker: 0.0002, taker: 0.0005 },
    markets: [{ kind: 'candles', symbol: 'BTCUSDT', file: BUNDLED.btcusdt1m }],
    onEvent: (e) => {
      if (e.type === 'liquidation') userEvents.push(e as unknown as Record<string, unknown>);
    },
  });
  ex = await client(lx);
  await ex.loadMarkets();
}, 120_000);
afterAll(async () => {
  await ex?.close();
  await lx?.close();
});

describe('a 20x short on real minutes crosses maintenance margin', () => {
  it("is liquidated in the backtest at Binance's liquidation price, with the clearance fee, and the books follow", () => {
    expect(entry).toMatchObject({ side: 'sell', lastQty: 2, lastPx: Math.round((btc.close[0] as number) * 1.0005), liquidity: 'maker' });
    const wallet = CASH - Number(entry.fee);
    // Bracket 2 of BTCUSDT (50k-600k: 0.5%, cum 50): LP = (WB + cum + |q| x EP) / (|q| x 0.005 + |q|), the tick above.
    const lp = Math.ceil(((wallet + 50 + 2 * entry.lastPx) / 2.01) * 100 - 1e-6) / 100;
    expect(liq).toMatchObject({ side: 'buy', lastQty: 2, lastPx: lp, liquidation: true });
    expect(liq.clientOrderId).toMatch(/^autoclose-\d{19}$/);
    // 1.2% of ~201,800 is more than the ~950 left: the fee takes all of it.
    expect(Number(liq.fee)).toBeCloseTo(wallet - 2 * lp + 2 * entry.lastPx, 6);
    // The bar it happened in reaches the price; none before it did (the short survived until then).
    const bar = btc.ts.indexOf(Math.floor(liq.tsEvent / MIN) * MIN);
    expect(btc.high[bar]).toBeGreaterThanOrEqual(lp);
    for (let i = btc.ts.indexOf(Math.floor(entry.tsEvent / MIN) * MIN) + 1; i < bar; i++) expect(btc.high[i]).toBeLessThan(lp);
    const k = report.result.kernel;
    expect(k.portfolio.position(symbol('BTCUSDT')).qty).toBe(0);
    expect(Math.abs(toNumber(k.portfolio.exactEquity()))).toBeLessThan(1e-6);
    expect(k.orders.get(liq.clientOrderId)?.status).toBe('filled');
    // The take-profit (5% below, never reached) was canceled by the liquidation.
    expect(k.orders.get(clientOrderId('P-shorter-2'))).toMatchObject({ side: 'buy', reduceOnly: true, status: 'canceled' });
    expect(k.orders.open()).toHaveLength(0);
  });

  it('is liquidated by the local exchange at the same price, size and fee, in the same bar', async () => {
    const sell = await raw(lx, 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', timeInForce: 'GTX', quantity: '2', price: String(entry.lastPx) }, { signed: true });
    expect(sell.json).toMatchObject({ status: 'NEW' });
    lx.advanceTo(Math.floor(entry.tsEvent / MIN) * MIN + MIN);
    const opened = lx.state();
    expect(opened.positions.find((p) => p.symbol === 'BTCUSDT')).toMatchObject({ qty: '-2.000', entryPrice: String(entry.lastPx) });
    expect(Number(opened.balances[0]?.walletBalance)).toBeCloseTo(CASH - Number(entry.fee), 9);
    // positionRisk shows where it will be liquidated: the price the backtest was liquidated at.
    expect((await ex.fetchPositions(['BTC/USDT:USDT']))[0]?.liquidationPrice).toBe(liq.lastPx);
    const tp = await raw(lx, 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '2', price: '85000', reduceOnly: 'true' }, { signed: true });
    expect(tp.json).toMatchObject({ status: 'NEW' });
    const seen = watchUntil(
      () => ex.watchOrders('BTC/USDT:USDT'),
      (o) => o.clientOrderId?.startsWith('autoclose-') === true,
    );
    await until(() => lx.state().connections.user > 0, 5000, 'user stream connection');
    lx.advanceTo(Date.UTC(2024, 11, 8));
    const s = lx.state();
    const order = s.orders.find((o) => o.clientOrderId.startsWith('autoclose-'));
    expect(order).toMatchObject({ side: 'BUY', type: 'LIMIT', timeInForce: 'IOC', status: 'FILLED', origQty: '2.000', executedQty: '2.000', origin: 'liquidation' });
    expect(order?.clientOrderId).toMatch(/^autoclose-\d{19}$/);
    const trade = s.trades.find((t) => t.orderId === order?.orderId);
    expect({ price: Number(trade?.price), qty: Number(trade?.qty), fee: trade?.commission }).toEqual({ price: liq.lastPx, qty: 2, fee: liq.fee });
    expect(Math.floor((trade?.time as number) / MIN)).toBe(Math.floor(liq.tsEvent / MIN));
    expect(s.orders.find((o) => o.price === '85000.00')?.status).toBe('CANCELED');
    expect(s.positions.find((p) => p.symbol === 'BTCUSDT')?.qty ?? '0.000').toBe('0.000');
    expect(Math.abs(Number(s.balances[0]?.walletBalance))).toBeLessThan(1e-6);
    expect(s.income.filter((r) => r.incomeType === 'INSURANCE_CLEAR').map((r) => r.income)).toEqual([`-${liq.fee}`]);
    expect(userEvents).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', side: 'BUY', qty: '2.000', fee: liq.fee })]);
    // On the user stream: ORDER_TRADE_UPDATE with x CALCULATED, X FILLED, as Binance sends a liquidation.
    const pushed = await seen;
    expect(pushed).toMatchObject({ clientOrderId: order?.clientOrderId, status: 'closed', side: 'buy', filled: 2, average: liq.lastPx });
    expect(pushed.info).toMatchObject({ x: 'CALCULATED', X: 'FILLED', L: trade?.price, n: Number(liq.fee).toFixed(8) });
    // The REST trade record, as /fapi/v1/userTrades shows it.
    const rows = (await raw(lx, 'GET', '/fapi/v1/userTrades', { symbol: 'BTCUSDT', orderId: String(order?.orderId) }, { signed: true })).json as Record<string, unknown>[];
    expect(rows).toEqual([expect.objectContaining({ side: 'BUY', qty: '2.000', commission: Number(liq.fee).toFixed(8), buyer: true, maker: false })]);
  });

  it('serves the real brackets through /fapi/v1/leverageBracket, as ccxt reads them', async () => {
    const tiers = await ex.fetchMarketLeverageTiers('BTC/USDT:USDT');
    expect(tiers).toHaveLength(12);
    expect(tiers.slice(0, 2).map((t) => [t.minNotional, t.maxNotional, t.maintenanceMarginRate, t.maxLeverage])).toEqual([
      [0, 50_000, 0.004, 125],
      [50_000, 600_000, 0.005, 100],
    ]);
    const one = (await raw(lx, 'GET', '/fapi/v1/leverageBracket', { symbol: 'BTCUSDT' }, { signed: true })).json as { symbol: string; brackets: unknown[] };
    expect(one.symbol).toBe('BTCUSDT');
    expect(one.brackets[1]).toEqual({ bracket: 2, initialLeverage: 100, notionalCap: 600000, notionalFloor: 50000, maintMarginRatio: 0.005, cum: 50 });
  });
});
