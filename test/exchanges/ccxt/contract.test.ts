/** The ccxt adapter, driving ccxt's real binanceusdm against the local exchange, passes the execution port contract. */
import { executionPortContract } from '../../contracts/execution-port.ts';
import { localVenue, settle } from '../../kit/local-venue.ts';

executionPortContract('ccxt adapter on the local exchange', async () => {
  const v = await localVenue({}, ['XRPUSDT']);
  const market = v.conn.markets.get('XRPUSDT');
  if (market === undefined) throw new Error('XRPUSDT missing');
  let last = (await v.conn.client.fetchTicker(market.ccxtSymbol)).last ?? NaN;
  await settle(100); // the user stream connects
  return {
    venue: Object.assign(Object.create(v.conn.venue) as typeof v.conn.venue, {
      openOrders: v.conn.reports.openOrders.bind(v.conn.reports),
      order: v.conn.reports.order.bind(v.conn.reports),
      fills: v.conn.reports.fills.bind(v.conn.reports),
      positions: v.conn.reports.positions.bind(v.conn.reports),
      balances: v.conn.reports.balances.bind(v.conn.reports),
      funding: v.conn.reports.funding.bind(v.conn.reports),
    }),
    instrument: market.instrument,
    events: v.events,
    price: () => last,
    async step() {
      v.lx.advance(60_000);
      await settle();
      last = (await v.conn.client.fetchTicker(market.ccxtSymbol)).last ?? last;
    },
    close: () => v.close(),
  };
});
