/**
 * What the end-to-end drills read and wait on: the local exchange's own books (`lx.state()`, its
 * event log, its public klines) and the session's JSON-lines log. Nothing here sleeps for a fixed
 * time to let something happen: every wait polls a condition, with a deadline and what was awaited.
 */
import { existsSync, readFileSync } from 'node:fs';
import { startLocalExchange, type LocalExchange, type LocalExchangeEvent, type LocalExchangeOptions, type LocalOrderState } from '../../src/local-exchange/index.ts';

export const SYMBOL = 'XRPUSDT';
/** The bundled XRPUSDT bars are 5-minute bars. */
export const BAR = 300_000;

export type LogRecord = Record<string, unknown>;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds; past `ms`, throws naming `what` and, if given, what `detail` shows (the screen). */
export async function until(check: () => boolean, what: string, opts: { readonly ms?: number; readonly detail?: () => string } = {}): Promise<void> {
  const end = Date.now() + (opts.ms ?? 15_000);
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${opts.detail === undefined ? '' : `; it shows:\n${opts.detail()}`}`);
    await sleep(50);
  }
}

/** A local exchange in manual mode (time moves only with advance), recording its own event log. */
export async function drillExchange(opts: LocalExchangeOptions = {}): Promise<{ lx: LocalExchange; events: LocalExchangeEvent[] }> {
  const events: LocalExchangeEvent[] = [];
  const lx = await startLocalExchange({ mode: 'manual', startingBalance: 100_000, warmupBars: 50, ...opts, onEvent: (e) => events.push(e) });
  return { lx, events };
}

export const venuePosition = (lx: LocalExchange, symbol = SYMBOL): number => Number(lx.state().positions.find((p) => p.symbol === symbol)?.qty ?? 0);
export const isOpen = (o: LocalOrderState): boolean => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';
export const venueOpenOrders = (lx: LocalExchange): number => lx.state().orders.filter(isOpen).length;
export const venueOrder = (lx: LocalExchange, clientOrderId: string): LocalOrderState | undefined => lx.state().orders.find((o) => o.clientOrderId === clientOrderId);

/**
 * Waits until the session listens to the exchange: its kline stream subscribed and its user stream
 * connected. Time moved before that is market data the session never sees.
 */
export function subscribed(lx: LocalExchange, interval = '5m'): Promise<void> {
  const topic = `${SYMBOL.toLowerCase()}@kline_${interval}`;
  return until(() => {
    const s = lx.state();
    return (s.streams[topic] ?? 0) > 0 && s.connections.user > 0;
  }, `the session to subscribe to ${topic} and the user stream`);
}

export interface Kline {
  readonly open: number;
  readonly low: number;
  readonly close: number;
}

/** The exchange's own bars (public REST, as any client sees them), oldest first; the last may still be forming. */
export async function klines(lx: LocalExchange, limit = 100): Promise<Kline[]> {
  const res = await fetch(`${lx.url}/fapi/v1/klines?symbol=${SYMBOL}&interval=5m&limit=${limit}`);
  const rows = (await res.json()) as [number, string, string, string, string][];
  return rows.map((k) => ({ open: k[0], low: Number(k[3]), close: Number(k[4]) }));
}

/** A JSON-lines log file as written so far (a line still being written is left out). */
export function jsonLines(file: string): LogRecord[] {
  if (!existsSync(file)) return [];
  const out: LogRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    try {
      out.push(JSON.parse(line) as LogRecord);
    } catch {
      // the empty tail, or a line half written
    }
  }
  return out;
}

/** The audit trail in a log: every OperatorAction as "action/source/reason", and " (refused)" on the record of a refusal. */
export const auditTrail = (logs: readonly LogRecord[]): string[] =>
  logs.filter((r) => r['type'] === 'OperatorAction').map((r) => `${String(r['action'])}/${String(r['source'])}/${String(r['reason'])}${r['refused'] === undefined ? '' : ' (refused)'}`);
