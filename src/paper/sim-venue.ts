/**
 * The simulated venue: the one simulator behind both backtest and paper mode. Only the clock and
 * the data source differ between them; nothing here knows which mode it serves.
 *
 * Commands reach the venue after a sampled latency; matching.ts decides, from the market data it
 * is shown, when they arrive and which resting limits the data fills. This file is what happens
 * then: order entry against the venue's rules, takers at the path price (or the real bid/ask when
 * quotes are known), fills into the venue's own account, and the events. Taker fills pay half the
 * assumed spread (bars only), fixed slippage and square-root impact; every price is snapped to the
 * tick against the trader; with bars only, a taker never fills outside the bar's high-low range
 * (market-state.ts takerPrice; what the cap took off is counted in `slippageCapped`). Fees are
 * exact (models.ts). Perpetuals with tiers are liquidated as Binance does (liquidation.ts).
 * The venue keeps its own account (sim-account.ts): it is the truth the engine reconciles against.
 */
import {
  onGrid,
  roundTo,
  venueOrderId,
  tradeId,
  type CancelAllOrders,
  type CancelOrder,
  type ClientOrderId,
  type Clock,
  type FundingRateUpdate,
  type Instrument,
  type MarketData,
  type MatchingVenue,
  type ModifyOrder,
  type Rng,
  type SubmitOrder,
  type VenueEvent,
  type VenueEventSink,
  type VenueReports,
  type OrderStatusReport,
  type FillReport,
  type FundingReport,
  type PositionReport,
  type BalanceReport,
  type Symbol,
  type AccountType,
} from '../engine/index.ts';
import { createMarket, findResting, leaves, queueAheadAt, removeResting, takerPrice, touchPrice, type Market, type SimOrder, type VenueCommand } from './market-state.ts';
import { checkMark, drainArrivals, matchBar, matchQuote, matchTrade, type MatchHooks } from './matching.ts';
import { rejectReason } from './venue-rules.ts';
import { SimHistory } from './sim-history.ts';
import { feeFor, sampleLatency, type VenueModels } from './models.ts';
import { SimAccount } from './sim-account.ts';
import { Liquidator } from './liquidation.ts';

export interface SimVenueOptions {
  readonly instruments: readonly Instrument[];
  readonly clock: Clock;
  readonly rng: Rng;
  readonly models: VenueModels;
  readonly currency: string;
  /** Starting balance, fixed-18 (same as the engine's). */
  readonly startingCash: bigint;
  readonly accountType: AccountType;
  readonly leverage?: number;
}

export class SimulatedVenue implements MatchingVenue, VenueReports {
  readonly account: SimAccount;
  private readonly history = new SimHistory();
  private readonly markets = new Map<string, Market>();
  private sink: VenueEventSink = () => undefined;
  private orderSeq = 0;
  private tradeSeq = 0;
  private lastMarket: Market | undefined;
  private readonly liquidator: Liquidator;
  private readonly hooks: MatchHooks;
  /** Taker fills the bar's range capped, and the cost the cap removed (quote currency). */
  readonly slippageCapped = { fills: 0, amount: 0 };

  constructor(private readonly o: SimVenueOptions) {
    this.account = new SimAccount(o.currency, o.startingCash, o.accountType, o.leverage ?? 1, o.instruments, (inst, liq, px, qty) => feeFor(o.models.fees, liq, px, qty, inst));
    for (const inst of o.instruments) this.markets.set(inst.symbol, createMarket(inst));
    this.liquidator = new Liquidator({
      account: this.account,
      markets: this.markets,
      history: this.history,
      now: () => this.now(),
      emit: (e) => this.emit(e),
      nextOrder: () => ({ id: venueOrderId(String(++this.orderSeq)), seq: this.orderSeq }),
      nextTrade: () => tradeId(String(++this.tradeSeq)),
    });
    this.hooks = {
      arrive: (m, cmd, t, price) => this.arrive(m, cmd, t, price),
      fillResting: (m, r, qty, t) => this.fill(m, r, qty, r.price, 'maker', t),
      liquidation: (m) => this.liquidator.trigger(m),
      liquidate: (m, trigger, t) => this.liquidator.liquidate(m, trigger, t),
    };
  }

  /** Where the venue reports events (the engine's queue). */
  connect(sink: VenueEventSink): void {
    this.sink = sink;
  }

  submit(cmd: SubmitOrder): void {
    this.schedule(cmd.symbol, cmd);
  }
  cancel(cmd: CancelOrder): void {
    this.schedule(cmd.symbol, cmd);
  }
  modify(cmd: ModifyOrder): void {
    this.schedule(cmd.symbol, cmd);
  }
  cancelAll(cmd: CancelAllOrders): void {
    if (cmd.symbol !== undefined) this.schedule(cmd.symbol, cmd);
    else for (const sym of this.markets.keys()) this.schedule(sym, cmd);
  }

  // ---- reports (the venue's truth, for reconciliation) ----

