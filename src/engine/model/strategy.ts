/**
 * The strategy API. A strategy is a TypeScript module whose default export is
 * `defineStrategy({ name, params, create })`. `create(ctx)` returns handlers; the context is the
 * strategy's only window on the world, and it is the same in backtest, paper and live: a strategy
 * cannot tell which mode it runs in.
 */
import type { OrderSide, TimeInForce } from './commands.ts';
import type { FundingPaid, OrderEvent, OrderFilled } from './events.ts';
import type { ClientOrderId, StrategyId, Symbol } from './ids.ts';
import type { Instrument } from './instrument.ts';
import type { Bar, QuoteTick, TradeTick } from './market-data.ts';
import type { Order } from './order.ts';

export type ParamValue = number | string | boolean;
export type Params = Readonly<Record<string, ParamValue>>;

export interface OrderRequest {
  readonly symbol: string;
  readonly side: OrderSide;
  /** Base units; rounded toward zero to the lot size. */
  readonly qty: number;
  /** A limit price makes a limit order; rounded to the tick, never more aggressively. */
  readonly price?: number;
  /** Default 'gtc' for limit orders, 'ioc' for market orders. */
  readonly timeInForce?: TimeInForce;
  readonly postOnly?: boolean;
  readonly reduceOnly?: boolean;
  /**
   * Market orders only: send a marketable limit instead, IOC, priced this many basis points
   * through the last price, so the fill can never be worse than the band.
   */
  readonly protectionBps?: number;
  /**
   * What to do when the order is only partly filled after `afterMs`: keep waiting (default),
   * cancel the remainder, or chase it (re-price the remainder to the last price, again every
   * `afterMs`). The position only ever shows what actually filled.
   */
  readonly partialFill?: PartialFillPolicy;
}

export interface PartialFillPolicy {
  readonly policy: 'wait' | 'cancel' | 'chase';
  readonly afterMs: number;
}

/** A position as a strategy sees it (numbers for convenience; the ledger keeps exact values). */
export interface PositionView {
  readonly symbol: string;
  /** Signed base units. */
  readonly qty: number;
  readonly avgEntry: number;
  readonly realizedPnl: number;
  readonly fees: number;
  readonly funding: number;
}

export interface PortfolioView {
  position(symbol: string): PositionView;
  /** Unrealized PnL of a symbol at its last price. */
  unrealizedPnl(symbol: string): number;
  /** Quote cash: for a cash account the currency held, for a margin account the wallet balance. */
  cash(): number;
  /** Balance plus unrealized PnL at last prices. */
  equity(): number;
}

export interface StrategyContext<P extends Params = Params> {
  readonly id: StrategyId;
  readonly params: P;
  /** Symbols this strategy receives data for. */
  readonly symbols: readonly Symbol[];
  /** Engine time, epoch ms. */
  now(): number;
  /** Queues an order; returns its id at once. The outcome arrives as events. */
  submit(req: OrderRequest): ClientOrderId;
  cancel(id: ClientOrderId): void;
  modify(id: ClientOrderId, changes: { readonly qty?: number; readonly price?: number }): void;
  cancelAll(symbol?: string): void;
  readonly portfolio: PortfolioView;
  /** This strategy's open orders, optionally for one symbol. */
  openOrders(symbol?: string): readonly Order[];
  /** One of this strategy's orders; undefined for another's, or a closed one a live session has forgotten (closed long ago, and not among the newest 1,000). */
  order(id: ClientOrderId): Order | undefined;
  instrument(symbol: string): Instrument;
  lastPrice(symbol: string): number | undefined;
  /** Calls onTimer(name) at `at` (epoch ms); setting a name again replaces it. */
  setTimer(name: string, at: number): void;
  cancelTimer(name: string): void;
  log(message: string): void;
  /** JSON-serializable state the engine persists for the strategy. */
  readonly state: Record<string, unknown>;
}

export interface StrategyHandlers {
  onStart?(): void;
  onBar?(bar: Bar): void;
  onTrade?(trade: TradeTick): void;
  onQuote?(quote: QuoteTick): void;
  onOrderFilled?(fill: OrderFilled, order: Order): void;
  /** Every event of this strategy's orders, fills included. */
  onOrderEvent?(event: OrderEvent, order: Order): void;
  onFunding?(funding: FundingPaid): void;
  onTimer?(name: string): void;
  onStop?(): void;
}

export interface StrategyDefinition<P extends Params = Params> {
  readonly name: string;
  readonly description?: string;
  /** Parameters with their defaults; the defaults fix each parameter's type. */
  readonly params: P;
  /**
   * Parameters that are order quantities in base units, besides the numeric ones named `size` or
   * `qty` (always counted): at start each is checked against every market's lot size, minimum
   * quantity and minimum notional, and a value that cannot trade stops the start.
   */
  readonly sizeParams?: readonly string[];
  /** Returns an error message when a parameter combination is invalid. */
  validate?(params: P): string | undefined;
  create(ctx: StrategyContext<P>): StrategyHandlers;
}

export function defineStrategy<P extends Params>(def: StrategyDefinition<P>): StrategyDefinition<P> {
  return def;
}

/**
 * A strategy definition with its parameter set erased (how the engine holds them). Method syntax
 * in StrategyDefinition keeps a StrategyDefinition<{ fast: number }> assignable to this.
 */
export type AnyStrategyDefinition = StrategyDefinition<Params>;

/**
 * Resolves `key=value` overrides against a definition's defaults. Unknown keys and values of the
 * wrong type are errors naming the key and what is allowed.
 */
export function resolveParams(def: AnyStrategyDefinition, overrides: Readonly<Record<string, string | ParamValue>>): Params {
  const out: Record<string, ParamValue> = { ...def.params };
  for (const [key, raw] of Object.entries(overrides)) {
    if (!(key in out)) {
      const known = Object.keys(def.params).join(', ') || '(none)';
      throw new ParamError(`strategy ${def.name} has no parameter "${key}"; its parameters are: ${known}`);
    }
    const dflt = out[key];
    out[key] = coerce(def.name, key, raw, typeof dflt as 'number' | 'string' | 'boolean');
  }
  const problem = def.validate?.(out);
  if (problem !== undefined) throw new ParamError(`strategy ${def.name}: ${problem}`);
  return out;
}

export class ParamError extends Error {
  override readonly name = 'ParamError';
}

function coerce(strategy: string, key: string, raw: string | ParamValue, type: 'number' | 'string' | 'boolean'): ParamValue {
  if (typeof raw === type) return raw;
  const text = String(raw).trim();
  if (type === 'number') {
    const n = Number(text);
    if (text === '' || !Number.isFinite(n)) throw new ParamError(`strategy ${strategy}: parameter "${key}" must be a number (got "${text}")`);
    return n;
  }
  if (type === 'boolean') {
    if (/^(true|yes|1|on)$/i.test(text)) return true;
    if (/^(false|no|0|off)$/i.test(text)) return false;
    throw new ParamError(`strategy ${strategy}: parameter "${key}" must be true or false (got "${text}")`);
  }
  return text;
}
