/**
 * The simulated venue's per-market state: the resting orders, the last trade and quote, the
 * current bar's impact inputs and volume budget, and the commands still in flight. Plus the small
 * pure questions asked of it (what is left of an order, how much queue is ahead, where a taker
 * trades). Mutable on purpose: it is the venue's private book, never handed out.
 */
import {
  roundTo,
  snapPrice,
  snapQty,
  TimerHeap,
  type CancelAllOrders,
  type CancelOrder,
  type ClientOrderId,
  type Instrument,
  type LiquidationTrigger,
  type ModifyOrder,
  type OrderSide,
  type SubmitOrder,
  type VenueOrderId,
} from '../engine/index.ts';
import { pathBuffer } from './bar-path.ts';
import { takerSlippage, type SpreadModel, type VenueModels } from './models.ts';

export type VenueCommand = SubmitOrder | CancelOrder | ModifyOrder | CancelAllOrders;

export interface SimOrder {
  readonly clientOrderId: ClientOrderId;
  readonly venueOrderId: VenueOrderId;
  readonly side: OrderSide;
  readonly timeInForce: SubmitOrder['timeInForce'];
  readonly reduceOnly: boolean;
  readonly seq: number;
  qty: number;
  /** Limit price; NaN for market orders. */
  price: number;
  filled: number;
  /** Time from which it rests at its current price. */
  activeFrom: number;
  /** Base units ahead of it at its price (queue-aware matching on trades). */
  queueAhead: number;
}

export interface Market {
  readonly inst: Instrument;
  /** Commands in flight, by arrival time. */
  readonly pending: TimerHeap<VenueCommand>;
  /** Resting orders in arrival order (time priority). */
  resting: SimOrder[];
  last: number;
  lastT: number;
  bid: number;
  ask: number;
  bidQty: number;
  askQty: number;
  hasQuote: boolean;
  /** Current bar's range over open, and volume: inputs of the impact model. */
  sigma: number;
  volume: number;
  /** Volume resting orders may still fill in the current bar. */
  budget: number;
  /** The last bar's high and low: the range a taker fill stays in (NaN without bars). */
  barHigh: number;
  barLow: number;
  /** Reused intrabar path buffer. */
  readonly path: ReturnType<typeof pathBuffer>;
  /** The position's liquidation trigger, valid while the account's version is `liqVersion` (-1: not computed). */
  liq: LiquidationTrigger | undefined;
  liqVersion: number;
}

export function createMarket(inst: Instrument): Market {
  return {
    inst,
    pending: new TimerHeap<VenueCommand>(),
    resting: [],
    last: NaN,
    lastT: -Infinity,
    bid: NaN,
    ask: NaN,
    bidQty: 0,
    askQty: 0,
    hasQuote: false,
    sigma: 0,
    volume: 0,
    budget: 0,
    barHigh: NaN,
    barLow: NaN,
    path: pathBuffer(),
    liq: undefined,
    liqVersion: -1,
  };
}

/** Quantity of an order still open. */
export function leaves(m: Market, r: SimOrder): number {
  return roundTo(r.qty - r.filled, m.inst.qtyDecimals);
}

/** A volume budget rounded down to the lot grid (Infinity stays Infinity). */
export function lotsOf(m: Market, q: number): number {
  return Number.isFinite(q) ? snapQty(m.inst, q) : q;
}

/**
 * Size ahead of a new resting order at its price: nothing if it improves the touch, the quoted size
 * if it joins it, and (without depth data) everything if it rests behind it: then only trades
 * through its price can fill it.
 */
export function queueAheadAt(m: Market, side: OrderSide, price: number): number {
  if (!m.hasQuote) return Infinity;
  if (side === 'buy') return price > m.bid ? 0 : price === m.bid ? m.bidQty : Infinity;
  return price < m.ask ? 0 : price === m.ask ? m.askQty : Infinity;
}

/** Best price a taker can trade at now: the quote when known, else the reference price plus half the spread. */
export function touchPrice(m: Market, spread: SpreadModel, side: OrderSide, price: number): number {
  if (m.hasQuote) return side === 'buy' ? m.ask : m.bid;
  const half = (price * spread.bps) / 20_000 + (spread.ticks * m.inst.tickSize) / 2;
  return side === 'buy' ? price + half : price - half;
}

/**
 * Where a taker of `qty` trades when the market is at `price`: the real bid/ask when quotes are
 * known, else `price`, plus half the assumed spread, slippage and impact, snapped to the tick
 * against the trader, never worse than its limit (NaN: none), and with bars only kept inside the
 * bar's range unless the models say otherwise. `capped`: what the range cap took off (quote, >= 0).
 */
export function takerPrice(m: Market, models: VenueModels, side: OrderSide, qty: number, price: number, limit: number): { price: number; capped: number } {
  const base = m.hasQuote ? (side === 'buy' ? m.ask : m.bid) : price;
  const move = takerSlippage(models, m.inst.tickSize, base, qty, m.sigma, m.volume, m.hasQuote);
  // Round against the trader: a buy pays the tick above, a sell receives the tick below.
  let px = snapPrice(m.inst, side === 'buy' ? base + move : base - move, side === 'buy' ? 'sell' : 'buy');
  if (!Number.isNaN(limit)) px = side === 'buy' ? Math.min(px, limit) : Math.max(px, limit);
  if (m.hasQuote || models.fills.rangeCap === false || Number.isNaN(m.barHigh)) return { price: px, capped: 0 };
  const inside = side === 'buy' ? Math.min(px, Math.max(m.barHigh, base)) : Math.max(px, Math.min(m.barLow, base));
  return { price: inside, capped: Math.abs(px - inside) * qty };
}

export function removeResting(m: Market, r: SimOrder): void {
  const i = m.resting.indexOf(r);
  if (i >= 0) m.resting.splice(i, 1);
}

export function findResting(m: Market, id: ClientOrderId): SimOrder | undefined {
  return m.resting.find((x) => x.clientOrderId === id);
}