  async openOrders(symbol?: Symbol): Promise<OrderStatusReport[]> {
    return this.history.openOrders(symbol);
  }
  async order(_symbol: Symbol, id: ClientOrderId): Promise<OrderStatusReport | undefined> {
    return this.history.order(id);
  }
  async fills(symbol: Symbol, since: number): Promise<FillReport[]> {
    return this.history.fillsSince(symbol, since);
  }
  async funding(symbol: Symbol, since: number): Promise<FundingReport[]> {
    return this.history.fundingSince(symbol, since);
  }
  async positions(): Promise<PositionReport[]> {
    return this.account.positionReports(this.now());
  }
  async balances(): Promise<BalanceReport[]> {
    return [this.account.balanceReport()];
  }

  onMarketData(d: MarketData): void {
    let m = this.lastMarket;
    if (m === undefined || m.inst.symbol !== d.symbol) {
      m = this.markets.get(d.symbol);
      if (m === undefined) return;
      this.lastMarket = m;
    }
    switch (d.type) {
      case 'bar':
        return matchBar(m, d, this.o.models.fills.maxParticipation, this.hooks);
      case 'trade':
        return matchTrade(m, d, this.hooks);
      case 'quote':
        return matchQuote(m, d, this.hooks);
      case 'funding':
        return this.onFunding(m, d);
    }
  }

  private schedule(symbol: string, cmd: VenueCommand): void {
    const m = this.markets.get(symbol);
    const at = this.o.clock.now() + sampleLatency(this.o.models.latency, this.o.rng);
    if (m === undefined) {
      if (cmd.type === 'SubmitOrder') this.reject(cmd, at, `unknown symbol ${symbol}`);
      else if (cmd.type !== 'CancelAllOrders') this.emitCancelRejected(cmd.clientOrderId, symbol, at, 'Unknown order sent.');
      return;
    }
    m.pending.add(at, cmd);
  }

  private onFunding(m: Market, f: FundingRateUpdate): void {
    drainArrivals(m, f.tsEvent, this.hooks);
    const mark = f.markPrice ?? m.last;
    if (!Number.isFinite(mark)) return;
    const paid = this.account.settleFunding(m.inst.symbol, f.rate, mark);
    if (paid === undefined) return;
    const { amount, qty: positionQty } = paid;
    this.emit({ type: 'FundingPaid', symbol: m.inst.symbol, amount, rate: f.rate, markPrice: mark, positionQty, tsEvent: f.tsEvent, tsInit: this.now() });
    // The payment moved the wallet, so the liquidation price: the mark may be beyond it now.
    checkMark(m, mark, f.tsEvent, this.hooks);
  }

  // ---- arrivals ----

  private arrive(m: Market, cmd: VenueCommand, t: number, price: number): void {
    switch (cmd.type) {
      case 'SubmitOrder':
        return this.arriveSubmit(m, cmd, t, price);
      case 'CancelOrder': {
        const r = findResting(m, cmd.clientOrderId);
        if (r === undefined) return this.emitCancelRejected(cmd.clientOrderId, m.inst.symbol, t, 'Unknown order sent.');
        removeResting(m, r);
        return this.emit({ type: 'OrderCanceled', clientOrderId: r.clientOrderId, symbol: m.inst.symbol, tsEvent: t, tsInit: this.now() });
      }
      case 'ModifyOrder':
        return this.arriveModify(m, cmd, t, price);
      case 'CancelAllOrders':
        for (const r of [...m.resting]) {
          removeResting(m, r);
          this.emit({ type: 'OrderCanceled', clientOrderId: r.clientOrderId, symbol: m.inst.symbol, tsEvent: t, tsInit: this.now() });
        }
        return;
    }
  }

  private arriveSubmit(m: Market, cmd: SubmitOrder, t: number, price: number): void {
    // Like a real venue: a client id names one order, ever (a re-sent order must not double it).
    if (this.history.has(cmd.clientOrderId)) return this.reject(cmd, t, 'ClientOrderId is duplicated.');
    const problem = rejectReason(m, cmd, price, this.account, this.markets, this.o.models);
    if (problem !== undefined) return this.reject(cmd, t, problem);
    const isLimit = cmd.orderType === 'limit';
    const limit = cmd.price ?? NaN;
    const touch = touchPrice(m, this.o.models.spread, cmd.side, price);
    const marketable = !isLimit || (cmd.side === 'buy' ? limit >= touch : limit <= touch);
    if (isLimit && marketable && cmd.postOnly) return this.reject(cmd, t, 'Order would immediately match and take.');
    const r: SimOrder = {
      clientOrderId: cmd.clientOrderId,
      venueOrderId: venueOrderId(String(++this.orderSeq)),
      side: cmd.side,
      timeInForce: cmd.timeInForce,
      reduceOnly: cmd.reduceOnly,
      seq: this.orderSeq,
      qty: cmd.qty,
      price: isLimit ? limit : NaN,
      filled: 0,
      activeFrom: t,
      queueAhead: 0,
    };
    this.history.opened(r, m.inst.symbol, cmd.orderType, t);
    this.emit({ type: 'OrderAccepted', clientOrderId: r.clientOrderId, symbol: m.inst.symbol, venueOrderId: r.venueOrderId, tsEvent: t, tsInit: this.now() });
    if (marketable) {
      this.takerFill(m, r, r.qty, price, t);
      return;
    }
    if (cmd.timeInForce !== 'gtc') {
      return this.emit({ type: 'OrderExpired', clientOrderId: r.clientOrderId, symbol: m.inst.symbol, tsEvent: t, tsInit: this.now(), reason: `${cmd.timeInForce} limit not marketable` });
    }
    r.queueAhead = queueAheadAt(m, r.side, r.price);
    m.resting.push(r);
  }

