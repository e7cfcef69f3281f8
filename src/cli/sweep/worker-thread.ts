/**
 * A local sweep's worker thread (run through piscina, see pool.ts): runs the tasks it is handed,
 * one at a time (over the long series the main thread read into shared memory, when it passes
 * them), reporting each run's progress in its slot of a shared array the main thread reads.
 */
import { adoptData, runTask, type RunOutcome, type RunTask, type SharedData } from './task.ts';

export interface ThreadTask {
  readonly task: RunTask;
  /** Per slot, the share of the run done, in millionths. */
  readonly progress: SharedArrayBuffer;
  readonly slot: number;
  /** Long series the main thread read, in shared memory (task.ts sharedData): taken instead of reading the files again. */
  readonly data?: readonly SharedData[];
}

export const PROGRESS_SCALE = 1_000_000;

export default async function run({ task, progress, slot, data }: ThreadTask): Promise<RunOutcome> {
  if (data !== undefined) adoptData(data);
  const cells = new Int32Array(progress);
  return runTask(task, (share) => Atomics.store(cells, slot, Math.round(share * PROGRESS_SCALE)));
}
