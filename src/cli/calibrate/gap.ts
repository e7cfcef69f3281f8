/**
 * How far a replay landed from the live session it replays: what `parity calibrate` checks its fit
 * with (the full divergence report, with attribution, is `parity report`'s). Two figures, computed
 * the same way on both sides from the kernel's messages:
 *
 * - PnL: the session's trading result, every fill's cash flow less its fee, plus funding, with the
 *   position left marked at the last price received; `pnlGap` is |live - replay|;
 * - fill prices: per order filled on both sides (same client order id: the replay numbers orders
 *   as the live session did), the volume-weighted prices' difference in bps of the live one;
 *   `priceGapBps` is the mean of their absolute values. Orders filled on one side only are counted.
 */
import type { LoggedMessage, MarketData } from '../../engine/index.ts';

export interface Gap {
  readonly livePnl: number;
  readonly replayPnl: number;
  readonly pnlGap: number;
  /** Orders filled both live and in the replay. */
  readonly matchedOrders: number;
  /** Orders filled on one side only. */
  readonly unmatchedOrders: number;
  readonly priceGapBps: number;
}

interface Book {
  readonly pnl: number;
  /** Volume-weighted fill price per order. */
  readonly vwap: Map<string, number>;
}

/** The trading result of `messages` over `data` (see the header). */
export function bookOf(messages: readonly { readonly m: LoggedMessage }[], data: readonly MarketData[]): Book {
  let cash = 0;
  const pos = new Map<string, number>();
  const per = new Map<string, { q: number; v: number }>();
  for (const { m } of messages) {
    if (m.type === 'FundingPaid') cash += Number(m.amount);
    if (m.type !== 'OrderFilled') continue;
    const s = m.side === 'buy' ? 1 : -1;
    cash += -s * m.lastQty * m.lastPx - Number(m.fee);
    pos.set(m.symbol, (pos.get(m.symbol) ?? 0) + s * m.lastQty);
    const o = per.get(m.clientOrderId) ?? { q: 0, v: 0 };
    per.set(m.clientOrderId, { q: o.q + m.lastQty, v: o.v + m.lastQty * m.lastPx });
  }
  const last = new Map<string, number>();
  for (const d of data) {
    if (d.type === 'bar') last.set(d.symbol, d.close);
    else if (d.type === 'trade') last.set(d.symbol, d.price);
  }
  let marked = cash;
  for (const [sym, q] of pos) marked += q * (last.get(sym) ?? 0);
  return { pnl: marked, vwap: new Map([...per].filter(([, o]) => o.q > 0).map(([id, o]) => [id, o.v / o.q])) };
}

export function gapOf(live: Book, replay: Book): Gap {
  let matched = 0;
  let sum = 0;
  for (const [id, px] of live.vwap) {
    const r = replay.vwap.get(id);
    if (r === undefined) continue;
    matched++;
    sum += (Math.abs(r - px) * 10_000) / px;
  }
  const unmatched = live.vwap.size - matched + [...replay.vwap.keys()].filter((id) => !live.vwap.has(id)).length;
  return {
    livePnl: live.pnl,
    replayPnl: replay.pnl,
    pnlGap: Math.abs(live.pnl - replay.pnl),
    matchedOrders: matched,
    unmatchedOrders: unmatched,
    priceGapBps: matched === 0 ? NaN : sum / matched,
  };
}
