/**
 * The simulated venue's cost and timing options, shared by `parity backtest` and paper mode of
 * `parity run` (one simulator, so one set of knobs): flags over the config file over defaults.
 */
import type { Command } from 'commander';
import type { Config } from '../config/config.ts';
import { DEFAULT_MODELS, parseLatency, type LatencyModel, type VenueModels } from '../paper/index.ts';
import { UserError } from './errors.ts';
import { numberOption } from './options.ts';

export interface SimFlags {
  readonly feeBps?: number;
  readonly makerFeeBps?: number;
  readonly spreadBps?: number;
  readonly spreadTicks?: number;
  readonly slippageBps?: number;
  readonly impact?: number;
  readonly latency?: string;
  readonly participation?: number;
  readonly seed?: number;
  /** commander's `--no-range-cap`: false when given. */
  readonly rangeCap?: boolean;
}

export function addSimOptions(cmd: Command): Command {
  return cmd
    .option('--fee-bps <bps>', 'taker fee; also the maker fee unless --maker-fee-bps (default 5 / 2)', numberOption({ min: 0, max: 1000 }))
    .option('--maker-fee-bps <bps>', 'maker fee, negative for a rebate', numberOption({ min: -100, max: 1000 }))
    .option('--spread-bps <bps>', 'assumed spread in bps (default 0)', numberOption({ min: 0, max: 10000 }))
    .option('--spread-ticks <n>', 'assumed spread in ticks, added to --spread-bps (default 1)', numberOption({ min: 0, max: 1000 }))
    .option('--slippage-bps <bps>', 'fixed slippage on taker fills (default 0)', numberOption({ min: 0, max: 10000 }))
    .option('--impact <Y>', 'square-root impact coefficient, 0 turns it off (default 0.5)', numberOption({ min: 0, max: 100 }))
    .option('--latency <spec>', 'order latency: <ms> | uniform:<min>-<max> | lognormal:<median>,<p99> (default lognormal:25,120)')
    .option('--participation <share>', 'largest share of traded volume resting orders fill, 0..1 (default 0.1)', numberOption({ gt: 0, max: 1 }))
    .option('--seed <n>', 'random seed (default 1)', numberOption({ min: 0, int: true }))
    .option('--no-range-cap', 'let spread, slippage and impact push a taker fill beyond the bar high/low (default: capped, as backtrader slip_match)');
}

export function buildModels(flags: SimFlags, config: Config): VenueModels {
  const bt = config.backtest ?? {};
  const d = DEFAULT_MODELS;
  const takerBps = flags.feeBps ?? bt.feeBps ?? d.fees.taker * 10_000;
  // One --fee-bps sets both sides unless the maker fee is given too.
  const makerBps = flags.makerFeeBps ?? bt.makerFeeBps ?? flags.feeBps ?? bt.feeBps ?? d.fees.maker * 10_000;
  let latency: LatencyModel = d.latency;
  try {
    const text = flags.latency ?? bt.latency;
    if (text !== undefined) latency = parseLatency(text);
  } catch (err) {
    throw new UserError(`--latency: ${(err as Error).message}`);
  }
  return {
    fees: { maker: makerBps / 10_000, taker: takerBps / 10_000 },
    spread: { bps: flags.spreadBps ?? bt.spreadBps ?? d.spread.bps, ticks: flags.spreadTicks ?? bt.spreadTicks ?? d.spread.ticks },
    slippage: { fixedBps: flags.slippageBps ?? bt.slippageBps ?? d.slippage.fixedBps, impact: flags.impact ?? bt.impact ?? d.slippage.impact },
    latency,
    fills: {
      maxParticipation: flags.participation ?? bt.participation ?? d.fills.maxParticipation,
      // commander sets rangeCap to true by default for a --no-* flag: only false (given) overrides the file.
      rangeCap: flags.rangeCap === false ? false : (bt.rangeCap ?? d.fills.rangeCap ?? true),
    },
  };
}

export function seedOf(flags: SimFlags, config: Config): number {
  return flags.seed ?? config.backtest?.seed ?? 1;
}
