/** The crash harness's checks can fail: each is fed what a broken restart looks like. */
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LocalExchangeState, LocalOrderState } from '../../src/local-exchange/index.ts';
import type { Decision } from '../kit/strategies/churn.ts';
import { FORGET_MARGIN_MS, KEEP_CLOSED_ORDERS } from '../../src/workstation/forget.ts';
import { adoptions, compareOpenOrders, compareWithExchange, DecisionLedger, DuplicateAudit, stateAtRestart, stateChanges } from './checks.ts';

const order = (clientOrderId: string, orderId: number, status = 'FILLED', type: 'MARKET' | 'LIMIT' = 'MARKET'): LocalOrderState => ({
  orderId,
  clientOrderId,
  symbol: 'XRPUSDT',
  side: 'BUY',
  type,
  timeInForce: 'GTC',
  status,
  price: '0',
  origQty: '10',
  executedQty: '10',
  cumQuote: '12',
  reduceOnly: false,
  time: 0,
  updateTime: 0,
  origin: 'api',
});
const exchange = (orders: LocalOrderState[]): LocalExchangeState => ({
  orders,
  trades: [],
  positions: [],
  balances: [],
  income: [],
  time: 0,
  streams: {},
  connections: { market: 0, user: 0 },
  counters: { ordersByClientOrderId: {}, placementsByClientOrderId: {}, requests: {}, faults: {}, userEventsSent: 0, internalErrors: [] },
});

