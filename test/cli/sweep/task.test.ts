/**
 * A sweep thread lends each run the memory the run before gave back (runTask, RunHooks.memory):
 * a run in memory a bigger run left full gives what it gives in fresh memory, to the bit, and two
 * runs in flight on one thread never share memory.
 */
import { describe, expect, it } from 'vitest';
import { buildSpec } from '../../../src/cli/backtest/spec.ts';
import { parseConfig } from '../../../src/config/schema.ts';
import { runTask, spareMemory } from '../../../src/cli/sweep/task.ts';
import { taskOf } from '../../../src/cli/sweep/sweep.ts';

const REAL = 'data/binance-btcusdt-spot-1m-2024-12/BTCUSDT-1m-2024-12.csv';

describe('run memory on a sweep thread', () => {
  const base = buildSpec({ data: [REAL], strategy: 'sma-cross' }, parseConfig('{}', 'test'));
  const whole = taskOf(base, { fast: 5, slow: 40 }, 0, 8);
  // A tenth of the month, from its middle: fewer samples than the memory the whole month leaves.
  const part = taskOf(base, { fast: 10, slow: 30 }, 1, 8, { from: Date.UTC(2024, 11, 14), to: Date.UTC(2024, 11, 17) });

  it('gives a run in memory a bigger run left full what it gives in fresh memory', async () => {
    expect(spareMemory()).toBeUndefined();
    const fresh = await runTask(part); // nothing to lend yet: fresh memory
    const big = await runTask(whole); // too big for what the first gave back: fresh again
    const lent = spareMemory();
    expect(lent?.vol.length).toBeGreaterThanOrEqual(41_761);
    const again = await runTask(part); // in the whole month's memory, its samples and volatilities still there
    expect(spareMemory()).toBe(lent);
    expect(again).toEqual(fresh);
    expect(again.fields.regimes).toHaveLength(3);
    expect(await runTask(whole)).toEqual(big);
  }, 60_000);

  it('two runs in flight on one thread never share memory', async () => {
    const [a, b] = await Promise.all([runTask(whole), runTask(part)]);
    const [a1, b1] = [await runTask(whole), await runTask(part)];
    expect(a).toEqual(a1);
    expect(b).toEqual(b1);
  }, 60_000);
});
