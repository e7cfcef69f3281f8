import { describe, expect, it } from 'vitest';
import type { LoggedMessage } from '../../src/engine/index.ts';
import { wireAlerts } from '../../src/workstation/alert-rules.ts';
import type { Alert, Alerter } from '../../src/workstation/alerts.ts';
import type { SessionTap } from '../../src/workstation/session-workstation.ts';

function harness(crash?: string): { sent: Alert[]; message(m: Partial<LoggedMessage> & { type: string }): void; log(r: Record<string, unknown>): void } {
  const sent: Alert[] = [];
  const alerter: Alerter = { enabled: true, send: (a) => void sent.push(a), flush: () => Promise.resolve() };
  let onMessage: (m: LoggedMessage) => void = () => undefined;
  let onLog: (r: Record<string, unknown>) => void = () => undefined;
  const tap = { onMessage: (l: typeof onMessage) => void (onMessage = l), onLog: (l: typeof onLog) => void (onLog = l), onData: () => undefined } as unknown as SessionTap;
  wireAlerts(tap, alerter, crash);
  return { sent, message: (m) => onMessage({ tsInit: 0, ...m } as LoggedMessage), log: (r) => onLog(r) };
}

describe('alert rules', () => {
  it('a halt alerts, the warm-up halt does not', () => {
    const h = harness();
    h.message({ type: 'TradingStateChanged', state: 'halted', reason: 'warming up on history' } as never);
    h.message({ type: 'TradingStateChanged', state: 'reducing', reason: 'operator pause' } as never);
    h.message({ type: 'TradingStateChanged', state: 'halted', reason: 'operator halt: incident' } as never);
    h.log({ kind: 'halt', message: 'the venue refused the API key' });
    expect(h.sent.map((a) => `${a.kind}: ${a.message}`)).toEqual(['halt: trading halted: operator halt: incident', 'halt: the venue refused the API key']);
  });

  it('the daily loss limit alerts once per UTC day; order/position limits once per kind per hour', () => {
    const h = harness();
    const day = 86_400_000;
    for (const t of [10, 20, day + 5])
      h.message({ type: 'OrderDenied', clientOrderId: 'a', symbol: 'X', reason: 'daily loss limit reached (-301.00 <= -300)', rule: 'daily-loss', tsInit: t } as never);
    for (const t of [10, 60_000])
      h.message({ type: 'OrderDenied', clientOrderId: 'b', symbol: 'X', reason: `order notional ${t}.00 exceeds the limit 5000`, rule: 'order-notional', tsInit: t } as never);
    h.message({ type: 'OrderDenied', clientOrderId: 'c', symbol: 'X', reason: 'insufficient margin: ...', tsInit: 5 } as never);
    expect(h.sent.map((a) => a.kind)).toEqual(['breach', 'breach', 'breach']);
    expect(h.sent.filter((a) => /daily loss/.test(a.message))).toHaveLength(2);
  });

  it('every gate rule alerts by name, for a denied modify too (the rule is in the message and the details)', () => {
    const h = harness();
    h.message({ type: 'OrderDenied', clientOrderId: 'd', symbol: 'X', reason: 'limit price 120000 is 2000 bps above the last price', rule: 'price-band', tsInit: 1 } as never);
    h.message({ type: 'OrderModifyDenied', clientOrderId: 'e', symbol: 'X', reason: '20 orders in the last second', rule: 'order-rate', tsInit: 2 } as never);
    h.message({ type: 'OrderModifyDenied', clientOrderId: 'f', symbol: 'X', reason: 'modify refused: not a limit', tsInit: 3 } as never);
    expect(h.sent).toMatchObject([
      { kind: 'breach', message: expect.stringMatching(/^risk limit price-band: limit price 120000/), details: { rule: 'price-band', order: 'd' } },
      { kind: 'breach', message: expect.stringMatching(/^risk limit order-rate: /), details: { rule: 'order-rate', order: 'e' } },
    ]);
    expect(h.sent).toHaveLength(2);
  });

  it('a strategy that faults alerts at once, naming it and what is left', () => {
    const h = harness();
    h.message({ type: 'StrategyFaulted', strategyId: 'mean-reversion', handler: 'onBar', message: 'boom' } as never);
    expect(h.sent).toMatchObject([{ kind: 'strategy-fault', severity: 'critical', message: expect.stringMatching(/mean-reversion stopped: its onBar threw "boom".*positions are left/) }]);
  });

  it('every reconciliation diff goes to the alerter with its severity; a crash recovery alerts at once', () => {
    const h = harness('the previous session did not stop cleanly');
    h.message({ type: 'ReconciliationDiff', kind: 'position_mismatch', severity: 'critical', symbol: 'X', message: 'venue -2000, here -1500', resolution: 'pausing' } as never);
    expect(h.sent).toEqual([
      { kind: 'crash-recovery', severity: 'warn', message: 'the previous session did not stop cleanly' },
      { kind: 'diff', severity: 'critical', message: 'venue -2000, here -1500', details: { diff: 'position_mismatch', symbol: 'X', resolution: 'pausing' } },
    ]);
  });

  it('bad market data dropped alerts once per class and symbol per hour', () => {
    const h = harness();
    const drop = (fault: string, symbol: string, tsInit: number): void => h.log({ kind: 'data-dropped', fault, symbol, dataType: 'bar', tsInit, message: `bad bar for ${symbol} dropped (${fault})` });
    drop('spike', 'BTCUSDT', 1_000);
    drop('spike', 'BTCUSDT', 2_000);
    drop('crossed', 'BTCUSDT', 3_000);
    drop('spike', 'XRPUSDT', 4_000);
    drop('spike', 'BTCUSDT', 3_600_000 + 5);
    expect(h.sent.map((a) => `${a.kind} ${a.severity}: ${a.message}`)).toEqual([
      'bad-data warn: bad bar for BTCUSDT dropped (spike)',
      'bad-data warn: bad bar for BTCUSDT dropped (crossed)',
      'bad-data warn: bad bar for XRPUSDT dropped (spike)',
      'bad-data warn: bad bar for BTCUSDT dropped (spike)',
    ]);
    expect(h.sent[0]?.details).toEqual({ fault: 'spike', symbol: 'BTCUSDT', data: 'bar' });
  });

  it('a guard hold alerts when set (a loss limit critical, a stale feed or drift warn) and when lifted (info)', () => {
    const h = harness();
    h.message({ type: 'HoldSet', source: 'loss-limit:drawdown', action: 'flatten', reason: 'drawdown limit reached: 6.00% (limit 5%)' } as never);
    h.message({ type: 'HoldSet', source: 'drift:latency', action: 'reduce-size', reason: 'venue latency p99 2400 ms > 2000 ms: reduce-size' } as never);
    h.message({ type: 'HoldLifted', source: 'drift:latency', reason: 'latency back within bounds' } as never);
    expect(h.sent.map((a) => `${a.kind}/${a.severity}: ${a.message}`)).toEqual([
      'guard/critical: guard loss-limit:drawdown: flatten: drawdown limit reached: 6.00% (limit 5%)',
      'guard/warn: guard drift:latency: reduce-size: venue latency p99 2400 ms > 2000 ms: reduce-size',
      'guard/info: guard drift:latency lifted: latency back within bounds',
    ]);
  });
});
