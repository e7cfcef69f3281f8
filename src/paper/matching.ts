/**
 * Matching against market data: which resting orders the data fills, and when commands whose
 * latency has passed reach the venue, in time order.
 * - bars: an intrabar path (bar-path.ts). Arrivals trade at the path price; resting limits fill at
 *   their price when the path crosses strictly through it, within a share of the bar's volume.
 * - trades and quotes: resting limits are queue-aware. A trade at their price first consumes the
 *   size that was ahead of them; a trade through their price, or a quote on the other side at or
 *   through it, fills them.
 * - liquidation: the mark reaching the position's liquidation price liquidates it, in time order
 *   with everything else. With bars only, the mark is taken along the intrabar path, so the bar's
 *   low (a long) or high (a short) catches a cross inside the bar; with trades, the last trade; with
 *   quotes, the mid. Arrivals and fills at the same ms come first (they may reduce the position).
 * What a fill, an arrival or a liquidation does (accounts, events) is the venue's (sim-venue.ts), through hooks.
 */
import { liquidates, type Bar, type LiquidationTrigger, type QuoteTick, type TradeTick } from '../engine/index.ts';
import { barPath, crossingTime, priceAt, reachTime, type PathPoint } from './bar-path.ts';
import { leaves, lotsOf, type Market, type SimOrder, type VenueCommand } from './market-state.ts';

export interface MatchHooks {
  /** A command reaches the venue at time `t`, when the market trades at `price`. */
  arrive(m: Market, cmd: VenueCommand, t: number, price: number): void;
  /** A resting order fills `qty` at its own price (maker). It leaves `m.resting` once filled. */
  fillResting(m: Market, r: SimOrder, qty: number, t: number): void;
  /** The liquidation trigger of the position on this market, if it has one. */
  liquidation(m: Market): LiquidationTrigger | undefined;
  /** The mark reached the trigger at time `t`: the venue closes the position (flat afterwards). */
  liquidate(m: Market, trigger: LiquidationTrigger, t: number): void;
}

export function matchBar(m: Market, bar: Bar, maxParticipation: number, hooks: MatchHooks): void {
  const prevClose = Number.isNaN(m.last) ? bar.open : m.last;
  m.barHigh = bar.high;
  m.barLow = bar.low;
  const liq = hooks.liquidation(m);
  const reached = liq !== undefined && liquidates(liq, liq.side === 'sell' ? Math.min(bar.low, prevClose) : Math.max(bar.high, prevClose));
  if (m.pending.size !== 0 || m.resting.length !== 0 || reached) {
    m.sigma = bar.open > 0 ? (bar.high - bar.low) / bar.open : 0;
    m.volume = bar.volume;
    m.budget = bar.volume * maxParticipation;
    const path = barPath(m.path, prevClose, bar.tsEvent, bar.interval, bar.open, bar.high, bar.low, bar.close);
    for (let i = 0; i < 4; i++) matchSegment(m, path[i] as PathPoint, path[i + 1] as PathPoint, hooks);
  }
  m.last = bar.close;
  m.lastT = bar.tsEvent + bar.interval - 1;
}

/** Arrivals and limit crossings on one linear segment of the path, in time order. */
function matchSegment(m: Market, a: PathPoint, b: PathPoint, hooks: MatchHooks): void {
  let cursor = a.t;
  for (;;) {
    const nextArrival = m.pending.peekTime();
    let best: SimOrder | undefined;
    let bestT = Infinity;
    if (m.budget > 0) {
      for (const r of m.resting) {
        const t = crossingTime(a, b, Math.max(r.activeFrom, cursor), r.side, r.price);
        if (t !== undefined && (t < bestT || (t === bestT && best !== undefined && r.seq < best.seq))) {
          best = r;
          bestT = t;
        }
      }
    }
    const liq = hooks.liquidation(m);
    const liqT = liq === undefined ? undefined : reachTime(a, b, cursor, liq.side === 'sell', liq.price);
    if (liq !== undefined && liqT !== undefined && liqT < nextArrival && (best === undefined || liqT < bestT)) {
      hooks.liquidate(m, liq, liqT);
      cursor = liqT;
      continue;
    }
    if (best !== undefined && bestT <= nextArrival) {
      const qty = Math.min(leaves(m, best), lotsOf(m, m.budget));
      if (qty <= 0) {
        m.budget = 0;
        continue;
      }
      m.budget -= qty;
      hooks.fillResting(m, best, qty, bestT);
      cursor = bestT;
      continue;
    }
    if (nextArrival <= b.t) {
      const cmd = m.pending.popDue(b.t) as VenueCommand;
      const t = Math.max(nextArrival, a.t);
      hooks.arrive(m, cmd, t, priceAt(a, b, t));
      cursor = t;
      continue;
    }
    return;
  }
}

