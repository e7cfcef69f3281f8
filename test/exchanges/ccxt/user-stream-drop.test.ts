/**
 * A user-stream drop early in a session, while ccxt's own work behind the stream is still in
 * flight, must not end the session. Found by the crash harness (kill 61): ccxt.pro, on the first
 * watchOrders / watchMyTrades, fetched a positions snapshot over REST and parked a future for it on
 * the stream's client that nothing awaits (Parity never calls watchPositions). A drop during that
 * fetch rejected the future with "connection closed by remote server, closing code 1006", an
 * unhandled rejection, and `parity run` exited. The client is now built without those snapshots
 * (src/exchanges/ccxt/client.ts).
 *
 * Here the snapshot's endpoint answers slowly (3 s), and the stream drops half a second in: no
 * rejection may go unhandled, and the stream must come back and deliver our fills.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clientOrderId, strategyId, type SubmitOrder } from '../../../src/engine/index.ts';
import { localVenue, settle, type LocalVenue } from '../../kit/local-venue.ts';

const SLOW = { type: 'latency', ms: 3000 } as const;

describe('the user stream dropped while ccxt still fetches behind it', () => {
  let v: LocalVenue | undefined;
  const orphans: unknown[] = [];
  const onOrphan = (e: unknown): void => void orphans.push(e);
  afterEach(async () => {
    process.off('unhandledRejection', onOrphan);
    await v?.close();
  });

  it('leaves no rejection unhandled, reconnects and delivers the next fill', async () => {
    process.on('unhandledRejection', onOrphan);
    v = await localVenue(
      {
        faults: {
          rest: [
            { method: 'GET', path: '/fapi/v2/positionRisk', action: SLOW },
            { method: 'GET', path: '/fapi/v3/positionRisk', action: SLOW },
          ],
          // The first message on the user stream is lost with its connection.
          ws: [{ stream: 'user', nth: [1] }],
        },
      },
      ['XRPUSDT'],
    );
    const market = v.conn.marketIndex.market('XRPUSDT');
    const { minNotional, lotSize, qtyDecimals, tickSize, priceDecimals } = market.instrument;
    const last = (await v.conn.client.fetchTicker(market.ccxtSymbol)).last ?? NaN;
    // Once the user stream is connected (well inside the slow fetch's 3 s)...
    for (let waited = 0; waited < 2000 && v.lx.state().connections.user === 0; waited += 10) await settle(10);
    expect(v.lx.state().connections.user).toBeGreaterThan(0);
    // ...a resting sell 3% over the market: its NEW event is the first message on the stream.
    const above = Number((Math.ceil((last * 1.03) / tickSize) * tickSize).toFixed(priceDecimals));
    v.lx.external.placeOrder({ symbol: 'XRPUSDT', side: 'SELL', type: 'LIMIT', quantity: Math.ceil((minNotional * 2) / above), price: above });
    for (let waited = 0; waited < 3000 && (v.lx.state().counters.faults['ws-drop-user'] ?? 0) === 0; waited += 25) await settle(25);
    expect(v.lx.state().counters.faults['ws-drop-user']).toBe(1);
    // Past the slow fetch's answer: a future parked for it would have been rejected by now.
    await settle(3200);
    expect(orphans.map(String)).toEqual([]);

    // Liveness: the stream reconnected, and a fill of ours comes through it.
    const buy: SubmitOrder = {
      type: 'SubmitOrder',
      strategyId: strategyId('drop-test'),
      clientOrderId: clientOrderId(`P-drop-${Date.now() % 1e6}`),
      symbol: market.symbol,
      side: 'buy',
      orderType: 'market',
      qty: Number((Math.ceil((minNotional * 2) / last / lotSize) * lotSize).toFixed(qtyDecimals)),
      timeInForce: 'gtc',
      postOnly: false,
      reduceOnly: false,
      tsInit: 0,
    };
    v.conn.venue.submit(buy);
    const filled = (): boolean => v?.events.some((e) => e.type === 'OrderFilled' && e.clientOrderId === buy.clientOrderId) ?? false;
    for (let waited = 0; waited < 5000 && !filled(); waited += 25) await settle(25);
    expect(filled()).toBe(true);
    expect(orphans.map(String)).toEqual([]);
  }, 20_000);
});
