/**
 * The ccxt execution adapter: the engine's ExecutionPort on a real (or the local) exchange.
 *
 * Never doubles an order: client order ids are deterministic, and after any failure whose outcome
 * is unknown (timeout, network, 5xx, 429) the adapter first asks the venue for the order by its
 * client id and only sends again when the venue says it does not exist. A "duplicate client id"
 * answer means the first attempt got through.
 * Never counts a fill twice: fills carry the venue's trade id and the engine drops repeats; the
 * adapter also skips trade ids it already passed on. Fills come from the user stream, and are
 * fetched by order id when a REST answer shows fills the stream has not delivered (yet).
 */
import type { Order, Trade } from 'ccxt';
import {
  HaltError,
  OrderRejectedError,
  RetryableError,
  type CancelAllOrders,
  type CancelOrder,
  type ClientOrderId,
  type ExecutionPort,
  type ModifyOrder,
  type ParityError,
  type SubmitOrder,
  type VenueEvent,
  type VenueEventSink,
} from '../../engine/index.ts';
import { isDuplicateClientId, isOrderNotFound } from './errors.ts';
import { fetchByClientId } from './fetch-order.ts';
import type { MarketIndex, VenueMarket } from './markets.ts';
import { OrderRecords, type OrderRecord } from './order-records.ts';
import { clientIdOf, fillEvent, fillReport, liquidationFillEvent, orderReport, orderSnapshotEvents } from './parse.ts';
import { backoffMs, type Requester } from './requester.ts';

export interface CcxtVenueOptions {
  readonly requester: Requester;
  readonly markets: MarketIndex;
  /** Attempts per order before giving up (each one preceded by a lookup). Default 5. */
  readonly maxAttempts?: number;
  /** The credentials or configuration are wrong: the runtime should halt. */
  readonly onHalt?: (e: HaltError) => void;
  /**
   * Just before an order request goes to ccxt, after the rate limiter let it through (latency
   * measurements): once per request actually sent, so a retried submit, cancel or modify reports each try.
   */
  readonly onRequestOut?: (kind: 'submit' | 'cancel' | 'modify', id: ClientOrderId) => void;
  /** Named moments for the crash drills (the shell's crash points); nothing by default. */
  readonly crashpoint?: (name: 'after-submit-sent') => void;
}

export class CcxtVenue implements ExecutionPort {
  readonly records = new OrderRecords();
  private sink: VenueEventSink = () => undefined;
  private readonly held = new Map<string, Trade[]>();

  constructor(private readonly o: CcxtVenueOptions) {}

  connect(sink: VenueEventSink): void {
    this.sink = sink;
  }

  submit(cmd: SubmitOrder): void {
    const market = this.o.markets.bySymbol.get(cmd.symbol);
    const now = this.o.requester.now();
    if (market === undefined) {
      this.emit({ type: 'OrderRejected', clientOrderId: cmd.clientOrderId, symbol: cmd.symbol, reason: `symbol ${cmd.symbol} is not set up on this venue`, tsEvent: now, tsInit: now });
      return;
    }
    const rec = this.records.add(cmd, market);
    void this.place(rec, 1);
  }

  cancel(cmd: CancelOrder): void {
    const rec = this.records.get(cmd.clientOrderId);
    if (rec === undefined) return;
    void this.cancelOne(rec);
  }

  modify(cmd: ModifyOrder): void {
    const rec = this.records.get(cmd.clientOrderId);
    if (rec === undefined) return;
    void this.modifyOne(rec, cmd);
  }

  cancelAll(cmd: CancelAllOrders): void {
    const all = this.o.markets.bySymbol;
    const markets = cmd.symbol === undefined ? [...all.values()] : [all.get(cmd.symbol)].filter((m): m is VenueMarket => m !== undefined);
    for (const m of markets) void this.cancelAllOn(m);
  }

  /** A user-stream order update (watchOrders). A liquidation's update is its fill (Binance sends no trade for it). */
  onOrderUpdate(o: Order): void {
    const market = this.o.markets.byCcxtSymbol(o.symbol);
    if (market === undefined) return;
    const liquidation = liquidationFillEvent(o, market.symbol, this.o.requester.now());
    if (liquidation !== undefined) return this.emit(liquidation);
    const report = orderReport(o, market.symbol);
    const rec = report.clientOrderId === undefined ? undefined : this.records.get(report.clientOrderId);
    if (rec !== undefined) this.learn(rec, report.venueOrderId);
    if (rec !== undefined && report.status !== 'open') rec.done = report.status !== 'filled' || rec.filled >= rec.cmd.qty - 1e-12;
    for (const e of orderSnapshotEvents(report, this.o.requester.now())) this.emit(e);
  }

