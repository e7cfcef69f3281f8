/**
 * Matching: the local exchange's own fill rules (independent of src/paper on purpose).
 *
 * - A taker walks the public book best-first; each level it touches is one fill at that level's
 *   price. Size our takers used stays "consumed" until the book next changes, so two orders in a
 *   row cannot take the same liquidity. Our orders never move the public book (it is a recording).
 * - A resting limit order fills as maker at its own price: fully when a public trade prints
 *   through its price, partly when one prints at its price (after the public size that was queued
 *   ahead of it when it arrived), and when the public book crosses it (size of the crossing levels).
 * - Reduce-only orders are capped by the position at each fill and expire once nothing is left to
 *   reduce. Each fill is one TRADE event (or several with the forced-partial-fill fault), followed
 *   by one ACCOUNT_UPDATE per batch.
 */
import type { Level } from './book.ts';
import { floorTo, fmt, minx, parseFixed, type Fixed } from './decimal.ts';
import { isOpen, remaining, type Order } from './orders.ts';
import type { ExecutionVenue as Venue, MarketState, PublicTrade } from './venue-types.ts';
import * as ws from './ws-shapes.ts';

type Side = 'BUY' | 'SELL';

const opposite = (side: Side): 'asks' | 'bids' => (side === 'BUY' ? 'asks' : 'bids');

/** Would a `side` order at `limit` trade against `price`? */
export function crosses(side: Side, limit: Fixed, price: Fixed): boolean {
  return side === 'BUY' ? price <= limit : price >= limit;
}

/** Public size available to a `side` taker up to `limit` (all of the book without one). */
export function fillable(ms: MarketState, side: Side, want: Fixed, limit?: Fixed): Fixed {
  const name = opposite(side);
  let total = 0n;
  for (const [p, q] of ms.feed.book.levels(name)) {
    if (limit !== undefined && !crosses(side, limit, p)) break;
    total += q - (ms.consumed[name].get(p) ?? 0n);
    if (total >= want) break;
  }
  return total;
}

/** Takes up to `qty` from the book for a `side` taker, best level first; records the consumption. */
export function take(ms: MarketState, side: Side, qty: Fixed, limit?: Fixed): Level[] {
  const name = opposite(side);
  const used = ms.consumed[name];
  const fills: Level[] = [];
  let left = qty;
  for (const [p, q] of ms.feed.book.levels(name)) {
    if (left <= 0n || (limit !== undefined && !crosses(side, limit, p))) break;
    const avail = q - (used.get(p) ?? 0n);
    if (avail <= 0n) continue;
    const n = minx(avail, left);
    used.set(p, (used.get(p) ?? 0n) + n);
    fills.push([p, n]);
    left -= n;
  }
  return fills;
}

/** Position size a `side` order can still reduce. */
export function closable(v: Venue, symbol: string, side: Side): Fixed {
  const q = v.account.positions.get(symbol)?.qty ?? 0n;
  return side === 'BUY' ? (q < 0n ? -q : 0n) : q > 0n ? q : 0n;
}

function pieces(v: Venue, ms: MarketState, qty: Fixed): Fixed[] {
  const n = v.cfg.splitFill(ms.spec.symbol);
  if (n <= 1) return [qty];
  const unit = floorTo(qty / BigInt(n), ms.spec.step);
  if (unit <= 0n) return [qty];
  return [...Array.from({ length: n - 1 }, () => unit), qty - unit * BigInt(n - 1)];
}

export function emitOrder(v: Venue, ms: MarketState, o: Order, x: 'NEW' | 'CANCELED' | 'EXPIRED' | 'AMENDMENT'): void {
  v.sink.user(ws.orderTradeUpdate(o, ms.spec, x, v.now), 'order');
  v.sink.log({
    type: 'order',
    time: v.now,
    status: x === 'AMENDMENT' ? 'AMENDED' : x,
    symbol: o.symbol,
    orderId: o.orderId,
    clientOrderId: o.clientOrderId,
    side: o.side,
    orderType: o.type,
    qty: fmt(o.origQty, ms.spec.stepDecimals),
    price: fmt(o.price, ms.spec.tickDecimals),
    origin: o.origin,
  });
}

/** An open order ends without further fills: stamps its status and time, and reports it. */
export function endOrder(v: Venue, ms: MarketState, o: Order, status: 'CANCELED' | 'EXPIRED'): void {
  o.status = status;
  o.updateTime = v.now;
  emitOrder(v, ms, o, status);
}

