/**
 * What the crash harness checks, as pure functions over what it observed: the session's log
 * records, the exchange's `state()` and the strategy's decision ledger (test/kit/strategies/churn.ts).
 * Each returns problems as sentences (empty: fine), so a failure says what was seen.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { parseFixed } from '../../src/engine/index.ts';
import { FORGET_MARGIN_MS, KEEP_CLOSED_ORDERS } from '../../src/workstation/forget.ts';
import type { LocalExchangeState, LocalOrderState } from '../../src/local-exchange/index.ts';
import type { LogRecord } from '../kit/session-child.ts';
import type { Decision } from '../kit/strategies/churn.ts';

const str = (x: unknown): string => (typeof x === 'string' ? x : JSON.stringify(x));

/** A trading state other than active, at restart (the "reconciled" record): nothing in the drill gives a cause. */
export function stateAtRestart(rec: LogRecord): string | undefined {
  return rec['state'] === 'active' ? undefined : `came back ${str(rec['state'])} (${str(rec['reason'])})`;
}

/** Halts and pauses while running (after "started"): the drill never asks for one. */
export function stateChanges(records: readonly LogRecord[]): string[] {
  const out: string[] = [];
  for (const r of records) {
    if (r['kind'] === 'halt') out.push(`halted: ${str(r['message'])}`);
    if (r['kind'] === 'event' && r['type'] === 'TradingStateChanged' && r['state'] !== 'active') out.push(`went ${str(r['state'])}: ${str(r['reason'])}`);
  }
  return out;
}

/**
 * Positions and balances reconciliation had to take from the venue (or paused on) instead of
 * explaining them by the fills and funding the venue reports: the rebuilt state was wrong. One
 * problem per diff record; an Adopted event without a diff record counts on its own.
 */
export function adoptions(records: readonly LogRecord[]): string[] {
  const diffs = records.filter((r) => r['kind'] === 'diff' && (r['diff'] === 'position_mismatch' || r['diff'] === 'balance_mismatch'));
  const out = diffs.map((r) => `${str(r['diff'])}: ${str(r['message'])} -> ${str(r['resolution'])}`);
  const events = records.filter((r) => r['kind'] === 'event' && (r['type'] === 'PositionAdopted' || r['type'] === 'BalanceAdopted'));
  for (const e of events.slice(diffs.length)) {
    out.push(e['type'] === 'PositionAdopted' ? `PositionAdopted ${str(e['symbol'])}: ${str(e['previousQty'])} -> ${str(e['qty'])}` : `BalanceAdopted: ${str(e['previous'])} -> ${str(e['balance'])}`);
  }
  return out;
}

