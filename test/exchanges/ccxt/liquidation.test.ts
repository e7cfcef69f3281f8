/**
 * A liquidation reaches the engine live: the local exchange liquidates a 20x short on the bundled
 * BTCUSDT minutes and reports it as Binance does (an `autoclose-...` order update with x
 * CALCULATED, which ccxt turns into no trade); the ccxt adapter passes it on at once as the fill,
 * flagged `liquidation`, with the venue's trade id, price and clearance fee, so the kernel books it
 * (and a later fill report of the same trade is a duplicate).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCandles } from '../../../src/data/index.ts';
import { symbol, type OrderFilled } from '../../../src/engine/index.ts';
import { BUNDLED } from '../../../src/local-exchange/index.ts';
import { localVenue, settle, type LocalVenue } from '../../kit/local-venue.ts';

const btc = loadCandles(BUNDLED.btcusdt1m, symbol('BTCUSDT')).series;
let v: LocalVenue;

beforeAll(async () => {
  v = await localVenue({ startTime: btc.ts[1] as number, warmupBars: 1, startingBalance: 10_000, leverage: 20, markets: [{ kind: 'candles', symbol: 'BTCUSDT', file: BUNDLED.btcusdt1m }] });
  await settle(200); // the user stream connects
}, 60_000);
afterAll(async () => v?.close());

describe('ccxt adapter: a liquidation', () => {
  it('is reported as the fill of the venue order, flagged, with its trade id, price and clearance fee', async () => {
    v.lx.external.placeOrder({ symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: 2 });
    v.lx.advanceTo(Date.UTC(2024, 11, 8));
    const s = v.lx.state();
    const order = s.orders.find((o) => o.origin === 'liquidation');
    const trade = s.trades.find((t) => t.orderId === order?.orderId);
    expect(trade).toBeDefined();
    const deadline = Date.now() + 30_000; // a loaded machine delays the user stream, not the outcome
    const find = (): OrderFilled | undefined => v.events.find((e): e is OrderFilled => e.type === 'OrderFilled' && e.liquidation === true);
    while (find() === undefined && Date.now() < deadline) await settle(50);
    expect(find()).toMatchObject({
      clientOrderId: order?.clientOrderId,
      venueOrderId: String(order?.orderId),
      tradeId: String(trade?.id),
      symbol: 'BTCUSDT',
      side: 'buy',
      lastQty: 2,
      lastPx: Number(trade?.price),
      fee: trade?.commission,
      liquidity: 'taker',
      tsEvent: trade?.time,
    });
    // Its order update is the fill, not an acknowledgement of an order nobody sent.
    expect(v.events.filter((e) => 'clientOrderId' in e && e.clientOrderId === order?.clientOrderId).map((e) => e.type)).toEqual(['OrderFilled']);
  }, 60_000);
});
