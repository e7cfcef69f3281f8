/** `parity run` options resolved and validated (flags over the config file over defaults). */
import { lossLimitsOf, riskLimitsOf, validationOf, type Config } from '../../config/config.ts';
import { guardSettings, type GuardSettings } from './guards.ts';
import { DEFAULT_POLICY, type LossLimits, type ReconPolicy, type RiskLimits, type ValidationConfig } from '../../engine/index.ts';
import { DEFAULT_CADENCE, type Cadence } from '../../workstation/reconciler.ts';
import type { VenueModels } from '../../paper/index.ts';
import type { DivergenceGuardConfig } from '../../workstation/divergence-guard.ts';
import { UserError } from '../errors.ts';
import { parseParams } from '../options.ts';
import { timeframeFlag } from '../timeframe-flag.ts';
import { buildModels, feeSourceOf, seedOf, type FeeSource } from '../sim-models.ts';
import type { SimFlags } from '../sim-options.ts';

export type RunMode = 'paper' | 'live';

export interface RunFlags extends SimFlags {
  readonly mode?: string;
  readonly exchange?: string;
  readonly exchangeUrl?: string;
  readonly symbol?: readonly string[];
  readonly strategy?: string;
  readonly param?: readonly string[];
  readonly timeframe?: string;
  readonly warmup?: number;
  readonly cash?: number;
  readonly keyFile?: string;
  readonly feed?: string;
  readonly duration?: number;
  readonly leverage?: number;
  readonly stateDir?: string;
  readonly rebuildFromVenue?: boolean;
}

export interface RunSpec {
  readonly mode: RunMode;
  readonly exchange: string;
  readonly exchangeUrl: string | undefined;
  readonly symbols: readonly string[];
  readonly strategy: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly barInterval: number;
  readonly warmupBars: number;
  /** Paper mode's starting cash (live mode starts from the venue's balance). */
  readonly cash: number;
  readonly keyFile: string | undefined;
  readonly feed: { readonly trades: boolean; readonly quotes: boolean };
  readonly models: VenueModels;
  /** Where `models.fees` came from; `default`: the venue's are taken at the start (start-steps.ts venueFeesStep). */
  readonly feesFrom: FeeSource;
  readonly seed: number;
  readonly limits: Partial<RiskLimits>;
  /** The drawdown limit and what breached loss limits do (config risk.maxDrawdownPct, dailyLossAction, drawdownAction). */
  readonly lossLimits: Partial<Omit<LossLimits, 'dailyLossLimit'>>;
  /** Stale-feed and drift guards (config guards.*), resolved: see src/cli/run/guards.ts. */
  readonly guards: GuardSettings;
  /** A pause cancels resting entry orders (default) or leaves them resting. */
  readonly pauseCancelsEntries: boolean;
  /** Buying power the risk gate assumes on a margin account: equity x leverage (default 1). */
  readonly leverage: number;
  /** Journal, snapshots, id reservations and the control socket live here. */
  readonly stateDir: string;
  readonly reconciliation: { readonly policy: ReconPolicy; readonly cadence: Cadence };
  readonly persistence: { readonly fsync: 'group' | 'always' | 'none'; readonly snapshotEveryMs: number };
  /** On stop: cancel open orders first (default: leave them; the next start reconciles them). */
  readonly shutdown: { readonly cancelOrders: boolean };
  /** The live divergence guards (config `divergence`; empty: none). */
  readonly divergence: DivergenceGuardConfig;
  readonly alerts: { readonly webhookUrl: string | undefined; readonly minDiffSeverity: 'info' | 'warn' | 'critical' };
  /** Stop after this many seconds (tests, drills); run until stopped when absent. */
  readonly durationSec: number | undefined;
  /** A state that cannot be rebuilt is moved aside and the venue's books are taken (live only). */
  readonly rebuildFromVenue: boolean;
  /** The bad-data breaker's settings (config `data.validation`). */
  readonly validation: Partial<ValidationConfig>;
}

