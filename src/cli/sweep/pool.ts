/**
 * Runs a sweep's tasks on this machine: a pool of worker threads (piscina), one per core unless
 * told otherwise, each keeping the data it has read for the runs after. Piscina rather than our
 * own pool: it queues tasks, reuses threads, reports a thread that dies as the task's failure and
 * tears down cleanly, which is the part worth not rewriting.
 *
 * The `Executor` is what a sweep needs from wherever its runs happen (this pool, or a queue):
 * run these tasks, say how far along they are, give each outcome.
 */
import { Piscina } from 'piscina';
import { sharedData, type RunOutcome, type RunTask, type SharedData } from './task.ts';
import { COMPILED_DIR_ENV, compiledDir } from '../compiled.ts';
import { PROGRESS_SCALE, type ThreadTask } from './worker-thread.ts';

export interface Executor {
  /** Runs every task; `onProgress` gets the share of all of them done (0..1), often. Outcomes in task order. */
  run(tasks: readonly RunTask[], onProgress: (share: number) => void): Promise<RunOutcome[]>;
  close(): Promise<void>;
  /** Where the runs go, for the report. */
  readonly where: string;
}

export interface Threads {
  /**
   * Runs one task on a free thread; its progress (millionths of the run) goes to `cells[slot]`.
   * `data`: long series read here (sharedData), which the thread takes instead of reading them.
   */
  run(task: RunTask, cells?: { readonly buffer: SharedArrayBuffer; readonly slot: number }, data?: readonly SharedData[]): Promise<RunOutcome>;
  destroy(): Promise<void>;
}

export function threads(count: number): Threads {
  const compiled = compiledDir();
  const pool = new Piscina<ThreadTask, RunOutcome>({
    filename: new URL('./worker-boot.js', import.meta.url).href,
    minThreads: count,
    maxThreads: count,
    idleTimeout: 60_000,
    // The threads run what this process runs: the compiled copy when it does (worker-boot.js).
    ...(compiled === undefined ? {} : { env: { ...process.env, [COMPILED_DIR_ENV]: compiled } }),
  });
  return {
    run: (task, cells, data) => pool.run({ task, progress: cells?.buffer ?? new SharedArrayBuffer(4), slot: cells?.slot ?? 0, ...(data === undefined || data.length === 0 ? {} : { data }) }),
    destroy: () => pool.destroy(),
  };
}

export function localPool(workers: number): Executor {
  const pool = threads(workers);
  return {
    where: `${workers} worker thread${workers === 1 ? '' : 's'} on this machine`,
    async run(tasks, onProgress) {
      // A long series is read once, here, into shared memory: the threads run on it without a copy each.
      const data = sharedData(tasks);
      const buffer = new SharedArrayBuffer(4 * Math.max(1, tasks.length));
      const cells = new Int32Array(buffer);
      const tick = (): void => {
        let sum = 0;
        for (let i = 0; i < cells.length; i++) sum += Atomics.load(cells, i);
        onProgress(tasks.length > 0 ? sum / PROGRESS_SCALE / tasks.length : 1);
      };
      const timer = setInterval(tick, 100);
      try {
        return await Promise.all(
          tasks.map((task, slot) =>
            pool.run(task, { buffer, slot }, data).then((o) => {
              Atomics.store(cells, slot, PROGRESS_SCALE);
              return o;
            }),
          ),
        );
      } finally {
        clearInterval(timer);
        tick();
      }
    },
    close: () => pool.destroy(),
  };
}
