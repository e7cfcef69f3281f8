/**
 * The simulated venue's cost and timing options, shared by `parity backtest` and paper mode of
 * `parity run` (one simulator, so one set of knobs): flags over a --model file over the config
 * file over defaults.
 */
import type { Command } from 'commander';
import type { Config } from '../config/config.ts';
import { DEFAULT_MODELS, parseLatency, type LatencyModel, type VenueModels } from '../paper/index.ts';
import { UserError } from './errors.ts';
import { loadModelFile, modelFileSets } from './replay/model-file.ts';
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
  /** A model file (`parity calibrate` writes one), over the config file and under the flags. */
  readonly model?: string;
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
    .option('--model <file.json>', "the simulator's models from a JSON file (what parity calibrate writes); flags given beside it win")
    .option('--seed <n>', 'random seed (default 1)', numberOption({ min: 0, int: true }))
    .option('--no-range-cap', 'let spread, slippage and impact push a taker fill beyond the bar high/low (default: capped, as backtrader slip_match)');
}

/** Where the fees in force came from: a flag, the config file, a --model file, or neither (the venue's, at a session's start, else the defaults). */
export type FeeSource = 'flag' | 'config' | 'model' | 'default';

type Layer = Omit<SimFlags, 'seed' | 'model'>;

/** `layer`'s values over `m` (undefined leaves a value as it is). */
function over(m: VenueModels, l: Layer): VenueModels {
  let latency: LatencyModel = m.latency;
  try {
    if (l.latency !== undefined) latency = parseLatency(l.latency);
  } catch (err) {
    throw new UserError(`--latency: ${(err as Error).message}`);
  }
  const takerBps = l.feeBps;
  // One --fee-bps sets both sides unless the maker fee is given too.
  const makerBps = l.makerFeeBps ?? l.feeBps;
  return {
    fees: { maker: makerBps === undefined ? m.fees.maker : makerBps / 10_000, taker: takerBps === undefined ? m.fees.taker : takerBps / 10_000 },
    spread: { bps: l.spreadBps ?? m.spread.bps, ticks: l.spreadTicks ?? m.spread.ticks },
    slippage: { fixedBps: l.slippageBps ?? m.slippage.fixedBps, impact: l.impact ?? m.slippage.impact },
    latency,
    fills: { ...m.fills, maxParticipation: l.participation ?? m.fills.maxParticipation, rangeCap: l.rangeCap ?? m.fills.rangeCap ?? true },
  };
}

/**
 * The simulator's models: the defaults, under the config file's `backtest` block, under a --model
 * file (a fitted one: `parity calibrate`), under the flags.
 */
export function buildModels(flags: SimFlags, config: Config): VenueModels {
  const bt = config.backtest ?? {};
  const { rangeCap: cfgRangeCap, ...cfg } = bt as Layer & { rangeCap?: boolean };
  let m = over(DEFAULT_MODELS, { ...cfg, ...(cfgRangeCap === undefined ? {} : { rangeCap: cfgRangeCap }) } as Layer);
  if (flags.model !== undefined) m = loadModelFile(flags.model, m);
  const { seed: _seed, model: _model, rangeCap, ...rest } = flags;
  // commander sets rangeCap to true by default for a --no-* flag: only false (given) overrides.
  return over(m, { ...rest, ...(rangeCap === false ? { rangeCap: false } : {}) });
}

export function feeSourceOf(flags: SimFlags, config: Config): FeeSource {
  if (flags.feeBps !== undefined || flags.makerFeeBps !== undefined) return 'flag';
  if (flags.model !== undefined && modelFileSets(flags.model, 'fees')) return 'model';
  if (config.backtest?.feeBps !== undefined || config.backtest?.makerFeeBps !== undefined) return 'config';
  return 'default';
}

export function seedOf(flags: SimFlags, config: Config): number {
  return flags.seed ?? config.backtest?.seed ?? 1;
}
