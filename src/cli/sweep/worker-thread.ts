/**
 * A local sweep's worker thread (run through piscina, see pool.ts): runs the tasks it is handed,
 * one at a time, reporting each run's progress in its slot of a shared array the main thread reads.
 */
import { runTask, type RunOutcome, type RunTask } from './task.ts';

export interface ThreadTask {
  readonly task: RunTask;
  /** Per slot, the share of the run done, in millionths. */
  readonly progress: SharedArrayBuffer;
  readonly slot: number;
}

export const PROGRESS_SCALE = 1_000_000;

export default async function run({ task, progress, slot }: ThreadTask): Promise<RunOutcome> {
  const cells = new Int32Array(progress);
  return runTask(task, (share) => Atomics.store(cells, slot, Math.round(share * PROGRESS_SCALE)));
}
