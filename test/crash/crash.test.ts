/** A short run of the crash harness in every `npm test`; `npm run crash-test` runs the long one (>= 200 kills). */
import { describe, expect, it } from 'vitest';
import { runCrashHarness } from './harness.ts';

describe('crash test harness', () => {
  it('after every kill -9 and restart, the session reconciles to exactly the exchange, with nothing doubled or lost', async () => {
    const report = await runCrashHarness({ kills: Number(process.env['PARITY_CRASH_KILLS'] ?? 8), seed: 11 });
    expect(report.failures).toEqual([]);
    expect(report.kills).toBeGreaterThanOrEqual(8);
    expect(report.trades).toBeGreaterThan(5);
    expect(report.fromSnapshot).toBeGreaterThan(0);
  }, 600_000);
});
