/**
 * The pre-trade risk gate: a pure check of one SubmitOrder (or ModifyOrder) against a read-only
 * view of the engine. Every order passes here before it reaches a venue, and so does every modify
 * that could add exposure (more size, or a limit moved toward the market); a failed check becomes
 * an OrderDenied (OrderModifyDenied) event, an expected outcome, not an exception.
 */
import type { ModifyOrder, OrderSide, SubmitOrder } from '../model/commands.ts';
import { onGrid, type Instrument } from '../model/instrument.ts';
import { leavesQty, type Order } from '../model/order.ts';
import type { AccountType, LimitRule, TradingState } from '../model/trading.ts';
import { exposureBreach, exposureWith, leverageBreach, priceBandBreach, rateBreach, type Breach, type Exposure, type OrderRate } from './risk-rules.ts';

export interface RiskLimits {
  /** Largest notional of a single order, quote currency. Default: unlimited. */
  readonly maxOrderNotional: number;
  /** Largest absolute position notional per symbol, quote currency. Default: unlimited. */
  readonly maxPositionNotional: number;
  /** Largest number of open orders across the account. Default 200. */
  readonly maxOpenOrders: number;
  /** New exposure is refused once the day's PnL is at or below minus this, quote currency. Default: none. */
  readonly dailyLossLimit: number;
  /** A limit price further than this from the last price, either side, is refused (basis points). Default 1000. */
  readonly priceBandBps: number;
  /** Orders accepted per trailing second (submits and modifies that add exposure). Default 20. */
  readonly maxOrdersPerSecond: number;
  /** Orders accepted per trailing minute. Default 600. */
  readonly maxOrdersPerMinute: number;
  /** Largest Σ |position| x price across symbols, quote currency. Default: unlimited. */
  readonly maxGrossExposure: number;
  /** Largest |Σ signed position x price| across symbols, quote currency. Default: unlimited. */
  readonly maxNetExposure: number;
}

export const DEFAULT_LIMITS: RiskLimits = {
  maxOrderNotional: Infinity,
  maxPositionNotional: Infinity,
  maxOpenOrders: 200,
  dailyLossLimit: Infinity,
  priceBandBps: 1000,
  maxOrdersPerSecond: 20,
  maxOrdersPerMinute: 600,
  maxGrossExposure: Infinity,
  maxNetExposure: Infinity,
};

export interface RiskView {
  readonly tradingState: TradingState;
  readonly accountType: AccountType;
  readonly instrument: Instrument | undefined;
  /** Signed position in base units. */
  readonly position: number;
  /** Last traded or close price; market orders are valued at it. */
  readonly referencePrice: number | undefined;
  readonly openOrders: number;
  /** Cash (cash account) or free margin x leverage (margin account) available for new exposure. */
  readonly buyingPower: number;
  /** PnL since the start of the UTC day, quote currency. */
  readonly dailyPnl: number;
  /** Orders the gate accepted recently, by the engine's clock. */
  readonly orderRate: OrderRate;
  /** Positions across every symbol at their last prices, quote currency (read only when a gross or net limit is set). */
  readonly exposure: Exposure;
  /** The account's leverage (margin accounts; 1 for cash). */
  readonly leverage: number;
  /** Equity at last prices (read only by the margin rules). */
  readonly equity: number;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly rule?: LimitRule };

const OK: Verdict = { ok: true };
const deny = (reason: string): Verdict => ({ ok: false, reason });
const breach = (rule: LimitRule, reason: string): Verdict => ({ ok: false, reason, rule });
const refused = (b: Breach): Verdict => breach(b.rule, b.reason);

/** True when an order of `qty` on `side` only reduces a position of signed size `position` (never flips it). */
export function reducesPosition(position: number, side: OrderSide, qty: number): boolean {
  return position !== 0 && (side === 'buy') === position < 0 && qty <= Math.abs(position) + 1e-12;
}