/** Fills `qty` of order `o` at `price`; returns the quantity actually executed. */
export function execute(v: Venue, ms: MarketState, o: Order, qty: Fixed, price: Fixed, maker: boolean): Fixed {
  let done = 0n;
  for (const piece of pieces(v, ms, qty)) {
    let q = piece;
    if (o.reduceOnly) q = minx(q, closable(v, o.symbol, o.side));
    if (q <= 0n) break;
    const tradeId = v.nextTradeId();
    const t = v.account.applyFill({ symbol: o.symbol, orderId: o.orderId, tradeId, side: o.side, qty: q, price, feeRate: maker ? v.cfg.fees.maker : v.cfg.fees.taker, maker, time: v.now });
    o.executedQty += q;
    o.cumQuote += t.quoteQty;
    o.status = o.executedQty >= o.origQty ? 'FILLED' : 'PARTIALLY_FILLED';
    o.updateTime = v.now;
    v.sink.user(ws.orderTradeUpdate(o, ms.spec, 'TRADE', v.now, { qty: q, price, commission: t.commission, tradeId, maker, realizedPnl: t.realizedPnl }), 'fill');
    v.sink.log({
      type: 'fill',
      time: v.now,
      symbol: o.symbol,
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      side: o.side,
      qty: fmt(q, ms.spec.stepDecimals),
      price: fmt(price, ms.spec.tickDecimals),
      maker,
      status: o.status,
    });
    done += q;
    if (q < piece) break;
  }
  return done;
}

/** After a batch of fills: ACCOUNT_UPDATE, then reduce-only orders with nothing left to reduce expire. */
export function afterFills(v: Venue, ms: MarketState): void {
  const view = v.positionView(ms);
  v.sink.user(
    ws.accountUpdate({ reason: 'ORDER', wallet: v.account.wallet, balanceChange: 0n, positions: [{ position: view.position, spec: ms.spec, unrealized: view.unrealized }] }, v.now),
    'account',
  );
  for (const o of v.orders.open(ms.spec.symbol)) {
    if (o.reduceOnly && closable(v, o.symbol, o.side) === 0n) endOrder(v, ms, o, 'EXPIRED');
  }
}

function restingByPriority(v: Venue, symbol: string): Order[] {
  if (!v.orders.hasOpen(symbol)) return []; // the common case: called on every depth diff and trade
  const open = v.orders.open(symbol).filter((o) => o.type === 'LIMIT');
  const byTime = (a: Order, b: Order): number => a.orderId - b.orderId;
  const buys = open.filter((o) => o.side === 'BUY').sort((a, b) => (a.price === b.price ? byTime(a, b) : a.price > b.price ? -1 : 1));
  const sells = open.filter((o) => o.side === 'SELL').sort((a, b) => (a.price === b.price ? byTime(a, b) : a.price < b.price ? -1 : 1));
  return [...buys, ...sells];
}

/** A public trade printed: resting orders it trades through or at fill (see the header). */
export function onPublicTrade(v: Venue, ms: MarketState, t: PublicTrade): void {
  let budget = t.qty;
  let any = false;
  for (const o of restingByPriority(v, ms.spec.symbol)) {
    if (!isOpen(o)) continue;
    const through = o.side === 'BUY' ? t.price < o.price : t.price > o.price;
    const at = t.price === o.price && (o.side === 'BUY' ? t.buyerMaker : !t.buyerMaker);
    let qty = 0n;
    if (through) qty = remaining(o);
    else if (at) {
      const ahead = minx(o.queueAhead, budget);
      o.queueAhead -= ahead;
      budget -= ahead;
      qty = floorTo(minx(remaining(o), budget), ms.spec.step);
      budget -= qty;
    }
    if (qty > 0n && execute(v, ms, o, qty, o.price, true) > 0n) any = true;
  }
  if (any) afterFills(v, ms);
}

/** The public book changed: resting orders it now crosses fill at their own price. */
export function onBookChange(v: Venue, ms: MarketState): void {
  let any = false;
  for (const o of restingByPriority(v, ms.spec.symbol)) {
    if (!isOpen(o)) continue;
    const inside = o.side === 'BUY' ? o.price - ms.spec.tick : o.price + ms.spec.tick;
    const fills = take(ms, o.side, remaining(o), inside);
    let qty = 0n;
    for (const [, q] of fills) qty += q;
    if (qty > 0n && execute(v, ms, o, qty, o.price, true) > 0n) any = true;
  }
  if (any) afterFills(v, ms);
}

/** A real funding row is due: every position on the market pays or receives qty x mark x rate. */
export function settleFunding(v: Venue, ms: MarketState): void {
  const mark = ms.feed.lastPrice();
  const row = ms.funding.settle(mark);
  if (row === undefined) return;
  const rec = v.account.fund(ms.spec.symbol, mark, row.rate, v.now, () => parseFixed(String(v.cfg.fundingFactor(ms.spec.symbol))));
  v.sink.log({ type: 'funding', time: v.now, symbol: ms.spec.symbol, rate: fmt(row.rate), mark: fmt(mark, ms.spec.tickDecimals), amount: fmt(rec?.income ?? 0n, 8) });
  if (rec !== undefined) v.sink.user(ws.accountUpdate({ reason: 'FUNDING_FEE', wallet: v.account.wallet, balanceChange: rec.income, positions: [] }, v.now), 'account');
  v.publishMark(ms, v.now);
}
