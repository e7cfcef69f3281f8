/**
 * One description of each kernel message for people: its level and a one-line text. The event
 * pane and the session's JSON-lines log both use it, so the screen and journald say the same thing.
 * Routine order-path steps (submitted, accepted, pending cancel, timers) are `debug`: in the log,
 * not on the screen.
 */
import type { LoggedMessage } from '../engine/index.ts';

/** Levels of the session log, in increasing severity; `notice` is the audit trail (operator actions). */
export type LogLevel = 'debug' | 'info' | 'notice' | 'warn' | 'error';

export interface Described {
  readonly level: LogLevel;
  readonly text: string;
}

const d = (level: LogLevel, text: string): Described => ({ level, text });

export function describeMessage(m: LoggedMessage): Described {
  switch (m.type) {
    case 'OrderFilled':
      return d('info', `fill ${m.side} ${m.lastQty} ${m.symbol} @ ${m.lastPx} (${m.clientOrderId})`);
    case 'OrderRejected':
      return d('warn', `rejected ${m.clientOrderId}: ${m.reason}`);
    case 'OrderDenied':
      return d('warn', `denied ${m.clientOrderId}${m.rule === undefined ? '' : ` (${m.rule})`}: ${m.reason}`);
    case 'OrderModifyDenied':
      return d('warn', `modify of ${m.clientOrderId} denied${m.rule === undefined ? '' : ` (${m.rule})`}: ${m.reason}`);
    case 'TradingStateChanged':
      return d(m.state === 'active' ? 'info' : m.state === 'halted' ? 'error' : 'warn', `trading ${m.state}: ${m.reason}`);
    case 'ReconciliationDiff':
      return d(m.severity === 'critical' ? 'error' : m.severity === 'warn' ? 'warn' : 'info', `diff ${m.kind}: ${m.message} -> ${m.resolution}`);
    case 'DiffResolved':
      return d('notice', `diff ${m.id} resolved: ${m.resolution}`);
    case 'OperatorAction':
      return d('notice', m.refused === undefined ? `${m.action} by ${m.source}: ${m.reason}` : `${m.action} by ${m.source} refused: ${m.refused}`);
    case 'StrategyFaulted':
      return d('error', `strategy ${m.strategyId} stopped in ${m.handler}: ${m.message}`);
    case 'EngineWarning':
      return d('warn', m.message);
    case 'FundingPaid':
      return d('info', `funding ${m.symbol} ${m.amount}`);
    case 'PositionAdopted':
      return d('warn', `position ${m.symbol} adopted from the venue: ${m.previousQty} -> ${m.qty}`);
    case 'BalanceAdopted':
      return d('warn', `balance adopted from the venue: ${m.previous} -> ${m.balance}`);
    case 'OrderAdopted':
      return d('warn', `order ${m.clientOrderId} adopted from the venue (${m.status})`);
    case 'HoldSet':
      return d(m.source.startsWith('loss-limit') || m.action === 'halt' ? 'error' : 'warn', `guard ${m.source}: ${m.action}: ${m.reason}`);
    case 'HoldLifted':
      return d('info', `guard ${m.source} lifted: ${m.reason}`);
    case 'StrategyLogged':
      return d('info', `${m.strategyId}: ${m.message}`);
    case 'OrderCanceled':
    case 'OrderExpired':
    case 'OrderCancelRejected':
    case 'OrderModifyRejected':
      return d('debug', `${m.type.slice(5).toLowerCase()} ${m.clientOrderId}${'reason' in m && m.reason !== undefined ? `: ${m.reason}` : ''}`);
    case 'SubmitOrder':
      return d('debug', `submit ${m.side} ${m.qty} ${m.symbol}${m.price === undefined ? '' : ` @ ${m.price}`} (${m.clientOrderId})`);
    default:
      return d('debug', 'clientOrderId' in m && m.clientOrderId !== undefined ? `${m.type} ${m.clientOrderId}` : m.type);
  }
}
