/**
 * Operator drills shared by the terminal (tmux) and headless (`parity ctl`) end-to-end tests: the
 * market moves, the operator acts through whichever interface the test drives, and the outcome is
 * checked on the local exchange's own books. Each step waits on the exchange or on the session's
 * log, never on a fixed sleep.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { LocalExchange, LocalExchangeEvent } from '../../src/local-exchange/index.ts';
import { BAR, klines, SYMBOL, until, venueOrder, venuePosition, type LogRecord } from './drill.ts';

type OrderEvent = Extract<LocalExchangeEvent, { type: 'order' }>;

/** A running session as a drill sees it: its JSON log so far and, for a timeout, what it shows. */
export interface DrillSession {
  logs(): readonly LogRecord[];
  detail?(): string;
}

export interface Bid {
  /** Open time of the bar the strategy saw (exchange time). */
  readonly bar: number;
  readonly price: number;
  /** Engine time of the line. */
  readonly tsInit: number;
}

/** The stalker strategy's "bar <open> bid <price>" lines, oldest first. */
export function bids(logs: readonly LogRecord[]): Bid[] {
  return logs.flatMap((r) => {
    const m = r['type'] === 'StrategyLogged' ? /^bar (\d+) bid ([\d.]+)$/.exec(String(r['message'])) : null;
    return m === null ? [] : [{ bar: Number(m[1]), price: Number(m[2]), tsInit: Number(r['tsInit']) }];
  });
}

/** Where in `logs` each bid line is (the same order as bids()). */
function bidIndices(logs: readonly LogRecord[]): number[] {
  return logs.flatMap((r, i) => (r['type'] === 'StrategyLogged' && /^bar \d+ bid [\d.]+$/.test(String(r['message'])) ? [i] : []));
}

/** Moves the exchange one bar on and waits until the stalker has seen it (its next bid line). */
export async function nextBar(lx: LocalExchange, s: DrillSession): Promise<void> {
  const seen = bids(s.logs()).length;
  lx.advance(BAR);
  await until(() => bids(s.logs()).length > seen, 'the strategy to see the next bar', s.detail === undefined ? {} : { detail: s.detail });
}

/** Orders the exchange created after the first `from` (its order list is in creation order). */
const ordersSince = (lx: LocalExchange, from: number) => lx.state().orders.slice(from);

/** Moves `n` bars on while the session must send nothing: no order reaches the exchange. */
export async function barsWithNoOrder(lx: LocalExchange, s: DrillSession, n: number): Promise<void> {
  const before = lx.state().orders.length;
  for (let i = 0; i < n; i++) await nextBar(lx, s);
  expect(ordersSince(lx, before)).toEqual([]);
}

/** Moves one bar on and waits until the stalker's order reaches the exchange (it trades again). */
export async function tradesAgain(lx: LocalExchange, s: DrillSession): Promise<void> {
  const before = lx.state().orders.length;
  await nextBar(lx, s);
  await until(() => ordersSince(lx, before).some((o) => o.side === 'BUY' && o.clientOrderId.startsWith('P-stalker-')), 'a new stalker order at the exchange');
}

/** Bars of the bundled XRPUSDT data to start the exchange at: four quiet bars, then a fall of 4%. */
export const QUIET_THEN_FALL = 283;

/**
 * Pause while a resting entry rests (run on an exchange started at QUIET_THEN_FALL with the stalker
 * strategy): three bars walk the entry toward the market, `pause` pauses the session, then the
 * market trades down through every level the entry was at or was being moved to. At the exchange:
 * the entry was canceled, no order came after the pause, nothing filled, no position. In the log:
 * the refusals of the strategy's new entries are held back (no line per bar).
 */
