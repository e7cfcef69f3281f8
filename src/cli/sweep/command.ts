/**
 * `parity sweep`: one strategy over a grid (or a seeded sample) of its parameters, every point a
 * full backtest with the backtest's own flags, on worker threads here or on a queue's workers.
 * Prints the runs ranked by a metric with the overfitting odds of the best one, or --json.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { ParamError, resolveParams, symbol, type AnyStrategyDefinition } from '../../engine/index.ts';
import { sliceRange } from '../../data/index.ts';
import { addSpecOptions } from '../backtest/command.ts';
import { buildSpec, type BacktestFlags, type BacktestSpec } from '../backtest/spec.ts';
import { UserError } from '../errors.ts';
import { collect, numberOption } from '../options.ts';
import { progressBar } from '../progress.ts';
import { loadStrategy } from '../strategy-loader.ts';
import { expandGrid, parseAxes, pointText, samplePoints, type ParamPoint } from './grid.ts';
import { defaultWorkers, localPool, type Executor } from './pool.ts';
import { queueExecutor, serveQueue } from './queue.ts';
import { sweepJson, sweepText } from './report.ts';
import { parseMetric, runSweep, walkForwardBounds, type SweepPlan } from './sweep.ts';
import { loadData } from './task.ts';

interface Flags extends Omit<BacktestFlags, 'param'> {
  readonly param?: readonly string[];
  readonly config?: string;
  readonly random?: number;
  readonly sampleSeed?: number;
  readonly workers?: number;
  readonly json?: boolean;
  readonly sort?: string;
  readonly top?: number;
  readonly walkForward?: number;
  readonly pboBlocks?: number;
  readonly queue?: string;
}

/** `--workers`: a whole number >= 1. */
export function workersOption(v: string): number {
  const n = Number(v.trim());
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number >= 1 (runs go on that many threads at once; default one per core, ${defaultWorkers()} here).`);
  return n;
}

function blocksOption(v: string): number {
  const n = Number(v.trim());
  if (!Number.isInteger(n) || n < 2 || n % 2 !== 0 || n > 24)
    throw new InvalidArgumentError('expected an even whole number from 2 to 24 (CSCV takes half the blocks in-sample; 16 gives 12,870 splits).');
  return n;
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

export function addSweepCommand(program: Command): void {
  const cmd = program
    .command('sweep')
    .description('backtest a strategy over a grid of its parameters, in parallel; rank the runs and tell the odds the best is overfit')
    .option('-p, --param <name=values>', 'a parameter and its values: name=v1,v2,... or name=lo..hi:step (repeatable: the grid is every combination)', collect);
  addSpecOptions(cmd)
    .option('--random <n>', 'run n points drawn at random from the grid (or from lo..hi ranges without a step)', numberOption({ min: 1, int: true }))
    .option('--sample-seed <n>', 'seed of the --random draw (default: --seed)', numberOption({ min: 0, int: true }))
    .option('--workers <n>', `runs at once, each on its own thread (default one per core: ${defaultWorkers()} here)`, workersOption)
    .option('--sort <metric>', 'rank by: sharpe (default), netPnl, returnPct, maxDrawdown, winRate, trades, exposure, fees, ...')
    .option('--top <n>', 'rows of the table (default 20; --json has every run)', numberOption({ min: 1, int: true }))
    .option('--walk-forward <k>', 'also k rolling windows: pick the best point in-sample, score it on the next segment', numberOption({ min: 1, max: 100, int: true }))
    .option('--pbo-blocks <s>', 'blocks of the overfitting test (CSCV; default 16)', blocksOption)
    .option('--queue <redis://host:port>', 'put the runs on a BullMQ queue in Redis for `parity worker` processes (any machine) to take')
    .option('--json', 'print one JSON object: runs[] best first, each with params and the backtest summary fields')
    .action(async (flags: Flags) => {
      if (flags.queue !== undefined && flags.workers !== undefined)
        throw new UserError('--workers sets the threads of a local sweep; with --queue the runs go to `parity worker` processes: give --workers to them instead');
      const config = loadConfig(flags.config);
      const metric = parseMetric(flags.sort);
      const base = buildSpec({ ...flags, param: [] }, config);
      const { definition } = await loadStrategy(base.strategy);
      const axes = parseAxes(flags.param, definition);
      const all = flags.random === undefined ? expandGrid(axes) : samplePoints(axes, flags.random, flags.sampleSeed ?? base.seed);
      const plan: SweepPlan = { base, ...validPoints(definition, base, all), metric, blocks: flags.pboBlocks ?? 16, walkForward: flags.walkForward };
      const windows = flags.walkForward === undefined ? undefined : bounds(plan, flags.walkForward);
      const runs = plan.points.length * (1 + (windows === undefined ? 0 : windows.length)) + (windows?.length ?? 0);
      const executor: Executor = flags.queue !== undefined ? await queueExecutor(flags.queue) : localPool(Math.min(flags.workers ?? defaultWorkers(), runs));
      const progress = progressBar(`sweep ${runs} runs`, process.stderr, { eta: true, plain: true });
      try {
        const result = await runSweep(plan, executor, (share) => progress.update(Math.round(share * 1000), 1000), windows);
        progress.done();
        process.stdout.write(`${flags.json === true ? JSON.stringify(sweepJson(result)) : sweepText(result, { top: flags.top ?? 20 })}\n`);
      } finally {
        progress.done();
        await executor.close();
      }
    });
}

export function addWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('take sweep runs off a queue (parity sweep --queue) and run them; needs the same strategy and data files at the same paths')
    .requiredOption('--queue <redis://host:port>', 'the Redis the sweep queued its runs in')
    .option('--workers <n>', `runs at once, each on its own thread (default one per core: ${defaultWorkers()} here)`, workersOption)
    .action(async (flags: { queue: string; workers?: number }) => {
      await serveQueue(flags.queue, flags.workers ?? defaultWorkers(), (line) => process.stderr.write(`parity worker: ${line}\n`));
    });
}
