/**
 * `npm run crash-test [kills] [seed]`: the long crash run (default 200 kills), printing each kill,
 * then a summary and the full report. Exits non-zero if anything failed (see test/crash/harness.ts).
 */
import { runCrashHarness } from '../test/crash/harness.ts';

const kills = Number(process.argv[2] ?? 200);
const seed = Number(process.argv[3] ?? 1);
const report = await runCrashHarness({ kills, seed, log: (s) => console.log(s) });
const summary = {
  kills: report.kills,
  lost: report.lost,
  duplicated: report.duplicated,
  adoptedDiffs: { atRestart: report.adoptedAtRestart, whileRunning: report.adoptedWhileRunning },
  restartsHalted: `${report.restartsHalted} of ${report.restarts}`,
  restartsTradedAgain: `${report.tradedAgain} of ${report.tradeChecks} that lived long enough (${report.restarts} restarts)`,
  notKilled: report.notKilled,
  inFlightAtRestart: report.inFlightAtRestart,
  pacedSeconds: Math.round(report.pacedSeconds),
  secondsPerKill: report.secondsPerKill,
  failures: report.failures.length,
};
console.log(JSON.stringify(report, null, 2));
console.log('summary:', JSON.stringify(summary, null, 2));
process.exit(report.failures.length === 0 ? 0 : 1);