export async function pauseWhileResting(lx: LocalExchange, events: readonly LocalExchangeEvent[], s: DrillSession, pause: () => Promise<void>): Promise<void> {
  const stalker = (id: unknown): boolean => String(id).startsWith('P-stalker-');
  const moves = (): OrderEvent[] => events.filter((e): e is OrderEvent => e.type === 'order' && stalker(e.clientOrderId));
  const acked = (): number => s.logs().filter((r) => (r['type'] === 'OrderAccepted' || r['type'] === 'OrderUpdated') && stalker(r['clientOrderId'])).length;
  // Placed on the first bar, moved toward the market on the next two; each acknowledged before the
  // next bar (a strategy does not move an order whose last move is still on its way).
  for (let i = 1; i <= 3; i++) {
    await nextBar(lx, s);
    await until(() => acked() >= i, `the entry's move ${i} to be acknowledged`);
  }
  expect(moves().map((e) => e.status)).toEqual(['NEW', 'AMENDED', 'AMENDED']);
  const entry = (moves()[0] as OrderEvent).clientOrderId;
  expect(venueOrder(lx, entry)).toMatchObject({ side: 'BUY', status: 'NEW', executedQty: '0.0' });
  expect(lx.state().trades).toEqual([]); // flat when the pause comes
  const pausedAt = lx.serverTime();
  const ordersAtPause = lx.state().orders.length;
  const askedBefore = bids(s.logs()).length;

  await pause();
  await until(() => venueOrder(lx, entry)?.status === 'CANCELED', 'the pause to cancel the resting entry at the exchange', s.detail === undefined ? {} : { detail: s.detail });
  const after = 7;
  for (let i = 0; i < after; i++) await nextBar(lx, s);

  // The drill means something only if the market went through each level after the pause: every
  // price the entry had at the exchange, and every one the strategy asked for (but the last bar's).
  const bars = await klines(lx);
  const levels = [
    ...moves().map((e) => ({ price: Number(e.price), from: pausedAt })),
    ...bids(s.logs())
      .slice(0, -1)
      .map((b) => ({ price: b.price, from: Math.max(pausedAt, b.bar + BAR) })),
  ];
  const missed = levels.filter((l) => !bars.some((b) => b.open >= l.from && b.low < l.price));
  expect(missed).toEqual([]);

  // At the exchange: the entry canceled unfilled, no order of any kind since, no fill, flat.
  expect(venueOrder(lx, entry)).toMatchObject({ status: 'CANCELED', executedQty: '0.0' });
  expect(lx.state().orders.slice(ordersAtPause)).toEqual([]);
  expect(lx.state().trades).toEqual([]);
  expect(venuePosition(lx)).toBe(0);

  // The strategy asked for a new entry on every bar after the pause, and was refused each time,
  // but the log carries that once a minute of engine time at most, not once a bar.
  const logs = s.logs();
  const asked = bids(logs).slice(askedBefore);
  expect(asked).toHaveLength(after);
  const since = asked[0]?.tsInit ?? 0;
  // Counted by place in the log, not by time: in manual mode the venue's clock stands still between
  // bars, so the engine's clock (which never goes back) can stamp the entry before the pause with the
  // same time as the asks after it.
  const firstAsk = bidIndices(logs)[askedBefore] ?? logs.length;
  expect(logs.slice(firstAsk).filter((r) => r['type'] === 'SubmitOrder' && stalker(r['clientOrderId']))).toHaveLength(after);
  const denied = logs.filter((r) => (r['type'] === 'OrderDenied' || r['type'] === 'OrderModifyDenied') && /paused/.test(String(r['reason'])));
  expect(denied.length).toBeGreaterThan(0);
  const spanMs = (asked.at(-1)?.tsInit ?? 0) - since;
  const kinds = new Set(denied.map((r) => r['type'])).size;
  expect(denied.length).toBeLessThanOrEqual(kinds * (1 + Math.floor(spanMs / 60_000)));
  expect(denied.length).toBeLessThan(after);
}

/** A config file for a session that pauses on an order it does not know, reconciling only when asked. */
export function pauseOnUnknownOrderConfig(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'parity-config-')), 'parity.config.json');
  // The periodic comparisons are pushed out of the drill's way: the operator's reconcile finds it.
  writeFileSync(file, JSON.stringify({ reconciliation: { unknownOrder: 'pause', openOrdersMs: 600_000, fullMs: 600_000 } }));
  return file;
}

export const MANUAL_ORDER = 'web_manual_1';

/** Someone places a sell limit 5% above the market on the exchange's website; returns its price. */
export async function placeManualOrder(lx: LocalExchange): Promise<number> {
  const last = (await klines(lx, 2)).at(-1)?.close ?? NaN;
  const price = Number((last * 1.05).toFixed(4));
  lx.external.placeOrder({ symbol: SYMBOL, side: 'SELL', type: 'LIMIT', quantity: 50, price, clientOrderId: MANUAL_ORDER });
  return price;
}
