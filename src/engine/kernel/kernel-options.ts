/**
 * What a kernel is built from: the account (instruments, currency, cash, account type, leverage,
 * limits) and the options around it (clock, message sink, restore state, loss limits).
 */
import type { LoggedMessage, StrategyFaulted } from '../model/events.ts';
import type { EngineState } from '../model/engine-state.ts';
import type { OrderManagerOptions } from '../components/order-manager.ts';
import type { Clock } from '../ports/index.ts';
import type { Fixed } from '../model/fixed.ts';
import type { Instrument } from '../model/instrument.ts';
import type { RiskLimits } from '../components/risk-gate.ts';
import type { AccountType } from '../model/trading.ts';
import type { LossLimits } from './holds.ts';

/** The account a kernel keeps (and a simulated venue mirrors): what the market, books and limits are. */
export interface AccountSetup {
  readonly instruments: readonly Instrument[];
  readonly currency: string;
  readonly startingCash: Fixed;
  readonly accountType: AccountType;
  readonly leverage: number;
  readonly limits: Partial<RiskLimits>;
}

/** Just the account fields of `o` (for options objects that carry more). */
export function accountOf(o: AccountSetup): AccountSetup {
  return { instruments: o.instruments, currency: o.currency, startingCash: o.startingCash, accountType: o.accountType, leverage: o.leverage, limits: o.limits };
}

export interface KernelOptions {
  readonly clock: Clock;
  readonly instruments: readonly Instrument[];
  /** Settlement currency of the account, e.g. "USDT". */
  readonly currency: string;
  readonly startingCash: Fixed;
  readonly accountType: AccountType;
  /** Margin accounts: buying power is equity x leverage. Default 1. */
  readonly leverage?: number;
  readonly limits?: Partial<RiskLimits>;
  /** Receives every command and event the kernel processes, in order. */
  readonly onMessage?: (m: LoggedMessage) => void;
  /** Told when a strategy throws (after it has been stopped). */
  readonly onFault?: (f: StrategyFaulted) => void;
  /**
   * Called when a message arrives from outside a drain (a venue event, an operator command): a live
   * runtime schedules a drain. Backtests drain at fixed points and need not set it.
   */
  readonly onWake?: () => void;
  /** State to start from (a restart): orders, ledger, id sequences, trading state. */
  readonly restore?: EngineState;
  /** Client order id reservation (see OrderManager). */
  readonly orderIds?: OrderManagerOptions;
  /**
   * What a pause does to resting entry orders: cancel them (default), so that no position is
   * opened after the pause, or keep them resting (false: they may still fill; new entries and
   * modifies that add exposure are refused either way).
   */
  readonly pauseCancelsEntries?: boolean;
  /** The drawdown limit and what a breached loss limit does (the daily limit itself is `limits.dailyLossLimit`); see holds.ts. */
  readonly lossLimits?: Partial<Omit<LossLimits, 'dailyLossLimit'>>;
}
