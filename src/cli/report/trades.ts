/**
 * Per-trade rows of the report: each order that filled, live beside the simulated replay (R0),
 * paired by client order id (a replay's strategy names its orders as the live one did). A row's
 * class says what made the two differ: `logic` (the execution-held replay did not make this
 * decision), `execution` (the same order filled at another time, size or price, or not at all),
 * `cost` (filled alike, charged another fee or funding), `match`, or `replay only`.
 */
import type { FundingPaid, LoggedMessage, OrderFilled } from '../../engine/index.ts';

export interface TradeSide {
  readonly time: number;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  /** Volume-weighted fill price. */
  readonly price: number;
  readonly fee: number;
  /** Funding booked on the symbol from this trade's first fill until the next trade's. */
  readonly funding: number;
}

export type TradeClass = 'match' | 'execution' | 'cost' | 'logic' | 'replay only';

export interface TradeRow {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly live: TradeSide | null;
  readonly replay: TradeSide | null;
  readonly class: TradeClass;
}

/** Orders that filled, in the order of their first fill, with funding attached. */
function tradesOf(messages: readonly LoggedMessage[]): Map<string, { symbol: string; t: TradeSide }> {
  const out = new Map<string, { symbol: string; t: { time: number; side: 'buy' | 'sell'; qty: number; notional: number; fee: number; funding: number } }>();
  const lastBySymbol = new Map<string, string>();
  for (const m of messages) {
    if (m.type === 'OrderFilled') {
      const f: OrderFilled = m;
      const cur = out.get(f.clientOrderId);
      if (cur === undefined) {
        out.set(f.clientOrderId, { symbol: f.symbol, t: { time: f.tsEvent, side: f.side, qty: f.lastQty, notional: f.lastQty * f.lastPx, fee: Number(f.fee), funding: 0 } });
        lastBySymbol.set(f.symbol, f.clientOrderId);
      } else {
        cur.t.qty += f.lastQty;
        cur.t.notional += f.lastQty * f.lastPx;
        cur.t.fee += Number(f.fee);
      }
    } else if (m.type === 'FundingPaid') {
      const p: FundingPaid = m;
      const id = lastBySymbol.get(p.symbol);
      const cur = id === undefined ? undefined : out.get(id);
      if (cur !== undefined) cur.t.funding += Number(p.amount);
    }
  }
  const rows = new Map<string, { symbol: string; t: TradeSide }>();
  for (const [id, { symbol, t }] of out)
    rows.set(id, { symbol, t: { time: t.time, side: t.side, qty: round(t.qty), price: t.qty === 0 ? 0 : t.notional / t.qty, fee: round(t.fee), funding: round(t.funding) } });
  return rows;
}

const round = (x: number): number => Math.round(x * 1e10) / 1e10;

export function tradeRows(live: readonly LoggedMessage[], replay: readonly LoggedMessage[], unreproduced: ReadonlySet<string>): TradeRow[] {
  const a = tradesOf(live);
  const b = tradesOf(replay);
  const rows: TradeRow[] = [];
  for (const [id, l] of a) {
    const r = b.get(id);
    let cls: TradeClass;
    if (unreproduced.has(id)) cls = 'logic';
    else if (r === undefined || r.t.time !== l.t.time || r.t.qty !== l.t.qty || Math.abs(r.t.price - l.t.price) > 1e-9 * l.t.price) cls = 'execution';
    else if (r.t.fee !== l.t.fee || r.t.funding !== l.t.funding) cls = 'cost';
    else cls = 'match';
    rows.push({ clientOrderId: id, symbol: l.symbol, live: l.t, replay: r?.t ?? null, class: cls });
  }
  for (const [id, r] of b) if (!a.has(id)) rows.push({ clientOrderId: id, symbol: r.symbol, live: null, replay: r.t, class: 'replay only' });
  return rows.sort((x, y) => (x.live?.time ?? x.replay?.time ?? 0) - (y.live?.time ?? y.replay?.time ?? 0));
}
