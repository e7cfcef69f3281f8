/** Test factories: instruments, commands, events, the risk gate's view and a recording venue. */
import {
  clientOrderId,
  makeInstrument,
  strategyId,
  symbol,
  tradeId,
  venueOrderId,
  type ExecutionPort,
  type Instrument,
  type OrderFilled,
  type RiskView,
  type SubmitOrder,
  type TradingCommand,
} from '../../src/engine/index.ts';

export const BTC: Instrument = makeInstrument({ symbol: symbol('BTCUSDT'), tickSize: 0.01, lotSize: 0.00001, minNotional: 5 });
export const BTC_PERP: Instrument = makeInstrument({ symbol: symbol('BTCUSDT'), kind: 'perpetual', tickSize: 0.1, lotSize: 0.001, minNotional: 5 });

export function submit(over: Partial<SubmitOrder> = {}): SubmitOrder {
  return {
    type: 'SubmitOrder',
    strategyId: strategyId('s'),
    clientOrderId: clientOrderId('P-s-1'),
    symbol: symbol('BTCUSDT'),
    side: 'buy',
    orderType: 'limit',
    qty: 1,
    price: 100,
    timeInForce: 'gtc',
    postOnly: false,
    reduceOnly: false,
    tsInit: 0,
    ...over,
  };
}

/** A market order: a submit without a price. */
/** What the risk gate sees: a flat cash account with 10,000 to spend, BTC at 100,000, nothing traded yet. */
export function riskView(over: Partial<RiskView> = {}): RiskView {
  return {
    tradingState: 'active',
    accountType: 'cash',
    instrument: BTC,
    position: 0,
    referencePrice: 100_000,
    openOrders: 0,
    buyingPower: 10_000,
    dailyPnl: 0,
    orderRate: { lastSecond: 0, lastMinute: 0 },
    exposure: { gross: 0, net: 0 },
    leverage: 1,
    equity: 10_000,
    ...over,
  };
}

export function marketOrder(over: Partial<SubmitOrder> = {}): SubmitOrder {
  const { price: _price, ...rest } = submit({ orderType: 'market', timeInForce: 'ioc', ...over });
  return rest;
}

export function filled(over: Partial<OrderFilled> & { tradeId?: string }): OrderFilled {
  return {
    type: 'OrderFilled',
    clientOrderId: clientOrderId('P-s-1'),
    symbol: symbol('BTCUSDT'),
    venueOrderId: venueOrderId('v1'),
    side: 'buy',
    lastQty: 1,
    lastPx: 100,
    fee: '0',
    liquidity: 'taker',
    tsEvent: 0,
    tsInit: 0,
    ...over,
    tradeId: tradeId(over.tradeId ?? 't1'),
  };
}

/** A venue that only records the commands it receives. */
export class RecordingVenue implements ExecutionPort {
  readonly received: TradingCommand[] = [];
  connect(): void {}
  submit(c: TradingCommand & { type: 'SubmitOrder' }): void {
    this.received.push(c);
  }
  cancel(c: TradingCommand & { type: 'CancelOrder' }): void {
    this.received.push(c);
  }
  modify(c: TradingCommand & { type: 'ModifyOrder' }): void {
    this.received.push(c);
  }
  cancelAll(c: TradingCommand & { type: 'CancelAllOrders' }): void {
    this.received.push(c);
  }
}