export function buildRunSpec(flags: RunFlags, config: Config): RunSpec {
  const mode = flags.mode ?? 'paper';
  if (mode !== 'paper' && mode !== 'live') throw new UserError(`--mode ${mode}: expected paper or live`);
  const exchange = flags.exchange;
  if (exchange === undefined) throw new UserError('--exchange is required: a ccxt exchange id (binanceusdm, bybit, ...) or "local"');
  const symbols = (flags.symbol ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (symbols.length === 0) throw new UserError('--symbol is required (e.g. --symbol BTCUSDT); repeat it for several');
  if (exchange === 'local' && flags.exchangeUrl === undefined) throw new UserError('--exchange local needs --exchange-url http://127.0.0.1:PORT (start one with: parity exchange serve)');
  const barInterval = timeframeFlag(flags.timeframe);
  const feed = new Set((flags.feed ?? 'bars,quotes').split(',').map((s) => s.trim()));
  for (const f of feed) if (!['bars', 'trades', 'quotes'].includes(f)) throw new UserError(`--feed ${f}: expected a list of bars, trades, quotes`);
  const strategy = flags.strategy ?? 'sma-cross';
  if (flags.rebuildFromVenue === true && mode !== 'live') {
    throw new UserError(
      "--rebuild-from-venue takes the venue's books, so it needs --mode live: a paper account has no books at the venue. To start a new paper account, move the state directory aside (or pass another --state-dir).",
    );
  }
  const rc = config.reconciliation ?? {};
  return {
    mode,
    exchange,
    exchangeUrl: flags.exchangeUrl,
    symbols,
    strategy,
    params: { ...(config.strategies?.[strategy] ?? {}), ...parseParams(flags.param) },
    barInterval,
    warmupBars: flags.warmup ?? 200,
    cash: flags.cash ?? config.backtest?.cash ?? 10_000,
    keyFile: flags.keyFile,
    feed: { trades: feed.has('trades'), quotes: feed.has('quotes') },
    models: buildModels(flags, config),
    feesFrom: feeSourceOf(flags, config),
    seed: seedOf(flags, config),
    limits: riskLimitsOf(config),
    validation: liveValidation(exchange, validationOf(config)),
    pauseCancelsEntries: config.risk?.pauseCancelsEntries ?? true,
    lossLimits: lossLimitsOf(config),
    guards: guardSettings(config, barInterval, feed.has('trades') || feed.has('quotes'), exchange === 'local'),
    durationSec: flags.duration,
    rebuildFromVenue: flags.rebuildFromVenue === true,
    stateDir: flags.stateDir ?? config.stateDir ?? 'state',
    reconciliation: {
      policy: {
        unknownOrder: rc.unknownOrder ?? DEFAULT_POLICY.unknownOrder,
        position: rc.position ?? DEFAULT_POLICY.position,
        balance: rc.balance ?? DEFAULT_POLICY.balance,
        balanceTolerance: rc.balanceTolerance ?? DEFAULT_POLICY.balanceTolerance,
        inFlightGraceMs: DEFAULT_POLICY.inFlightGraceMs,
      },
      cadence: { inflightMs: rc.inFlightMs ?? DEFAULT_CADENCE.inflightMs, ordersMs: rc.openOrdersMs ?? DEFAULT_CADENCE.ordersMs, fullMs: rc.fullMs ?? DEFAULT_CADENCE.fullMs },
    },
    persistence: { fsync: config.persistence?.fsync ?? 'group', snapshotEveryMs: config.persistence?.snapshotEveryMs ?? 60_000 },
    leverage: flags.leverage ?? config.backtest?.leverage ?? 1,
    shutdown: { cancelOrders: config.shutdown?.cancelOrders ?? false },
    divergence: config.divergence ?? {},
    alerts: { webhookUrl: config.alerts?.webhookUrl, minDiffSeverity: config.alerts?.minDiffSeverity ?? 'warn' },
  };
}

/**
 * The bad-data breaker's settings for a session. The local exchange's clock may be moved by hand
 * (manual time, drills), far ahead of the venue clock the session last measured: its candles would
 * all look like they come from the future. Against it, time in the future is not judged unless the
 * config sets data.validation.futureToleranceMs; every other class is.
 */
export function liveValidation(exchange: string, v: Partial<ValidationConfig>): Partial<ValidationConfig> {
  return exchange === 'local' && v.futureToleranceMs === undefined ? { ...v, futureToleranceMs: Infinity } : v;
}
