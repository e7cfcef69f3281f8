/**
 * `parity report <state-dir>`: the divergence report of the last session recorded in a state
 * directory: how far live was from the backtest of the same session, and why (report.ts, chain.ts,
 * docs/attribution.md). Prints tables and a chart, or with `--json` one object. Reads only.
 */
import type { Command } from 'commander';
import type { VenueModels } from '../../paper/index.ts';

interface Flags {
  readonly json?: boolean;
  readonly model?: string;
  readonly venueBars?: string;
  readonly chart?: boolean;
}

export function addReportCommand(program: Command): void {
  program
    .command('report <state-dir>')
    .description(
      'the divergence report of the last session in a state directory: live against its replay, the gap attributed to data, execution, cost and logic, the expectation band, funding, slippage and latency',
    )
    .option('--json', 'print one JSON object')
    .option('--model <file.json>', "the simulated venue's models from a JSON file, over the session's (as parity replay --model)")
    .option('--venue-bars <[SYMBOL=]file.json>', "the venue's own klines for the session's span (a JSON array of rows, as its REST API serves them): measures the data class")
    .option('--no-chart', 'leave the equity chart out')
    .action(async (stateDir: string, flags: Flags) => {
      const [{ lastSession }, { DEFAULT_MODELS }, { loadModelFile }, { buildReport }, { reportText }, { loadVenueBars }] = await Promise.all([
        import('../replay/command.ts'),
        import('../../paper/index.ts'),
        import('../replay/model-file.ts'),
        import('./report.ts'),
        import('./text.ts'),
        import('./venue-data.ts'),
      ]);
      const session = lastSession(stateDir);
      const base = (session.header.models ?? DEFAULT_MODELS) as VenueModels;
      const models = flags.model === undefined ? base : loadModelFile(flags.model, base);
      const venue = flags.venueBars === undefined ? undefined : loadVenueBars(flags.venueBars, session.header.symbols);
      const run = await buildReport(session, models, venue);
      if (flags.json === true) {
        process.stdout.write(`${JSON.stringify(run.report)}\n`);
        return;
      }
      const color = process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined;
      process.stdout.write(`${reportText(run, { color, width: process.stdout.columns ?? 100, chart: flags.chart !== false })}\n`);
    });
}