  private arriveModify(m: Market, cmd: ModifyOrder, t: number, price: number): void {
    const r = findResting(m, cmd.clientOrderId);
    const sym = m.inst.symbol;
    if (r === undefined) {
      return this.emit({ type: 'OrderModifyRejected', clientOrderId: cmd.clientOrderId, symbol: sym, tsEvent: t, tsInit: this.now(), reason: 'Unknown order sent.' });
    }
    const qty = cmd.qty ?? r.qty;
    const newPrice = cmd.price ?? r.price;
    if (qty <= r.filled || !onGrid(qty, m.inst.lotSize) || !onGrid(newPrice, m.inst.tickSize)) {
      return this.emit({ type: 'OrderModifyRejected', clientOrderId: r.clientOrderId, symbol: sym, tsEvent: t, tsInit: this.now(), reason: 'Invalid quantity or price.' });
    }
    r.qty = qty;
    r.price = newPrice;
    r.activeFrom = t;
    // A modified order loses its time priority (as on Binance): it goes to the back.
    removeResting(m, r);
    m.resting.push(r);
    this.emit({ type: 'OrderUpdated', clientOrderId: r.clientOrderId, symbol: sym, qty, price: newPrice, tsEvent: t, tsInit: this.now() });
    const touch = touchPrice(m, this.o.models.spread, r.side, price);
    if (r.side === 'buy' ? newPrice >= touch : newPrice <= touch) {
      removeResting(m, r);
      this.takerFill(m, r, leaves(m, r), price, t);
    } else {
      r.queueAhead = queueAheadAt(m, r.side, newPrice);
    }
  }

  // ---- fills ----

  private takerFill(m: Market, r: SimOrder, qty: number, price: number, t: number): void {
    const px = takerPrice(m, this.o.models, r.side, qty, price, r.price);
    if (px.capped > 0) {
      this.slippageCapped.fills++;
      this.slippageCapped.amount += px.capped;
    }
    const tp = this.o.models.fills.takerPieces;
    if (tp === undefined || tp.share <= 0) return this.fill(m, r, qty, px.price, 'taker', t); // one piece: no list to build
    for (const piece of this.takerPieces(m, qty)) this.fill(m, r, piece, px.price, 'taker', t);
  }

  /** The pieces a taker fill of `qty` comes in (fills.takerPieces; one piece without it). */
  private takerPieces(m: Market, qty: number): number[] {
    const tp = this.o.models.fills.takerPieces;
    if (tp === undefined || tp.share <= 0 || this.o.rng.next() >= tp.share) return [qty];
    const whole = Math.floor(tp.pieces);
    const k = Math.min(whole + (this.o.rng.next() < tp.pieces - whole ? 1 : 0), Math.floor(qty / m.inst.lotSize + 1e-9));
    if (k < 2) return [qty];
    const piece = roundTo(Math.floor(qty / k / m.inst.lotSize + 1e-9) * m.inst.lotSize, m.inst.qtyDecimals);
    return [...Array.from({ length: k - 1 }, () => piece), roundTo(qty - piece * (k - 1), m.inst.qtyDecimals)];
  }

  private fill(m: Market, r: SimOrder, qty: number, price: number, liquidity: 'maker' | 'taker', t: number): void {
    const sym = m.inst.symbol;
    const fee = feeFor(this.o.models.fees, liquidity, price, qty, m.inst);
    this.account.fill({ symbol: sym, side: r.side, price, qty, fee, liquidity });
    r.filled = roundTo(r.filled + qty, m.inst.qtyDecimals);
    if (r.filled >= r.qty) removeResting(m, r);
    this.emit({
      type: 'OrderFilled',
      clientOrderId: r.clientOrderId,
      symbol: sym,
      venueOrderId: r.venueOrderId,
      tradeId: tradeId(String(++this.tradeSeq)),
      side: r.side,
      lastQty: qty,
      lastPx: price,
      fee,
      liquidity,
      tsEvent: t,
      tsInit: this.now(),
    });
  }

  // ---- events ----

  private reject(cmd: SubmitOrder, t: number, reason: string): void {
    this.emit({ type: 'OrderRejected', clientOrderId: cmd.clientOrderId, symbol: cmd.symbol, reason, tsEvent: t, tsInit: this.now() });
  }

  private emitCancelRejected(id: ClientOrderId, symbol: string, t: number, reason: string): void {
    this.emit({ type: 'OrderCancelRejected', clientOrderId: id, symbol: symbol as SubmitOrder['symbol'], reason, tsEvent: t, tsInit: this.now() });
  }

  private now(): number {
    return this.o.clock.now();
  }

  private emit(e: VenueEvent): void {
    this.history.record(e);
    this.sink(e);
  }
}
