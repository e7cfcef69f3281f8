/**
 * A sweep's plan from its flags: the base backtest spec, the grid's points the strategy accepts
 * (and those it refuses, with why), the metric, and the walk-forward windows if asked for. Loaded
 * by the `parity sweep` action, not at start-up (it reads the config, the strategy and the data).
 */
import { loadConfig } from '../../config/config.ts';
import { sliceRange } from '../../data/index.ts';
import { ParamError, resolveParams, symbol, type AnyStrategyDefinition } from '../../engine/index.ts';
import { buildSpec, type BacktestFlags, type BacktestSpec } from '../backtest/spec.ts';
import { UserError } from '../errors.ts';
import { loadStrategy } from '../strategy-loader.ts';
import { expandGrid, parseAxes, pointText, samplePoints, type ParamPoint } from './grid.ts';
import { parseMetric, walkForwardBounds, type SweepPlan } from './sweep.ts';
import { loadData } from './task.ts';

/** The flags of `parity sweep` that make its plan. */
export interface PlanFlags extends Omit<BacktestFlags, 'param'> {
  readonly param?: readonly string[];
  readonly config?: string;
  readonly random?: number;
  readonly sampleSeed?: number;
  readonly sort?: string;
  readonly walkForward?: number;
  readonly pboBlocks?: number;
}

export interface PlannedSweep {
  readonly plan: SweepPlan;
  /** The walk-forward windows, or undefined without --walk-forward. */
  readonly windows: ReturnType<typeof walkForwardBounds> | undefined;
  /** Backtests to run in all: every point, again in each window, plus each window's out-of-sample run. */
  readonly runs: number;
}

export async function planSweep(flags: PlanFlags): Promise<PlannedSweep> {
  const config = await loadConfig(flags.config);
  const metric = parseMetric(flags.sort);
  const base = buildSpec({ ...flags, param: [] }, config);
  const { definition } = await loadStrategy(base.strategy);
  const axes = parseAxes(flags.param, definition);
  const all = flags.random === undefined ? expandGrid(axes) : samplePoints(axes, flags.random, flags.sampleSeed ?? base.seed);
  const plan: SweepPlan = { base, ...validPoints(definition, base, all), metric, blocks: flags.pboBlocks ?? 16, walkForward: flags.walkForward };
  const windows = flags.walkForward === undefined ? undefined : bounds(plan, flags.walkForward);
  const runs = plan.points.length * (1 + (windows === undefined ? 0 : windows.length)) + (windows?.length ?? 0);
  return { plan, windows, runs };
}

/** The grid's points the strategy accepts, and the ones it refuses with its reason. */
function validPoints(def: AnyStrategyDefinition, base: BacktestSpec, points: readonly ParamPoint[]): Pick<SweepPlan, 'points' | 'skipped'> {
  const ok: ParamPoint[] = [];
  const skipped: { point: ParamPoint; reason: string }[] = [];
  for (const p of points) {
    try {
      resolveParams(def, { ...base.params, ...p });
      ok.push(p);
    } catch (err) {
      if (!(err instanceof ParamError)) throw err;
      skipped.push({ point: p, reason: err.message });
    }
  }
  if (ok.length === 0) {
    const why = skipped
      .slice(0, 3)
      .map((s) => `${pointText(s.point)}: ${s.reason}`)
      .join('; ');
    throw new UserError(`the grid has no point strategy ${def.name} accepts (${skipped.length} refused), so there is nothing to run: ${why}. Change the --param values.`);
  }
  return { points: ok, skipped };
}

function bounds(plan: SweepPlan, k: number): ReturnType<typeof walkForwardBounds> {
  const d = plan.base.data[0];
  if (d === undefined) throw new UserError('--walk-forward needs --data');
  const { series } = loadData(d.path, symbol(d.symbol));
  const { from, to } = sliceRange(series, plan.base.from ?? -Infinity, plan.base.to ?? Infinity);
  return walkForwardBounds(series.ts, from, to, series.interval, k);
}
