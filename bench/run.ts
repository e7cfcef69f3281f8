/**
 * `npm run bench`: every benchmark, each in its own process (so one benchmark's JIT state and heap
 * cannot skew the next), printed as one table per benchmark. Figures are medians (and bests) of
 * interleaved repetitions; compare ratios measured in one run, not absolute numbers across machines.
 */
import { spawnSync } from 'node:child_process';
import { benchBacktest } from './backtest-throughput.ts';
import { benchEnginePaths } from './engine-paths.ts';
import { benchEndToEnd } from './end-to-end.ts';
import { benchLiveLatency } from './live-latency.ts';
import { benchPersistence } from './persistence.ts';
import { benchSweep } from './sweep.ts';
import { benchTui } from './tui.ts';

const benches: Record<string, () => Record<string, number | string> | Promise<Record<string, number | string>>> = {
  backtest: () => benchBacktest(),
  'end-to-end': () => benchEndToEnd(),
  'engine-paths': () => benchEnginePaths(),
  'live-latency': () => benchLiveLatency(),
  persistence: () => benchPersistence(),
  sweep: () => benchSweep(),
  tui: () => benchTui(),
};

const which = process.argv[2];
if (which !== undefined) {
  const fn = benches[which];
  if (fn === undefined) throw new Error(`unknown benchmark ${which}; known: ${Object.keys(benches).join(', ')}`);
  console.log(`\n## ${which}`);
  console.table(await fn());
  process.exit(0); // ccxt keeps sockets and timers around; the measurement is done
} else {
  for (const name of Object.keys(benches)) {
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1] as string, name], { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = r.status ?? 1;
  }
}