  /** A user-stream fill (watchMyTrades). A fill for an order not yet known is held until it is. */
  onTrade(t: Trade): void {
    const market = this.o.markets.byCcxtSymbol(t.symbol);
    if (market === undefined) return;
    const cid = clientIdOf(t) ?? this.records.clientIdOfVenue(String(t.order));
    if (cid === undefined) {
      const list = this.held.get(String(t.order)) ?? [];
      list.push(t);
      this.held.set(String(t.order), list);
      return;
    }
    this.passFill(cid, t, market);
  }

  private passFill(cid: ClientOrderId, t: Trade, market: VenueMarket): void {
    const f = fillReport(t, market.symbol, cid);
    const rec = this.records.get(cid);
    if (rec !== undefined) {
      if (rec.trades.has(f.tradeId)) return;
      rec.trades.add(f.tradeId);
      rec.filled += f.qty;
    }
    this.emit(fillEvent({ ...f, clientOrderId: cid }, this.o.requester.now()));
  }

  private learn(rec: OrderRecord, venueId: string): void {
    if (rec.venueId === venueId) return;
    this.records.link(rec, venueId);
    const held = this.held.get(venueId);
    if (held === undefined) return;
    this.held.delete(venueId);
    for (const t of held) this.passFill(rec.cmd.clientOrderId, t, rec.market);
  }

  private async place(rec: OrderRecord, attempt: number): Promise<void> {
    const { cmd, market } = rec;
    const params: Record<string, unknown> = { clientOrderId: cmd.clientOrderId };
    if (cmd.postOnly) params['postOnly'] = true;
    if (cmd.reduceOnly) params['reduceOnly'] = true;
    if (cmd.orderType === 'limit' && cmd.timeInForce !== 'gtc' && !cmd.postOnly) params['timeInForce'] = cmd.timeInForce.toUpperCase();
    try {
      const order = await this.o.requester.call('createOrder', (c) => {
        this.o.onRequestOut?.('submit', cmd.clientOrderId); // when the budget lets it go, not when queued
        return c.createOrder(market.ccxtSymbol, cmd.orderType, cmd.side, cmd.qty, cmd.price, params);
      });
      this.o.crashpoint?.('after-submit-sent'); // the venue has the order; nothing here knows it yet
      await this.applySnapshot(rec, order);
    } catch (err) {
      if (isDuplicateClientId(err)) return this.lookupThenResend(rec, attempt + 1);
      this.onSubmitError(rec, attempt, err as ParityError);
    }
  }

  private get maxAttempts(): number {
    return this.o.maxAttempts ?? 5;
  }

  private onSubmitError(rec: OrderRecord, attempt: number, e: ParityError): void {
    const now = this.o.requester.now();
    const { cmd } = rec;
    if (e instanceof RetryableError && attempt < this.maxAttempts) {
      // The order may or may not have reached the venue: look before sending again.
      void this.o.requester.sleep(backoffMs(attempt - 1, e.retryAfterMs)).then(() => this.lookupThenResend(rec, attempt + 1));
      return;
    }
    rec.done = true;
    const reason = e instanceof RetryableError ? `not confirmed after ${attempt} attempts: ${e.message}` : e.message;
    this.emit({ type: 'OrderRejected', clientOrderId: cmd.clientOrderId, symbol: cmd.symbol, reason, tsEvent: now, tsInit: now });
    if (e instanceof HaltError) this.o.onHalt?.(e);
  }

  /**
   * Asks the venue whether the order exists; sends it again only if it does not. Bounded by
   * maxAttempts: a venue that answers "duplicate client id" to the send and "not found" to the
   * lookup (an order it no longer lists) would otherwise be asked forever.
   */
  private async lookupThenResend(rec: OrderRecord, attempt: number): Promise<void> {
    try {
      await this.applySnapshot(rec, await fetchByClientId(this.o.requester, rec.market, rec.cmd.clientOrderId, false));
    } catch (err) {
      if (!isOrderNotFound(err)) return this.onSubmitError(rec, attempt, err as ParityError);
      if (attempt <= this.maxAttempts) return this.place(rec, attempt);
      const why = `the venue neither lists nor accepts client id ${rec.cmd.clientOrderId} after ${attempt - 1} attempts (${(err as Error).message}); nothing more was sent, check the venue's order history`;
      this.onSubmitError(rec, attempt, new OrderRejectedError(why));
    }
  }

