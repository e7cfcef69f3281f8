/**
 * Liquidation on the simulated venue: Binance's cross-margin rule (the engine's liquidation.ts,
 * shared with the local exchange) applied to the venue's own account. A perpetual with tiers has a
 * liquidation trigger while it holds a position; matching.ts asks for it as the mark moves and
 * calls `liquidate` when the mark reaches it. Then, as Binance does, the symbol's open orders are
 * canceled and the position is closed in full by an order of the venue's own (`autoclose-...`) at
 * the liquidation price, with the clearance fee and no commission; the fill is reported to the
 * engine flagged `liquidation` so its books follow.
 *
 * The trigger depends on the books (wallet, positions) and, with several positions open, on the
 * other marks: it is cached per market against the account's version and recomputed when either
 * may have moved. A cash account is never liquidated.
 */
import { clientOrderId, liquidationFill, liquidationTrigger, type LiquidationTrigger, type TradeId, type VenueEvent, type VenueOrderId } from '../engine/index.ts';
import { removeResting, type Market, type SimOrder } from './market-state.ts';
import type { SimAccount } from './sim-account.ts';
import type { SimHistory } from './sim-history.ts';

export interface LiquidatorDeps {
  readonly account: SimAccount;
  readonly markets: ReadonlyMap<string, Market>;
  readonly history: SimHistory;
  now(): number;
  emit(e: VenueEvent): void;
  /** The next venue order id and its sequence number, and the next trade id. */
  nextOrder(): { id: VenueOrderId; seq: number };
  nextTrade(): TradeId;
}

export class Liquidator {
  private seq = 0;

  constructor(private readonly d: LiquidatorDeps) {}

  /** The trigger of the position on `m`, if it can be liquidated. */
  trigger(m: Market): LiquidationTrigger | undefined {
    const a = this.d.account;
    if (m.inst.tiers === undefined || a.type === 'cash' || a.position(m.inst.symbol) === 0) return undefined;
    if (m.liqVersion === a.version && a.openPositions() === 1) return m.liq;
    const { pos, acct } = a.crossMargin(m.inst.symbol, (s) => this.d.markets.get(s)?.last ?? NaN);
    m.liq = liquidationTrigger(m.inst, pos, acct);
    m.liqVersion = a.version;
    return m.liq;
  }

  /** Closes the position on `m` at the trigger's price at time `t` (see the header). */
  liquidate(m: Market, trigger: LiquidationTrigger, t: number): void {
    const sym = m.inst.symbol;
    const now = this.d.now();
    for (const r of [...m.resting]) {
      removeResting(m, r);
      this.d.emit({ type: 'OrderCanceled', clientOrderId: r.clientOrderId, symbol: sym, tsEvent: t, tsInit: now });
    }
    const { pos, acct } = this.d.account.crossMargin(sym, (s) => this.d.markets.get(s)?.last ?? NaN);
    const fill = liquidationFill(m.inst, pos, acct, trigger);
    const { id, seq } = this.d.nextOrder();
    // Binance's liquidation ids: "autoclose-" + the time in ms + a 6-digit sequence.
    const order: SimOrder = {
      clientOrderId: clientOrderId(`autoclose-${t}${String(++this.seq % 1_000_000).padStart(6, '0')}`),
      venueOrderId: id,
      side: fill.side,
      timeInForce: 'ioc',
      reduceOnly: true,
      seq,
      qty: fill.qty,
      price: fill.price,
      filled: 0,
      activeFrom: t,
      queueAhead: 0,
    };
    this.d.history.opened(order, sym, 'limit', t);
    this.d.account.fill({ symbol: sym, side: fill.side, price: fill.price, qty: fill.qty, fee: fill.fee, liquidity: 'taker', ownFee: true });
    this.d.emit({
      type: 'OrderFilled',
      clientOrderId: order.clientOrderId,
      symbol: sym,
      venueOrderId: id,
      tradeId: this.d.nextTrade(),
      side: fill.side,
      lastQty: fill.qty,
      lastPx: fill.price,
      fee: fill.fee,
      liquidity: 'taker',
      liquidation: true,
      tsEvent: t,
      tsInit: now,
    });
  }
}
