/**
 * The configuration file's schema (zod) and its parser. Kept apart from config.ts so that a command
 * run without a config file never loads zod (about a quarter of a second under tsx): config.ts
 * loads this module only when there is a file to read.
 */
import { z } from 'zod';
import { DEFAULT_LIMITS } from '../engine/index.ts';
import { parseLatency } from '../paper/models.ts';
import { ConfigError } from './config-error.ts';

const nonNeg = z.number().finite().nonnegative();
const positive = z.number().finite().positive();

/** Checked by the parser that will read it (a min above its max is refused here, not at use). */
const latency = z.string().refine(
  (text) => {
    try {
      parseLatency(text);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected "<ms>", "fixed:<ms>", "uniform:<min>-<max>" or "lognormal:<median>,<p99>" (min <= max, median <= p99)' },
);

export const BacktestConfig = z.strictObject({
  /** Starting cash, quote currency. */
  cash: positive.optional(),
  /** Taker fee, basis points. */
  feeBps: nonNeg.max(1000).optional(),
  /** Maker fee, basis points (negative for a rebate). */
  makerFeeBps: z.number().finite().min(-100).max(1000).optional(),
  spreadBps: nonNeg.max(10000).optional(),
  /** Spread in ticks, added to spreadBps. */
  spreadTicks: nonNeg.max(1000).optional(),
  slippageBps: nonNeg.max(10000).optional(),
  /** Square-root impact coefficient. */
  impact: nonNeg.max(100).optional(),
  latency: latency.optional(),
  /** Share of traded volume resting orders may fill, 0..1. */
  participation: z.number().gt(0).max(1).optional(),
  seed: z.number().int().nonnegative().optional(),
  market: z.enum(['spot', 'perp']).optional(),
  leverage: z.number().min(1).max(125).optional(),
  /** Rolling window (bars) of the volatility-regime split. */
  regimeWindow: z.number().int().min(2).optional(),
  /** With bars only, keep taker fills inside the bar's high-low range (default true). */
  rangeCap: z.boolean().optional(),
});

/** Loss-limit guards (src/engine/kernel/holds.ts): what a breached limit does; kept apart from the pre-trade limits. */
const lossAction = z.enum(['pause', 'reduce-only', 'flatten', 'halt']);
const LossLimitKeys = {
  /** Largest drawdown from the equity peak (marks, fees and funding included), percent, 0 < x <= 100. */
  maxDrawdownPct: z.number().finite().gt(0).max(100).optional(),
  dailyLossAction: lossAction.optional(),
  drawdownAction: lossAction.optional(),
};

export const RiskConfig = z
  .strictObject({
    ...LossLimitKeys,
    maxOrderNotional: positive.optional(),
    maxPositionNotional: positive.optional(),
    maxOpenOrders: z.number().int().positive().optional(),
    dailyLossLimit: positive.optional(),
    /** What a pause does to resting entry orders: cancel them (default true), or leave them resting (false: they may still fill). */
    pauseCancelsEntries: z.boolean().optional(),
    /** A limit price further than this from the last price (either side) is refused, basis points (default 1000). */
    priceBandBps: z
      .number({ message: 'expected a number of basis points' })
      .finite()
      .gt(0, 'expected basis points above 0 and at most 10000 (1000 = 10% either side of the last price)')
      .max(10000, 'expected basis points above 0 and at most 10000 (1000 = 10% either side of the last price)')
      .optional(),
    maxOrdersPerSecond: z.number().int('expected a whole number of orders').positive('expected a whole number of orders above 0').optional(),
    maxOrdersPerMinute: z.number().int('expected a whole number of orders').positive('expected a whole number of orders above 0').optional(),
    maxGrossExposure: positive.optional(),
    maxNetExposure: positive.optional(),
  })
  .superRefine((r, ctx) => {
    // Contradictions between limits, each named by the key that has to change.
    const perSecond = r.maxOrdersPerSecond ?? DEFAULT_LIMITS.maxOrdersPerSecond;
    const perMinute = r.maxOrdersPerMinute ?? DEFAULT_LIMITS.maxOrdersPerMinute;
    if (perSecond > perMinute) {
      ctx.addIssue({
        code: 'custom',
        path: [r.maxOrdersPerSecond === undefined ? 'maxOrdersPerMinute' : 'maxOrdersPerSecond'],
        message: `${perSecond} orders a second is more than the ${perMinute} a minute allows (risk.maxOrdersPerMinute); per second must be at most per minute`,
      });
    }
    if (r.maxNetExposure !== undefined && r.maxGrossExposure !== undefined && r.maxNetExposure > r.maxGrossExposure) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxNetExposure'],
        message: `${r.maxNetExposure} is above maxGrossExposure ${r.maxGrossExposure}; net exposure can never exceed gross, so net must be at most gross`,
      });
    }
  });

/** The bad-market-data breaker (docs/data-quality.md); fractions are of a price (0.15 = 15%). */
export const DataValidationConfig = z.strictObject({
  enabled: z.boolean().optional(),
  spikePct: positive.optional(),
  sigma: positive.optional(),
  sigmaMinPct: nonNeg.optional(),
  sigmaWarmup: z.number().int().nonnegative().optional(),
  sigmaWindow: z.number().int().min(2).optional(),
  markPct: positive.optional(),
  markMaxAgeMs: nonNeg.optional(),
  maxSpreadPct: positive.optional(),
  futureToleranceMs: nonNeg.optional(),
  maxFundingRate: positive.optional(),
  rebaseAfter: z.number().int().nonnegative().optional(),
});