export function check(cmd: SubmitOrder, view: RiskView, limits: RiskLimits = DEFAULT_LIMITS): Verdict {
  if (view.tradingState === 'halted') return deny('trading is halted');
  const inst = view.instrument;
  if (inst === undefined) return deny(`unknown symbol ${cmd.symbol}`);
  if (!(cmd.qty > 0)) return deny(`quantity must be > 0 (got ${cmd.qty})`);
  if (!onGrid(cmd.qty, inst.lotSize)) return deny(`quantity ${cmd.qty} is not a multiple of the lot size ${inst.lotSize}`);
  if (cmd.qty < inst.minQty) return deny(`quantity ${cmd.qty} is below the minimum ${inst.minQty}`);
  if (cmd.qty > inst.maxQty) return deny(`quantity ${cmd.qty} is above the maximum ${inst.maxQty}`);
  if (cmd.orderType === 'limit') {
    if (cmd.price === undefined || !(cmd.price > 0)) return deny('a limit order needs a price > 0');
    if (!onGrid(cmd.price, inst.tickSize)) return deny(`price ${cmd.price} is not a multiple of the tick size ${inst.tickSize}`);
  }
  const signed = cmd.side === 'buy' ? cmd.qty : -cmd.qty;
  const after = view.position + signed;
  const reduces = reducesPosition(view.position, cmd.side, cmd.qty);
  if (view.tradingState === 'reducing' && !reduces) return deny('new entries are paused: only orders that reduce a position are allowed');
  if (cmd.reduceOnly && !reduces) return deny('reduce-only order would not reduce the position');
  const price = cmd.orderType === 'limit' ? (cmd.price as number) : view.referencePrice;
  if (price === undefined) return deny(`no price known yet for ${cmd.symbol}`);
  const notional = price * cmd.qty;
  if (notional < inst.minNotional) {
    return deny(`notional ${notional.toFixed(2)} is below the minimum ${inst.minNotional} ${inst.quote}`);
  }
  if (!reduces) {
    if (view.dailyPnl <= -limits.dailyLossLimit) {
      return breach('daily-loss', `daily loss limit reached (${view.dailyPnl.toFixed(2)} <= -${limits.dailyLossLimit})`);
    }
    const rate = rateBreach(view.orderRate, limits.maxOrdersPerSecond, limits.maxOrdersPerMinute);
    if (rate !== undefined) return refused(rate);
    const band = cmd.orderType === 'limit' ? priceBandBreach(price, view.referencePrice, limits.priceBandBps) : undefined;
    if (band !== undefined) return refused(band);
    if (notional > limits.maxOrderNotional) {
      return breach('order-notional', `order notional ${notional.toFixed(2)} exceeds the limit ${limits.maxOrderNotional}`);
    }
    if (Math.abs(after) * price > limits.maxPositionNotional) {
      return breach('position-notional', `position notional would be ${(Math.abs(after) * price).toFixed(2)}, above the limit ${limits.maxPositionNotional}`);
    }
    if (Number.isFinite(limits.maxGrossExposure) || Number.isFinite(limits.maxNetExposure)) {
      const before = exposureWith(view.exposure, view.position, view.referencePrice, view.position, price);
      const exposure = exposureBreach(before, exposureWith(view.exposure, view.position, view.referencePrice, after, price), limits.maxGrossExposure, limits.maxNetExposure, inst.quote);
      if (exposure !== undefined) return refused(exposure);
    }
    const lev = view.accountType === 'margin' ? leverageBreach(inst, Math.abs(after) * price, view.leverage, view.equity) : undefined;
    if (lev !== undefined) return refused(lev);
    if (view.accountType === 'cash') {
      if (after < -1e-12) return deny(`cannot sell ${cmd.qty} ${inst.base}: a cash account holds only ${view.position}`);
      if (cmd.side === 'buy' && notional > view.buyingPower) {
        return deny(`insufficient cash: order needs ${notional.toFixed(2)} ${inst.quote}, ${view.buyingPower.toFixed(2)} available`);
      }
    } else if (notional > view.buyingPower) {
      return deny(`insufficient margin: order needs ${notional.toFixed(2)} ${inst.quote} of buying power, ${view.buyingPower.toFixed(2)} available`);
    }
  }
  if (view.openOrders >= limits.maxOpenOrders) return deny(`too many open orders (${view.openOrders}, limit ${limits.maxOpenOrders})`);
  return OK;
}

/** True when changing `order` to `qty` at `price` could add exposure: a larger size, or a limit moved toward the market. */
export function modifyAddsExposure(order: Pick<Order, 'side' | 'qty' | 'price'>, qty: number, price: number | undefined): boolean {
  if (qty > order.qty) return true;
  if (price === undefined || order.price === undefined) return false;
  return order.side === 'buy' ? price > order.price : price < order.price;
}

/**
 * The gate for a modify. Nothing is modified while halted. A modify that only shrinks the order or
 * moves it away from the market passes; one that could add exposure is checked as the order it
 * would become: its whole new size at its new price, against the position before its own fills
 * (which are part of the position already), with the buying power its fills used given back.
 * `view` is built as for a submit, without this order's own commitment. A new limit price outside
 * the price band is refused either way (as a venue's percent-price filter would), unless the
 * order only reduces the position.
 */
export function checkModify(order: Order, cmd: ModifyOrder, view: RiskView, limits: RiskLimits = DEFAULT_LIMITS): Verdict {
  if (view.tradingState === 'halted') return deny('trading is halted');
  const qty = cmd.qty ?? order.qty;
  const price = cmd.price ?? order.price;
  const filled = order.side === 'buy' ? order.filledQty : -order.filledQty;
  if (cmd.price !== undefined && !reducesPosition(view.position - filled, order.side, qty)) {
    const band = priceBandBreach(cmd.price, view.referencePrice, limits.priceBandBps);
    if (band !== undefined) return refused(band);
  }
  if (!modifyAddsExposure(order, qty, price)) return OK;
  const as: SubmitOrder = {
    type: 'SubmitOrder',
    strategyId: order.strategyId,
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    side: order.side,
    orderType: order.orderType,
    qty,
    ...(price === undefined ? {} : { price }),
    timeInForce: order.timeInForce,
    postOnly: order.postOnly,
    reduceOnly: order.reduceOnly,
    tsInit: cmd.tsInit,
  };
  const used = order.filledQty * (price ?? view.referencePrice ?? 0);
  return check(as, { ...view, position: view.position - filled, buyingPower: view.buyingPower + used }, limits);
}

/**
 * Cash (or margin x leverage) not yet committed to positions or to open orders other than
 * `exclude`. Open orders are valued at their limit price, or the last price for market orders.
 */
export function buyingPower(
  accountType: AccountType,
  leverage: number,
  account: { cash(): number; equity(): number; exposure(): number },
  open: readonly Order[],
  exclude: string,
  lastPrice: (symbol: string) => number | undefined,
): number {
  let committed = 0;
  for (const o of open) {
    if (o.clientOrderId === exclude) continue;
    if (accountType === 'cash' && o.side === 'sell') continue;
    const px = o.price ?? lastPrice(o.symbol) ?? 0;
    committed += leavesQty(o) * (Number.isNaN(px) ? 0 : px);
  }
  return accountType === 'cash' ? account.cash() - committed : account.equity() * leverage - account.exposure() - committed;
}
