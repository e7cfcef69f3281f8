/**
 * The simulator's models from the flags (sim-options.ts), a --model file, the config file and the
 * defaults. Loaded by a command's action (it needs the simulator), not by its definition.
 */
import type { Config } from '../config/config.ts';
import { DEFAULT_MODELS, parseLatency, type LatencyModel, type VenueModels } from '../paper/index.ts';
import { UserError } from './errors.ts';
import { loadModelFile, modelFileSets } from './replay/model-file.ts';
import type { SimFlags } from './sim-options.ts';

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
