/** A short run of the crash harness in every `npm test`; `npm run crash-test` runs the long one (200 kills). */
import { describe, expect, it } from 'vitest';
import { runCrashHarness } from './harness.ts';

describe('crash test harness', () => {
  it('after every kill -9 the session restarts active, needs no adoption, equals the exchange, trades again, and doubles nothing', async () => {
    const report = await runCrashHarness({ kills: Number(process.env['PARITY_CRASH_KILLS'] ?? 8), seed: 11 });
    expect(report.failures).toEqual([]);
    expect(report.kills).toBeGreaterThanOrEqual(8);
    expect(report.tradedAgain).toBe(report.tradeChecks);
    expect(report.tradeChecks).toBeGreaterThan(report.restarts / 2);
    expect(report.fromSnapshot).toBeGreaterThan(0);
    expect(Object.values(report.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 600_000);
});