/** Open orders (client ids) here and at the exchange: what differs, except orders still in flight. */
export function compareOpenOrders(st: LocalExchangeState, mine: Iterable<string>): { problems: string[]; lost: number; inFlight: string[] } {
  const open = new Set(st.orders.filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED').map((o) => o.clientOrderId));
  const known = new Set(st.orders.map((o) => o.clientOrderId));
  const myOpen = new Set(mine);
  const lost = [...open].filter((id) => !myOpen.has(id));
  const here = [...myOpen].filter((id) => !open.has(id));
  // Sent just before the kill and never (yet) at the venue: the session waits the in-flight grace
  // (reconciliation's inFlightGraceMs) before it calls them lost, since bytes a dead process left in
  // a socket can still arrive. Closed at the venue but open here is stale.
  const stale = here.filter((id) => known.has(id));
  const problems = lost.length + stale.length > 0 ? [`open orders: ${JSON.stringify(lost)} open at the exchange only, ${JSON.stringify(stale)} closed there but open here`] : [];
  return { problems, lost: lost.length, inFlight: here.filter((id) => !known.has(id)) };
}

/**
 * The session's books after reconciling (the "reconciled" record) against the exchange's, which
 * does not move meanwhile. `lost`: fills and open orders the exchange has that the session does not.
 * `decided`: the client ids of every order the strategy decided (the decision ledger), sent or not.
 */
export function compareWithExchange(st: LocalExchangeState, rec: LogRecord, symbols: readonly string[], decided: Iterable<string> = []): { problems: string[]; lost: number; inFlight: string[] } {
  const problems: string[] = [];
  const positions = rec['positions'] as Record<string, number>;
  for (const s of symbols) {
    const venue = Number(st.positions.find((p) => p.symbol === s)?.qty ?? '0');
    const mine = positions[s] ?? 0;
    if (Math.abs(venue - mine) > 1e-9) problems.push(`position ${s} ${mine} vs exchange ${venue}`);
  }
  const orders = compareOpenOrders(st, rec['openOrders'] as string[]);
  problems.push(...orders.problems);
  const wallet = st.balances.find((b) => b.asset === 'USDT')?.walletBalance ?? '0';
  // Two independent books round average-cost PnL differently below 1e-12; venues report 8 decimals.
  const gap = parseFixed(wallet) - parseFixed(str(rec['balance']));
  if ((gap < 0n ? -gap : gap) > 10n ** 10n) problems.push(`balance ${str(rec['balance'])} vs exchange ${wallet}`);
  const booked = rec['trades'] as string[];
  const mine = new Set(booked);
  if (mine.size !== booked.length) problems.push('a fill was booked twice');
  // `trades` lists the fills of the orders the session still knows. Once it holds more than
  // KEEP_CLOSED_ORDERS closed orders, one older than FORGET_MARGIN_MS may be forgotten
  // (forgetOld in src/workstation/forget.ts): its fills may be missing from the list, and are still in the position
  // and balance compared above. With fewer, nothing can have been forgotten: every fill must be
  // there. The session's closed orders are more than the exchange's: every decision is an order
  // there, and one never sent (denied while warming up, paused, halted) is closed at once.
  const openAtVenue = new Set(st.orders.filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED').map((o) => o.clientOrderId));
  const known = new Set([...decided, ...st.orders.map((o) => o.clientOrderId)]);
  const closedAtVenue = new Set(st.orders.filter((o) => !openAtVenue.has(o.clientOrderId)).map((o) => String(o.orderId)));
  const forgetting = known.size - openAtVenue.size > KEEP_CLOSED_ORDERS;
  const mayBeForgotten = (t: LocalExchangeState['trades'][number]): boolean => forgetting && closedAtVenue.has(String(t.orderId)) && t.time < st.time - FORGET_MARGIN_MS;
  const venueTrades = st.trades.map((t) => `${t.orderId}/${t.id}`);
  const fillsLost = st.trades.filter((t) => !mine.has(`${t.orderId}/${t.id}`) && !mayBeForgotten(t)).map((t) => `${t.orderId}/${t.id}`);
  const atVenue = new Set(venueTrades);
  const invented = booked.filter((t) => !atVenue.has(t)).length;
  if (fillsLost.length > 0) problems.push(`${fillsLost.length} fill(s) at the exchange not booked: ${fillsLost.slice(0, 5).join(', ')}`);
  if (invented > 0) problems.push(`${invented} booked fill(s) the exchange does not have`);
  return { problems, lost: orders.lost + fillsLost.length, inFlight: orders.inFlight };
}

/** Reads the decision ledger as it grows (whole lines only). */
export class DecisionLedger {
  /** Decisions by client id: more than one when an id was used again (after a crash lost its first use). */
  readonly byId = new Map<string, Decision[]>();
  private readonly byBar = new Map<number, Decision[]>();
  private offset = 0;
  private partial = '';

  constructor(readonly path: string) {}

  /** Takes in what was appended since the last call. */
  poll(): void {
    if (!existsSync(this.path)) return;
    const size = statSync(this.path).size;
    if (size <= this.offset) return;
    const buf = Buffer.alloc(size - this.offset);
    const fd = openSync(this.path, 'r');
    try {
      readSync(fd, buf, 0, buf.length, this.offset);
    } finally {
      closeSync(fd);
    }
    this.offset = size;
    const lines = (this.partial + buf.toString('utf8')).split('\n');
    this.partial = lines.pop() ?? '';
    for (const l of lines) {
      if (l === '') continue;
      const d = JSON.parse(l) as Decision;
      push(this.byId, d.id, d);
      push(this.byBar, d.bar, d);
    }
  }

  forBar(bar: number): readonly Decision[] {
    return this.byBar.get(bar) ?? [];
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}

const when = (d: Decision): string => `${d.symbol} bar ${new Date(d.bar).toISOString().slice(0, 16)}`;

/**
 * A bar acted on twice, found at the exchange. Per bar and symbol the strategy sends at most one
 * market and one limit order, so two orders at the exchange whose decisions share (symbol, type,
 * decision bar) are one decision sent twice; an order of the strategy that no decision names was
 * sent by the engine on its own (a re-send under a new client id); a client id that reached the
 * exchange and names two decisions was used again after a crash (the venue refuses the second,
 * the engine may take the first's fills for it). Incremental: each order is looked at once.
 */
export class DuplicateAudit {
  private readonly seen = new Set<number>();
  private readonly byKey = new Map<string, LocalOrderState>();

  constructor(
    private readonly ledger: DecisionLedger,
    private readonly prefix: string,
  ) {}

  check(orders: readonly LocalOrderState[]): string[] {
    this.ledger.poll();
    const out: string[] = [];
    for (const o of orders) {
      if (this.seen.has(o.orderId) || !o.clientOrderId.startsWith(this.prefix)) continue;
      this.seen.add(o.orderId);
      const ds = this.ledger.byId.get(o.clientOrderId) ?? [];
      const d = ds[0];
      if (d === undefined) {
        out.push(`order ${o.clientOrderId} (${o.side} ${o.type} ${o.origQty} ${o.symbol}) reached the exchange but the strategy never decided it: re-sent under a new client id?`);
        continue;
      }
      if (ds.length > 1)
        out.push(`client id ${o.clientOrderId} reached the exchange and was used for ${ds.length} decisions: ${ds.map((x) => `${x.type} ${x.side} ${when(x)} (pid ${x.pid})`).join(', ')}`);
      const key = `${d.symbol}/${d.type}/${d.bar}`;
      const first = this.byKey.get(key);
      if (first === undefined) this.byKey.set(key, o);
      else out.push(`${when(d)} acted on twice: ${d.type} orders ${first.clientOrderId} (${first.side} ${first.origQty}) and ${o.clientOrderId} (${o.side} ${o.origQty}) both reached the exchange`);
    }
    return out;
  }
}