  /** A REST view of one of our orders: events for its status, and any fills the stream has not brought. */
  private async applySnapshot(rec: OrderRecord, order: Order): Promise<void> {
    const report = orderReport(order, rec.market.symbol);
    this.learn(rec, report.venueOrderId);
    for (const e of orderSnapshotEvents({ ...report, clientOrderId: rec.cmd.clientOrderId }, this.o.requester.now())) this.emit(e);
    if (report.status !== 'open') rec.done = true;
    if (report.filledQty > rec.filled + 1e-12 && report.status !== 'open') await this.recoverFills(rec);
  }

  private async recoverFills(rec: OrderRecord): Promise<void> {
    try {
      const trades = await this.o.requester.retrying('fetchMyTrades', (c) => c.fetchMyTrades(rec.market.ccxtSymbol, undefined, undefined, { orderId: rec.venueId }));
      for (const t of trades) if (String(t.order) === rec.venueId) this.passFill(rec.cmd.clientOrderId, t, rec.market);
    } catch {
      // The user stream or the reconciliation loop will bring them; nothing is lost by waiting.
    }
  }

  private async cancelOne(rec: OrderRecord): Promise<void> {
    const { cmd, market } = rec;
    try {
      const order = await this.o.requester.retrying('cancelOrder', (c) => {
        this.o.onRequestOut?.('cancel', cmd.clientOrderId);
        return c.cancelOrder('', market.ccxtSymbol, { origClientOrderId: cmd.clientOrderId });
      });
      await this.applySnapshot(rec, order);
    } catch (err) {
      await this.afterFailedChange(rec, 'OrderCancelRejected', err);
    }
  }

  private async modifyOne(rec: OrderRecord, m: ModifyOrder): Promise<void> {
    const { cmd, market } = rec;
    const qty = m.qty ?? cmd.qty;
    const price = m.price ?? cmd.price;
    const now = () => this.o.requester.now();
    try {
      const order = await this.o.requester.retrying('editOrder', (c) => {
        this.o.onRequestOut?.('modify', cmd.clientOrderId);
        return c.editOrder(rec.venueId ?? '', market.ccxtSymbol, cmd.orderType, cmd.side, qty, price, { origClientOrderId: cmd.clientOrderId });
      });
      const r = orderReport(order, market.symbol);
      const t = now();
      this.emit({
        type: 'OrderUpdated',
        clientOrderId: cmd.clientOrderId,
        symbol: cmd.symbol,
        qty: r.qty || qty,
        ...(price === undefined ? {} : { price: r.price ?? price }),
        tsEvent: r.tsLast || t,
        tsInit: t,
      });
    } catch (err) {
      await this.afterFailedChange(rec, 'OrderModifyRejected', err);
    }
  }

  /** A cancel/modify failed: say so, and if the order is gone, learn how it ended. */
  private async afterFailedChange(rec: OrderRecord, type: 'OrderCancelRejected' | 'OrderModifyRejected', err: unknown): Promise<void> {
    const t = this.o.requester.now();
    const reason = err instanceof Error ? err.message : String(err);
    this.emit({ type, clientOrderId: rec.cmd.clientOrderId, symbol: rec.cmd.symbol, reason, tsEvent: t, tsInit: t });
    if (err instanceof HaltError) this.o.onHalt?.(err);
    if (err instanceof OrderRejectedError) await this.refresh(rec);
  }

  /** Asks the venue how one of our orders stands and applies the answer. */
  private async refresh(rec: OrderRecord): Promise<void> {
    try {
      await this.applySnapshot(rec, await fetchByClientId(this.o.requester, rec.market, rec.cmd.clientOrderId));
    } catch {
      // Unknown to the venue as well, or unreachable: the reconciliation loop settles it.
    }
  }

  private async cancelAllOn(m: VenueMarket): Promise<void> {
    try {
      await this.o.requester.retrying('cancelAllOrders', (c) => c.cancelAllOrders(m.ccxtSymbol));
    } catch (err) {
      if (err instanceof HaltError) this.o.onHalt?.(err);
    }
    // The user stream reports each cancel; ask for the ones still in flight so none stays pending.
    for (const rec of this.records.openOn(m.symbol)) await this.refresh(rec);
  }

  private emit(e: VenueEvent): void {
    this.sink(e);
  }
}
