/**
 * `parity sweep`: one strategy over a grid (or a seeded sample) of its parameters, every point a
 * full backtest with the backtest's own flags, on worker threads here or on a queue's workers.
 * Prints the runs ranked by a metric with the overfitting odds of the best one, or --json.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { addSpecOptions } from '../backtest/command.ts';
import { UserError } from '../errors.ts';
import { collect, numberOption } from '../options.ts';
import { progressBar } from '../progress.ts';
import type { Executor } from './pool.ts';
import type { PlanFlags } from './plan.ts';
import { defaultWorkers } from './workers.ts';

interface Flags extends PlanFlags {
  readonly workers?: number;
  readonly json?: boolean;
  readonly top?: number;
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

/** Where the runs go. The queue's client (BullMQ, ioredis) loads only for --queue, the thread pool only without it. */
async function executorFor(flags: Flags, runs: number): Promise<Executor> {
  if (flags.queue !== undefined) return (await import('./queue.ts')).queueExecutor(flags.queue);
  return (await import('./pool.ts')).localPool(Math.min(flags.workers ?? defaultWorkers(), runs));
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
      const [{ planSweep }, { runSweep }, { sweepJson, sweepText }] = await Promise.all([import('./plan.ts'), import('./sweep.ts'), import('./report.ts')]);
      const { plan, windows, runs } = await planSweep(flags);
      const executor = await executorFor(flags, runs);
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
      const { serveQueue } = await import('./queue.ts');
      await serveQueue(flags.queue, flags.workers ?? defaultWorkers(), (line) => process.stderr.write(`parity worker: ${line}\n`));
    });
}
