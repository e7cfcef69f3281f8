/**
 * The simulated venue's cost and timing options, shared by `parity backtest` and paper mode of
 * `parity run` (one simulator, so one set of knobs): flags over a --model file over the config
 * file over defaults. The flags are defined here with commander and the option parsers alone
 * (every command's definition loads this); sim-models.ts turns them into the simulator's models.
 */
import type { Command } from 'commander';
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
