/**
 * `npm run bench`: every benchmark, printed as one table per benchmark. Figures are medians of
 * interleaved repetitions in one process; compare ratios, not absolute numbers, across machines.
 */
import { benchBacktest } from './backtest-throughput.ts';
import { benchEnginePaths } from './engine-paths.ts';

const which = process.argv[2];
const benches: Record<string, () => Record<string, number | string>> = {
  backtest: () => benchBacktest(),
  'engine-paths': () => benchEnginePaths(),
};

for (const [name, fn] of Object.entries(benches)) {
  if (which !== undefined && which !== name) continue;
  console.log(`\n## ${name}`);
  console.table(fn());
}
