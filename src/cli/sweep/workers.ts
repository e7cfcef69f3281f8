/**
 * The sweep's default thread count, on its own: the help text of `parity sweep` and `parity worker`
 * shows it, and defining those commands must not load the worker pool (main.ts says why).
 */
import { availableParallelism } from 'node:os';

/** One thread per core the process may use. */
export function defaultWorkers(): number {
  return availableParallelism();
}
