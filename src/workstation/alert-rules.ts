/**
 * Which session happenings become alerts: a halt (not the warm-up's), a risk-limit breach (the
 * daily loss limit, once per UTC day; an order or position limit, once per limit per hour), every
 * reconciliation diff (the alerter filters by severity and coalesces repeats), a start that
 * recovered from a crash, bad market data dropped (once per class and symbol per hour), every
 * guard hold set (a loss limit: critical; a stale feed or venue drift: warn) and lifted (info),
 * and a divergence guard crossed (src/workstation/divergence-guard.ts).
 */
import type { Alerter } from './alerts.ts';
import type { SessionTap } from './session-workstation.ts';

const HOUR = 3_600_000;

/** `crashRecovery`: the start's recovery message when the previous session did not stop cleanly. */
export function wireAlerts(tap: SessionTap, alerter: Alerter, crashRecovery?: string): void {
  if (crashRecovery !== undefined) alerter.send({ kind: 'crash-recovery', severity: 'warn', message: crashRecovery });
  const lastBreach = new Map<string, number>();
  const breach = (key: string, every: number, ts: number, message: string, details: Record<string, unknown>): void => {
    const slot = Math.floor(ts / every);
    if (lastBreach.get(key) === slot) return;
    lastBreach.set(key, slot);
    alerter.send({ kind: 'breach', severity: 'critical', message, details });
  };
  tap.onMessage((m) => {
    switch (m.type) {
      case 'TradingStateChanged':
        if (m.state === 'halted' && m.reason !== 'warming up on history') alerter.send({ kind: 'halt', severity: 'critical', message: `trading halted: ${m.reason}` });
        return;
      case 'StrategyFaulted':
        alerter.send({
          kind: 'strategy-fault',
          severity: 'critical',
          message: `strategy ${m.strategyId} stopped: its ${m.handler} threw "${m.message}"; its orders were canceled and its positions are left as they are (flatten them from the workstation or parity ctl flatten)`,
          details: { strategy: m.strategyId, handler: m.handler },
        });
        return;
      case 'ReconciliationDiff':
        alerter.send({ kind: 'diff', severity: m.severity, message: m.message, details: { diff: m.kind, symbol: m.symbol, resolution: m.resolution } });
        return;
      case 'HoldSet':
        alerter.send({
          kind: 'guard',
          severity: m.source.startsWith('loss-limit') ? 'critical' : 'warn',
          message: `guard ${m.source}: ${m.action}: ${m.reason}`,
          details: { source: m.source, action: m.action },
        });
        return;
      case 'HoldLifted':
        alerter.send({ kind: 'guard', severity: 'info', message: `guard ${m.source} lifted: ${m.reason}`, details: { source: m.source } });
        return;
      case 'OrderDenied':
      case 'OrderModifyDenied':
        if (m.rule === 'daily-loss') breach(m.rule, 24 * HOUR, m.tsInit, `daily loss limit reached: new exposure refused (${m.reason})`, { rule: m.rule, symbol: m.symbol });
        else if (m.rule !== undefined) breach(m.rule, HOUR, m.tsInit, `risk limit ${m.rule}: ${m.reason}`, { rule: m.rule, symbol: m.symbol, order: m.clientOrderId });
        return;
      default:
        return;
    }
  });
  tap.onLog((r) => {
    if (r['kind'] === 'halt') alerter.send({ kind: 'halt', severity: 'critical', message: String(r['message']) });
    if (r['kind'] === 'data-dropped') {
      const key = `data ${String(r['fault'])} ${String(r['symbol'])}`;
      const slot = Math.floor(Number(r['tsInit']) / HOUR);
      if (lastBreach.get(key) === slot) return;
      lastBreach.set(key, slot);
      alerter.send({ kind: 'bad-data', severity: 'warn', message: String(r['message']), details: { fault: r['fault'], symbol: r['symbol'], data: r['dataType'] } });
    }
    if (r['kind'] === 'divergence-guard') alerter.send({ kind: 'divergence', severity: 'warn', message: String(r['msg']), details: { guard: r['guard'], action: r['action'] } });
  });
}
