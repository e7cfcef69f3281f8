/**
 * `npm run crash-test [kills] [seed]`: the long crash run (default 200 kills), printing each kill
 * and a summary. Exits non-zero on the first state that differs from the exchange's.
 */
import { runCrashHarness } from '../test/crash/harness.ts';

const kills = Number(process.argv[2] ?? 200);
const seed = Number(process.argv[3] ?? 1);
const report = await runCrashHarness({ kills, seed, log: (s) => console.log(s) });
console.log(JSON.stringify(report, null, 2));
process.exit(report.failures.length === 0 ? 0 : 1);