describe('crash harness checks', () => {
  it('a restart that is not active, and a halt while running, are reported with their reason', () => {
    expect(stateAtRestart({ kind: 'reconciled', state: 'active', reason: 'warm-up done' })).toBeUndefined();
    expect(stateAtRestart({ kind: 'reconciled', state: 'halted', reason: 'the journal cannot be written' })).toBe('came back halted (the journal cannot be written)');
    expect(stateChanges([{ kind: 'event', type: 'TradingStateChanged', state: 'reducing', reason: 'paused by reconciliation: x' }])).toEqual(['went reducing: paused by reconciliation: x']);
  });

  it('every adopted position or balance counts, with or without its diff record', () => {
    const diff = { kind: 'diff', diff: 'balance_mismatch', message: 'balance: 1 here, 2 at the venue', resolution: 'adopted' };
    const event = { kind: 'event', type: 'BalanceAdopted', previous: '1', balance: '2' };
    expect(adoptions([diff, event])).toEqual(['balance_mismatch: balance: 1 here, 2 at the venue -> adopted']);
    expect(adoptions([{ kind: 'event', type: 'PositionAdopted', symbol: 'XRPUSDT', previousQty: 0, qty: 5 }])).toEqual(['PositionAdopted XRPUSDT: 0 -> 5']);
    expect(adoptions([{ kind: 'diff', diff: 'fills_missing', message: 'booked', resolution: 'booked' }])).toEqual([]);
  });

  it('an order open here but closed at the exchange is stale; one the exchange never had is in flight', () => {
    const st = exchange([order('P-churn-1', 1, 'NEW', 'LIMIT'), order('P-churn-2', 2)]);
    expect(compareOpenOrders(st, ['P-churn-1', 'P-churn-9'])).toEqual({ problems: [], lost: 0, inFlight: ['P-churn-9'] });
    expect(compareOpenOrders(st, ['P-churn-2']).problems).toEqual(['open orders: ["P-churn-1"] open at the exchange only, ["P-churn-2"] closed there but open here']);
  });

  it("a fill missing from the session's list is lost, unless its order is closed and old enough to have been forgotten among more than KEEP_CLOSED_ORDERS (sent or not)", () => {
    const now = 10 * FORGET_MARGIN_MS;
    const trade = (orderId: number, id: number, time: number): LocalExchangeState['trades'][number] => ({
      id,
      orderId,
      symbol: 'XRPUSDT',
      side: 'BUY',
      price: '1.2',
      qty: '10',
      commission: '0',
      realizedPnl: '0',
      maker: false,
      time,
    });
    // More closed orders than the session keeps however old (the rest have no fills here).
    const others = Array.from({ length: KEEP_CLOSED_ORDERS }, (_, i) => order(`P-churn-${100 + i}`, 100 + i));
    const st: LocalExchangeState = {
      ...exchange([order('P-churn-1', 1), order('P-churn-2', 2), order('P-churn-3', 3, 'PARTIALLY_FILLED', 'LIMIT'), ...others]),
      time: now,
      trades: [trade(1, 11, now - 2 * FORGET_MARGIN_MS), trade(2, 21, now - FORGET_MARGIN_MS / 2), trade(3, 31, now - 2 * FORGET_MARGIN_MS)],
    };
    const rec = { kind: 'reconciled', positions: {}, openOrders: ['P-churn-3'], balance: '0', trades: [] };
    // Fewer closed orders than that: nothing can have been forgotten, every fill counts.
    const few = { ...st, orders: st.orders.slice(0, 3) };
    expect(compareWithExchange(few, rec, []).problems).toEqual(['3 fill(s) at the exchange not booked: 1/11, 2/21, 3/31']);
    // 1/11: closed and older than the margin (may be forgotten); 2/21: too recent; 3/31: its order is open.
    expect(compareWithExchange(st, rec, []).problems).toEqual(['2 fill(s) at the exchange not booked: 2/21, 3/31']);
    expect(compareWithExchange(st, { ...rec, trades: ['2/21', '3/31'] }, []).problems).toEqual([]);
    expect(compareWithExchange(st, { ...rec, trades: ['2/21', '3/31', '9/99'] }, []).problems).toEqual(['1 booked fill(s) the exchange does not have']);
    // The session's closed orders include decisions never sent (denied while warming up): with
    // more than KEEP_CLOSED_ORDERS of those, an old closed order may be forgotten however few the
    // exchange has; the decisions the exchange has count once, and open ones not at all (two
    // closed there and 998 never sent are 1000: not more than kept; one more is).
    const unsent = Array.from({ length: KEEP_CLOSED_ORDERS - 2 }, (_, i) => `P-churn-${5000 + i}`);
    expect(compareWithExchange(few, rec, [], unsent).problems).toEqual(['3 fill(s) at the exchange not booked: 1/11, 2/21, 3/31']);
    expect(compareWithExchange(few, rec, [], [...unsent, 'P-churn-1', 'P-churn-2', 'P-churn-3']).problems).toEqual(['3 fill(s) at the exchange not booked: 1/11, 2/21, 3/31']);
    expect(compareWithExchange(few, rec, [], [...unsent, 'P-churn-4999']).problems).toEqual(['2 fill(s) at the exchange not booked: 2/21, 3/31']);
  });

  it('a decision sent twice under new client ids, an order nobody decided, and a client id used twice are found', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'parity-checks-')), 'decisions.jsonl');
    const d = (id: string, bar: number, type: Decision['type'] = 'market'): string => `${JSON.stringify({ id, symbol: 'XRPUSDT', bar, side: 'buy', type, qty: 10, pid: 1 })}\n`;
    appendFileSync(path, d('P-churn-1', 0) + d('P-churn-2', 0, 'limit') + d('P-churn-1001', 0) + d('P-churn-3', 300_000) + d('P-churn-3', 600_000));
    const audit = new DuplicateAudit(new DecisionLedger(path), 'P-churn-');
    expect(audit.check([order('P-churn-1', 1), order('P-churn-2', 2, 'NEW', 'LIMIT')])).toEqual([]);
    const found = audit.check([order('P-churn-1', 1), order('P-churn-1001', 3), order('P-churn-77', 4), order('P-churn-3', 5), order('ext-9', 6)]);
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/acted on twice: market orders P-churn-1 .* and P-churn-1001 /);
    expect(found[1]).toMatch(/P-churn-77 .* never decided/);
    expect(found[2]).toMatch(/client id P-churn-3 reached the exchange and was used for 2 decisions/);
  });
});
