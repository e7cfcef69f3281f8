/**
 * The engine's public surface, by name. Strategies, adapters (src/paper, src/exchanges), the
 * shell (src/cli, src/workstation) and tests import from here and nowhere deeper; what is not
 * named here is internal to its layer (docs/dev/architecture.md).
 */

export type { Decimal, Money, Price, Qty } from './model/units.ts';
export { InOrderLedger, type LedgerOp, type OrderWindow, type TimedOp } from './model/ledger-order.ts';
// The model: ids, exact numbers, instruments, market data, commands, events, reports, orders, the ledger, the strategy contract.
export {
  clientOrderId,
  externalOrderId,
  isOwnOrderId,
  makeClientOrderId,
  orderIdPrefix,
  parseClientOrderId,
  strategyId,
  symbol,
  tradeId,
  venueOrderId,
  type ClientOrderId,
  type StrategyId,
  type Symbol,
  type TradeId,
  type VenueOrderId,
} from './model/ids.ts';
export {
  FIXED_DECIMALS,
  ONE,
  abs,
  decimalsOf,
  div,
  divRound,
  formatFixed,
  formatScaled,
  fromNumber,
  mul,
  parseFixed,
  product,
  sign,
  stepOfDecimals,
  toFloat,
  toNumber,
  type Fixed,
} from './model/fixed.ts';
export {
  maintenanceMargin,
  makeInstrument,
  onGrid,
  snapPrice,
  snapQty,
  splitSymbol,
  tierFor,
  type Instrument,
  type InstrumentKind,
  type InstrumentSpec,
  type LeverageTier,
} from './model/instrument.ts';
export {
  DEFAULT_LIQUIDATION_FEE,
  liquidates,
  liquidationFill,
  liquidationPrice,
  liquidationTrigger,
  marginAt,
  type CrossAccount,
  type LiquidationFill,
  type LiquidationTrigger,
  type MarginPosition,
} from './model/liquidation.ts';
export { makeBar, type Aggressor, type Bar, type FundingRateUpdate, type MarketData, type QuoteTick, type TradeTick } from './model/market-data.ts';
export { type CancelAllOrders, type CancelOrder, type ModifyOrder, type OrderSide, type OrderType, type SubmitOrder, type TimeInForce, type TradingCommand } from './model/commands.ts';
export {
  type BalanceAdopted,
  type DayReference,
  type DiffResolved,
  type EngineEvent,
  type EngineWarning,
  type EventIgnored,
  type FundingPaid,
  type EquityPeak,
  type HoldLifted,
  type HoldSet,
  type Liquidity,
  type LoggedMessage,
  type OperatorAction,
  type OrderAccepted,
  type OrderAdopted,
  type OrderCancelRejected,
  type OrderCanceled,
  type OrderDenied,
  type OrderEvent,
  type OrderExpired,
  type OrderFilled,
  type OrderModifyDenied,
  type OrderModifyRejected,
  type OrderPendingCancel,
  type OrderPendingUpdate,
  type OrderRejected,
  type OrderSubmitted,
  type OrderUpdated,
  type PositionAdopted,
  type ReconciliationDiff,
  type StrategyFaulted,
  type StrategyLogged,
  type TimerFired,
  type TradingStateChanged,
  type VenueEvent,
} from './model/events.ts';
export { OPEN_STATUSES, TRANSITIONS, isOpen, transition, type OrderEventKind, type OrderStatus, type TransitionResult } from './model/order-state.ts';
export { applyOrderEvent, createOrder, leavesQty, roundTo, type ApplyOutcome, type Order } from './model/order.ts';
export { adoptBalance, adoptPosition, applyFill, applyFunding, avgEntry, cash, createLedger, equity, positionOf, unrealized, type Ledger, type LedgerFill, type Position } from './model/ledger.ts';
export { holdState, stricter, type AccountType, type DayStart, type DriftAction, type Hold, type HoldAction, type LimitRule, type LossAction, type TradingState } from './model/trading.ts';
export { Sfc32, createRng, type Rng } from './model/rng.ts';
export {
  ParamError,
  defineStrategy,
  resolveParams,
  type AnyStrategyDefinition,
  type OrderRequest,
  type ParamValue,
  type Params,
  type PartialFillPolicy,
  type PortfolioView,
  type PositionView,
  type StrategyContext,
  type StrategyDefinition,
  type StrategyHandlers,
} from './model/strategy.ts';
export { HaltError, OrderRejectedError, ParityError, RetryableError, type ErrorAction } from './model/errors.ts';
export { type BalanceReport, type FillReport, type FundingReport, type OrderStatusReport, type PositionReport, type ReportedOrderStatus } from './model/reports.ts';
export { ENGINE_STATE_VERSION, initialState, ledgerFromJSON, ledgerToJSON, orderFromAdopted, replay, type EngineState, type LedgerJSON, type PositionJSON } from './model/engine-state.ts';

