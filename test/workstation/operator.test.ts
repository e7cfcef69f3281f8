/**
 * The operator's commands on a live session against the local exchange (ccxt's real code on
 * loopback): flatten leaves nothing at the venue and says so after reconciling; pause stops new
 * entries; halt cancels everything; every command is in the audit journal. The workstation
 * snapshot shows what happened (positions, orders, latencies, divergence, events).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSession, type Session } from '../../src/cli/run/session.ts';
import { buildRunSpec } from '../../src/cli/run/spec.ts';
import { nodeScheduler } from '../../src/cli/node-scheduler.ts';
import { startLocalExchange, type LocalExchange } from '../../src/local-exchange/index.ts';
import { readJournal } from '../../src/persistence/journal.ts';
import type { Config } from '../../src/config/config.ts';

const HOLDER = fileURLToPath(new URL('../kit/strategies/holder.ts', import.meta.url));
const CHURN = fileURLToPath(new URL('../kit/strategies/churn.ts', import.meta.url));
const BUY_THEN_THROW = fileURLToPath(new URL('../kit/strategies/buy-then-throw.ts', import.meta.url));
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const BAR = 300_000;

let lx: LocalExchange;
let s: Session;
let stateDir: string;
const records: Record<string, unknown>[] = [];

async function start(strategy: string, warmup = 5, config: Config = {}): Promise<void> {
  stateDir = mkdtempSync(join(tmpdir(), 'parity-op-'));
  records.length = 0;
  const spec = buildRunSpec({ stateDir, mode: 'live', exchange: 'local', exchangeUrl: lx.url, symbol: ['XRPUSDT'], strategy, timeframe: '5m', warmup, feed: 'bars,quotes', leverage: 5 }, config);
  s = await startSession(spec, { log: (r) => records.push(r) }, { scheduler: nodeScheduler, env: {} });
  await settle(150);
}

async function bars(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    lx.advance(BAR);
    await settle(120);
  }
}

const venuePosition = (): number => Number(lx.state().positions.find((p) => p.symbol === 'XRPUSDT')?.qty ?? 0);
const venueOpenOrders = (): number => lx.state().orders.filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED').length;

beforeEach(async () => {
  lx = await startLocalExchange({ mode: 'manual', startingBalance: 100_000, warmupBars: 50 });
});
afterEach(async () => {
  await s.stop('test done');
  await lx.close();
});

describe('operator desk on a live session', () => {
  it('flatten: cancels every order, closes the position, verifies flat with the venue, stays paused', async () => {
    await start(HOLDER, 0); // holder places its orders on the first bar it sees
    await bars(2);
    expect(venuePosition()).toBe(100);
    expect(venueOpenOrders()).toBe(1);
    const r = await s.workstation.send({ type: 'flatten', reason: 'end of day' }, 'tui');
    expect(r).toMatchObject({ ok: true, message: expect.stringMatching(/canceling 1 order, closing 1 position/) });
    await s.desk.settled();
    expect(venuePosition()).toBe(0);
    expect(venueOpenOrders()).toBe(0);
    expect(records.find((x) => x['kind'] === 'flatten')).toMatchObject({ result: 'flat', attempts: 1 }); // the close went out with the first try
    expect(s.kernel.tradingState).toBe('reducing');
    const snap = s.workstation.snapshot();
    expect(snap.status.state).toBe('PAUSED');
    expect(snap.orders).toEqual([]);
    expect(snap.positions.every((p) => p.qty === 0)).toBe(true);
    expect(snap.events.some((e) => e.level === 'audit' && /flatten by tui: end of day/.test(e.text))).toBe(true);
    // The closing order was a reduce-only marketable limit, placed by the operator.
    const closing = lx.state().orders.find((o) => o.clientOrderId.startsWith('P-operator-'));
    expect(closing).toMatchObject({ side: 'SELL', type: 'LIMIT', reduceOnly: true, timeInForce: 'IOC' });
  }, 30_000);

  it('pause stops new entries (the venue sees no new order); resume trades again; halt cancels everything', async () => {
    await start(CHURN);
    await bars(2);
    const before = lx.state().orders.length;
    expect(before).toBeGreaterThan(2);
    await s.workstation.send({ type: 'pause', reason: 'operator pause' }, 'tui');
    const position = venuePosition();
    await bars(3);
    // Churn keeps asking; only orders that reduce a position may go out.
    const sent = lx.state().orders.slice(before);
    expect(sent.every((o) => o.reduceOnly === true || o.side === (position > 0 ? 'SELL' : 'BUY'))).toBe(true);
    expect(sent.filter((o) => o.side === 'BUY').length).toBe(0);
    expect(records.some((x) => x['type'] === 'OrderDenied' && /paused/.test(String(x['reason'])))).toBe(true);
    await s.workstation.send({ type: 'resume', reason: 'operator resume' }, 'tui');
    const resumed = lx.state().orders.length;
    await bars(2);
    expect(
      lx
        .state()
        .orders.slice(resumed)
        .some((o) => o.side === 'BUY'),
    ).toBe(true);
    await s.workstation.send({ type: 'halt', reason: 'exchange incident' }, 'ctl');
    await settle(400);
    expect(venueOpenOrders()).toBe(0);
    const halted = lx.state().orders.length;
    await bars(2);
    expect(lx.state().orders.length).toBe(halted);
    expect(s.workstation.snapshot().status).toMatchObject({ state: 'HALTED', stateReason: 'operator halt: exchange incident' });
    // The audit trail: every command, its reason and source, in the journal.
    await s.stop('test done');
    const audit = readJournal<{ k: string; m?: { type: string; action?: string; reason?: string; source?: string } }>(stateDir)
      .lines.map((l) => l.entry.m)
      .filter((m) => m?.type === 'OperatorAction')
      .map((m) => `${m?.action}/${m?.source}/${m?.reason}`);
    expect(audit).toEqual(['pause/tui/operator pause', 'resume/tui/operator resume', 'halt/ctl/exchange incident']);
  }, 30_000);

  it('a halt stays a halt: resume without a confirmation is refused and changes nothing; confirmed, it trades again', async () => {
    await start(CHURN);
    await bars(2);
    await s.workstation.send({ type: 'halt', reason: 'exchange incident' }, 'tui');
    await settle(300);
    const halted = lx.state().orders.length;
    const refused = await s.workstation.send({ type: 'resume', reason: 'looks fine' }, 'tui');
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/not resumed: trading is HALTED .*confirm/) });
    await bars(2);
    expect(s.workstation.snapshot().status.state).toBe('HALTED');
    expect(lx.state().orders.length).toBe(halted);
    const ok = await s.workstation.send({ type: 'resume', reason: 'incident over', confirmed: true }, 'tui');
    expect(ok).toMatchObject({ ok: true, message: 'resumed: trading' });
    await bars(2);
    expect(lx.state().orders.length).toBeGreaterThan(halted);
    // A pause the engine set by itself needs the confirmation too; the operator's own pause does not.
    s.kernel.setTradingState('reducing', 'paused by reconciliation: position XRPUSDT differs');
    expect(s.workstation.snapshot().status).toMatchObject({ state: 'PAUSED', stateSetByEngine: true });
    expect(await s.workstation.send({ type: 'resume', reason: 'checked' }, 'ctl')).toMatchObject({ ok: false });
    expect(await s.workstation.send({ type: 'resume', reason: 'checked', confirmed: true }, 'ctl')).toMatchObject({ ok: true });
    await s.workstation.send({ type: 'pause', reason: 'operator pause' }, 'tui');
    expect(s.workstation.snapshot().status.stateSetByEngine).toBe(false);
    expect(await s.workstation.send({ type: 'resume', reason: 'operator resume' }, 'tui')).toMatchObject({ ok: true, message: 'resumed: trading' });
  }, 40_000);

  it('a strategy that faults: shown in the status, its orders canceled, nothing more from it, and the operator can flatten what it left', async () => {
    await start(BUY_THEN_THROW, 0);
    await bars(4);
    expect(venuePosition()).toBe(100);
    const snap = s.workstation.snapshot();
    expect(snap.status.faults).toMatchObject([{ strategy: 'buy-then-throw', handler: 'onBar', message: 'index out of range in the signal' }]);
    expect(snap.events.some((e) => e.level === 'error' && /strategy buy-then-throw stopped in onBar/.test(e.text))).toBe(true);
    expect(venueOpenOrders()).toBe(0); // its resting limit was canceled
    const placed = lx.state().orders.length;
    await bars(2);
    expect(lx.state().orders.length).toBe(placed);
    const r = await s.workstation.send({ type: 'flatten', reason: 'strategy broke' }, 'ctl');
    expect(r.ok).toBe(true);
    await s.desk.settled();
    expect(venuePosition()).toBe(0);
  }, 30_000);

  it('the snapshot fills every pane: positions, orders, latencies, divergence, equity, funding, events', async () => {
    await start(CHURN);
    await bars(6);
    const snap = s.workstation.snapshot();
    expect(snap.status).toMatchObject({ mode: 'live', venue: 'local', strategy: 'churn', state: 'RUNNING', marketData: 'up', userStream: 'up', currency: 'USDT' });
    expect(snap.status.rateBudget.limit).toBeGreaterThan(0);
    expect(snap.orders.length).toBeGreaterThan(0);
    expect(snap.latency.submitToAck.count).toBeGreaterThan(3);
    expect(snap.latency.submitToAck.p50).toBeGreaterThanOrEqual(0);
    expect(snap.latency.ackToFill.count).toBeGreaterThan(0);
    expect(snap.latency.cancelToAck.count).toBeGreaterThan(0);
    expect(snap.latency.feedLag.count).toBeGreaterThan(5);
    expect(snap.divergence.available).toBe(true);
    expect(snap.divergence.liveFills).toBeGreaterThan(0);
    expect(snap.divergence.backtestFills).toBeGreaterThan(0);
    expect(snap.equity.values.length).toBeGreaterThan(0);
    expect(snap.funding.map((f) => f.symbol)).toEqual(['XRPUSDT']);
    expect(snap.events.some((e) => /^fill (buy|sell) /.test(e.text))).toBe(true);
  }, 30_000);

  it('reconcile now reports what it found', async () => {
    await start(HOLDER, 0); // holder places its orders on the first bar it sees
    await bars(2);
    const last = s.kernel.portfolio.book('XRPUSDT')?.last ?? NaN;
    lx.external.placeOrder({ symbol: 'XRPUSDT', side: 'BUY', type: 'LIMIT', quantity: 10, price: Math.round(last * 0.98 * 1e4) / 1e4 });
    const r = await s.workstation.send({ type: 'reconcile' }, 'ctl');
    expect(r.message).toMatch(/reconciled: 1 difference, resolved/);
    expect(s.workstation.snapshot().diffs.some((d) => d.kind === 'order_unknown' && d.resolution === 'adopted')).toBe(true);
  }, 30_000);

  it('shutdown.cancelOrders: stopping cancels the open orders first (by default they stay at the venue)', async () => {
    await start(HOLDER, 0);
    await bars(2);
    expect(venueOpenOrders()).toBe(1);
    await s.stop('maintenance');
    expect(venueOpenOrders()).toBe(1);
    await start(HOLDER, 0, { shutdown: { cancelOrders: true } });
    await s.stop('end of day');
    expect(venueOpenOrders()).toBe(0);
    expect(venuePosition()).toBe(100); // positions are the operator's call (flatten), not shutdown's
    expect(records.find((r) => r['kind'] === 'shutdown')).toMatchObject({ canceled: true });
  }, 30_000);
});