export const DataConfig = z.strictObject({ validation: DataValidationConfig.optional() });

const paramValue = z.union([z.number(), z.string(), z.boolean()]);

export const ReconciliationConfig = z.strictObject({
  /** An open order at the venue that Parity does not know: adopt it, cancel it, or pause. */
  unknownOrder: z.enum(['adopt', 'cancel', 'pause']).optional(),
  /** A position that still differs once every reported fill is booked: adopt the venue's, or pause. */
  position: z.enum(['adopt', 'pause']).optional(),
  balance: z.enum(['adopt', 'pause']).optional(),
  balanceTolerance: nonNeg.optional(),
  inFlightMs: z.number().int().min(250).optional(),
  openOrdersMs: z.number().int().min(1000).optional(),
  fullMs: z.number().int().min(1000).optional(),
});

export const PersistenceConfig = z.strictObject({
  /** group: batched fsync (default); always: fsync every entry; none: leave it to the OS. */
  fsync: z.enum(['group', 'always', 'none']).optional(),
  snapshotEveryMs: z.number().int().min(200).optional(),
});

export const AlertsConfig = z.strictObject({
  /** Receives a JSON POST on halt, limit breach, reconciliation diff and crash recovery. A URL that carries a token is better given in PARITY_ALERT_WEBHOOK. */
  webhookUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Least severity of a reconciliation diff that is sent (default warn). */
  minDiffSeverity: z.enum(['info', 'warn', 'critical']).optional(),
});

export const ShutdownConfig = z.strictObject({
  /** On SIGTERM/SIGINT/quit: cancel open orders before stopping (default false: they stay, and are reconciled at the next start). */
  cancelOrders: z.boolean().optional(),
});

const driftMs = z
  .number()
  .int()
  .max(120_000)
  .refine((v) => v === 0 || v >= 10, { message: 'expected 0 (off) or 10..120000 ms' });

/** Stale-feed and venue-drift guards of a paper or live session (src/cli/run/guards.ts). */
export const GuardsConfig = z.strictObject({
  /** No market data for a symbol this long marks its feed STALE and holds entries (default: 3 bar intervals, 30 s with trades or quotes). */
  staleFeedSec: z.number().finite().min(1).max(86_400).optional(),
  /** Venue request latency p99 above this, ms (default 2000; 0 turns it off). */
  latencyP99Ms: driftMs.optional(),
  /** |venue clock - local clock| above this, ms (default 1000; 0 turns it off). */
  clockOffsetMs: driftMs.optional(),
  /** What a drift past either threshold does (default reduce-size). */
  driftAction: z.enum(['reduce-rate', 'reduce-size', 'pause']).optional(),
});

/** Live divergence guards (src/workstation/divergence-guard.ts, docs/config.md): thresholds that alert, or pause. */
export const DivergenceConfig = z.strictObject({
  maxSignalMismatch: z.number().min(0).optional(),
  maxSlippageP95Bps: z.number().min(0).optional(),
  pnlOutsideBand: z.boolean().optional(),
  bandBps: z.number().positive().optional(),
  action: z.enum(['alert', 'pause']).optional(),
});

export const ConfigFile = z.strictObject({
  $schema: z.string().optional(),
  backtest: BacktestConfig.optional(),
  risk: RiskConfig.optional(),
  /** Per-strategy parameter overrides, by strategy name. */
  strategies: z.record(z.string(), z.record(z.string(), paramValue)).optional(),
  /** Directory for runtime state (journal, snapshots, control socket). */
  stateDir: z.string().min(1).optional(),
  reconciliation: ReconciliationConfig.optional(),
  persistence: PersistenceConfig.optional(),
  alerts: AlertsConfig.optional(),
  shutdown: ShutdownConfig.optional(),
  data: DataConfig.optional(),
  guards: GuardsConfig.optional(),
  divergence: DivergenceConfig.optional(),
});

export type Config = z.infer<typeof ConfigFile>;

const SECRET_KEY = /(api[_-]?key|secret|password|passphrase|private[_-]?key|token)$/i;

function findSecretKeys(value: unknown, path: string[] = []): string[] {
  if (value === null || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (SECRET_KEY.test(k)) out.push([...path, k].join('.'));
    out.push(...findSecretKeys(v, [...path, k]));
  }
  return out;
}

function describe(issue: z.core.$ZodIssue): string {
  const key = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length > 0 ? `in ${key}` : 'at the top level';
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} ${where}`;
  }
  return `${key}: ${issue.message}`;
}

/** Parses and validates config text. Throws ConfigError listing every problem. */
export function parseConfig(text: string, file: string): Config {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}. Nothing was started; fix the file or pass --config with another one.`);
  }
  const secrets = findSecretKeys(raw);
  if (secrets.length > 0) {
    throw new ConfigError(
      `${file} contains ${secrets.join(', ')}: secrets are never read from the config file. ` +
        'Put API keys in the environment (PARITY_API_KEY, PARITY_API_SECRET) or in a key file (mode 0600) named by --key-file.',
    );
  }
  const res = ConfigFile.safeParse(raw);
  if (!res.success) {
    const lines = res.error.issues.map((i) => `  - ${describe(i)}`);
    throw new ConfigError(`${file} has ${lines.length} problem${lines.length === 1 ? '' : 's'}:\n${lines.join('\n')}\nNothing was started.`);
  }
  return res.data;
}