// Ports: what the engine needs from outside (venues, reports, market data, a clock, a scheduler).
export { type Clock, type ExecutionPort, type MarketDataPort, type MarketDataRequest, type MatchingVenue, type Scheduler, type VenueEventSink, type VenueReports } from './ports/index.ts';

// Components: the risk gate, orders, the portfolio, reconciliation, monitors, statistics.
export { DEFAULT_LIMITS, check, checkModify, modifyAddsExposure, reducesPosition, type RiskLimits, type RiskView } from './components/risk-gate.ts';
export { OrderRateWindow, maxNotionalAt, type Exposure, type OrderRate } from './components/risk-rules.ts';
export { RollingStats, Sma } from './components/indicators.ts';
export { maxDrawdown, roundTrips, sharpeOfMoments, summarize, type RoundTrip, type Summary } from './components/performance.ts';
export { regimeBreakdown, select, volatilityRegimes, type RegimeStats, type VolatilityRegimes } from './components/regimes.ts';
export { checkOrderSizes, marketTerms, smallestTradable, type SizeProblem, type SizedMarket } from './components/order-size.ts';
export { reconcile, type VenueView } from './components/reconcile.ts';
export { DEFAULT_POLICY, type Diff, type ReconAction, type ReconPolicy } from './components/reconcile-diffs.ts';
export { type Suspect, type VenuePosition } from './components/reconcile-books.ts';
export { FeedLagMonitor, LatencyWindow, OrderLatencyMonitor } from './components/monitors.ts';
export { DATA_FAULTS, DEFAULT_VALIDATION, MarketDataValidator, type DataFault, type DataQuality, type ValidationConfig } from './components/market-data-validator.ts';

// The kernel: one message queue, routing commands and events.
export { TimerHeap } from './kernel/queue.ts';
export { Kernel, accountOf, type AccountSetup } from './kernel/kernel.ts';
export { DAILY, DEFAULT_LOSS_LIMITS, DRAWDOWN, GUARD, Holds, REDUCED_RATE_MS, closingOrders, type LossLimits } from './kernel/holds.ts';
export { StrategyCreateError } from './kernel/strategy-host.ts';

// Runtimes: the backtest loop and the live runtime, one step routine, clocks, data feeds.
export { LiveClock, OffsetClock, SimClock } from './runtime/clock.ts';
export { ArrayFeed, BarFeed, mergeFeeds, type BarSeries, type DataFeed } from './runtime/data-feed.ts';
export { runBacktest, type BacktestResult, type SampleMemory } from './runtime/backtest.ts';
export { stepData } from './runtime/step.ts';
export { LiveRuntime, type LiveRuntimeOptions, type RuntimeVenue } from './runtime/live.ts';
export { expectedPayment, FundingCheck, fundingDiff, inForce, offByMoreThanCent, type FundingComparison } from './components/funding-check.ts';
