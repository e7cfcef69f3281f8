/**
 * A local sweep reads a long series once: its threads run on the main thread's copy in shared
 * memory (task.ts sharedData), not on a copy each. Shown by taking the file away once this thread
 * has read it: a sweep's threads still run, and give what a run that read the file gives; a thread
 * handed nothing cannot.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSpec } from '../../../src/cli/backtest/spec.ts';
import { parseConfig } from '../../../src/config/schema.ts';
import { localPool, threads } from '../../../src/cli/sweep/pool.ts';
import { runTask, sharedData } from '../../../src/cli/sweep/task.ts';
import { taskOf } from '../../../src/cli/sweep/sweep.ts';
import { SHARED_FROM_ROWS } from '../../../src/data/candle-layout.ts';
import { tiledCsv } from '../../kit/tiled-csv.ts';

const REAL = 'data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv';

describe("a long series on a sweep's threads", () => {
  it('is read once, by the main thread, and shared: the threads run with the file gone, to the same figures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parity-shared-'));
    const path = join(dir, 'BTCUSDT-1m-long.csv');
    const real = readFileSync(REAL, 'utf8');
    writeFileSync(path, tiledCsv(real, Math.ceil(SHARED_FROM_ROWS / (real.trimEnd().split('\n').length - 1)) + 1));
    const base = buildSpec({ data: [path], strategy: 'sma-cross' }, parseConfig('{}', 'test'));
    const tasks = [taskOf(base, { fast: 5, slow: 40 }, 0, 8), taskOf(base, { fast: 10, slow: 30 }, 1, 8)];
    const read: unknown[] = [];
    for (const t of tasks) read.push(await runTask(t)); // this thread reads the file (and keeps it)
    const data = sharedData(tasks);
    expect(data).toHaveLength(1);
    expect(data[0]?.file.series.length).toBeGreaterThanOrEqual(SHARED_FROM_ROWS);
    expect(data[0]?.file.series.close.buffer).toBeInstanceOf(SharedArrayBuffer);
    rmSync(dir, { recursive: true, force: true }); // the file and its cache: nothing left to read

    const sweep = localPool(2);
    try {
      expect(await sweep.run(tasks, () => undefined)).toEqual(read);
    } finally {
      await sweep.close();
    }
    // The control: a thread handed nothing reads the file itself, and it is gone.
    const bare = threads(1);
    try {
      await expect(bare.run(tasks[0] as (typeof tasks)[number])).rejects.toThrow(/cannot read the data file/);
    } finally {
      await bare.destroy();
    }
  }, 120_000);

  it('a short series is not passed (it would be copied with every task): each thread reads it', () => {
    const base = buildSpec({ data: [REAL], strategy: 'sma-cross' }, parseConfig('{}', 'test'));
    expect(sharedData([taskOf(base, { fast: 5, slow: 40 }, 0, 8)])).toEqual([]);
  });
});