/** Commands due by `upTo` arrive at the last known price (tick data between ticks). */
export function drainArrivals(m: Market, upTo: number, hooks: MatchHooks): void {
  if (Number.isNaN(m.last)) return; // no price yet: they wait for the first one
  for (;;) {
    const at = m.pending.peekTime();
    if (at > upTo) return;
    const cmd = m.pending.popDue(upTo) as VenueCommand;
    hooks.arrive(m, cmd, Math.max(at, m.lastT), m.last);
  }
}

export function matchTrade(m: Market, t: TradeTick, hooks: MatchHooks): void {
  drainArrivals(m, t.tsEvent, hooks);
  m.last = t.price;
  m.lastT = t.tsEvent;
  m.barHigh = NaN; // trades, not bars: no range to keep a taker in
  m.barLow = NaN;
  let remaining = t.qty;
  // Resting orders are kept in arrival order, which is time priority at a price. A fill may take
  // the order out of the list: then the next one has moved into its place.
  for (let i = 0; i < m.resting.length;) {
    const r = m.resting[i] as SimOrder;
    if (r.activeFrom <= t.tsEvent) {
      const through = r.side === 'buy' ? t.price < r.price : t.price > r.price;
      if (through) {
        hooks.fillResting(m, r, leaves(m, r), t.tsEvent);
      } else if (t.price === r.price && t.aggressor !== r.side && remaining > 0) {
        const eat = Math.min(remaining, r.queueAhead);
        r.queueAhead -= eat;
        remaining -= eat;
        const q = Math.min(leaves(m, r), lotsOf(m, remaining));
        if (q > 0) {
          remaining -= q;
          hooks.fillResting(m, r, q, t.tsEvent);
        }
      }
    }
    if (m.resting[i] === r) i++;
  }
  checkMark(m, t.price, t.tsEvent, hooks);
}

/** Liquidates the position when a mark at `price` (time `t`) reaches its trigger. */
export function checkMark(m: Market, price: number, t: number, hooks: MatchHooks): void {
  const liq = hooks.liquidation(m);
  if (liq !== undefined && liquidates(liq, price)) hooks.liquidate(m, liq, t);
}

export function matchQuote(m: Market, q: QuoteTick, hooks: MatchHooks): void {
  drainArrivals(m, q.tsEvent, hooks);
  m.bid = q.bid;
  m.ask = q.ask;
  m.bidQty = q.bidQty;
  m.askQty = q.askQty;
  m.hasQuote = true;
  if (Number.isNaN(m.last)) m.last = (q.bid + q.ask) / 2;
  m.lastT = Math.max(m.lastT, q.tsEvent);
  // A quote on the other side at or through a resting limit means an incoming order matched it.
  for (let i = 0; i < m.resting.length;) {
    const r = m.resting[i] as SimOrder;
    if (r.activeFrom <= q.tsEvent && (r.side === 'buy' ? q.ask <= r.price : q.bid >= r.price)) hooks.fillResting(m, r, leaves(m, r), q.tsEvent);
    if (m.resting[i] === r) i++;
  }
  checkMark(m, (q.bid + q.ask) / 2, q.tsEvent, hooks);
}
