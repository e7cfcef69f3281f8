/**
 * `parity backtest`: options, and what the command does with them. The options are defined with
 * commander and the option parsers alone; the action loads the backtest itself (main.ts says why).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Command } from 'commander';
import { collect, numberOption, stepOption } from '../options.ts';
import { progressBar } from '../progress.ts';
import { addSimOptions } from '../sim-options.ts';
import type { BacktestFlags } from './spec.ts';
import { UserError } from '../errors.ts';

interface Flags extends BacktestFlags {
  readonly config?: string;
  readonly json?: boolean;
  readonly exportFills?: string;
  readonly exportEquity?: string;
  readonly events?: string;
  readonly chart?: boolean;
}

/** The options that make a backtest's spec (all but --param, whose meaning the command gives), shared by `parity backtest` and `parity sweep`. */
export function addSpecOptions(cmd: Command): Command {
  cmd
    .option('-s, --strategy <name|path>', 'strategy name from strategies/, or a module path (default: sma-cross)')
    .option('-d, --data <[SYMBOL=]file>', 'candle CSV (repeatable; default: bundled BTCUSDT 1m, Dec 2024)', collect)
    .option('--symbol <SYMBOL>', 'symbol of a single --data file (default: from the file name)')
    .option('--funding <[SYMBOL=]file>', 'funding-rate CSV for a perpetual (repeatable)', collect)
    .option('--market <spot|perp>', 'spot (cash account) or perp (margin account); default spot, perp with --funding')
    .option('--from <date>', 'first bar (open time, UTC): YYYY-MM-DD, YYYY-MM-DDTHH:MM or epoch ms')
    .option('--to <date>', 'end (exclusive)')
    .option('--cash <amount>', 'starting cash in the quote currency (default 10000)', numberOption({ gt: 0 }))
    .option('--leverage <x>', 'perp only (default 1)', numberOption({ min: 1, max: 125 }))
    .option('--tick <size>', 'override the tick size', stepOption)
    .option('--lot <size>', 'override the lot size', stepOption)
    .option('--min-notional <amount>', 'override the minimum order notional', numberOption({ min: 0 }))
    .option('--regime-window <bars>', 'window of the volatility-regime split (default 60)', numberOption({ min: 2, int: true }))
    .option('-c, --config <file>', 'config file (default ./parity.config.json if present)');
  return addSimOptions(cmd);
}

export function addBacktestCommand(program: Command): void {
  const cmd = program.command('backtest').description('run a strategy over historical candles on the simulated venue').option('-p, --param <key=value>', 'strategy parameter (repeatable)', collect);
  addSpecOptions(cmd)
    .option('--json', 'print one JSON object (fills, final equity, fees, stats) instead of the summary')
    .option('--export-fills <file.csv>', 'write every fill to a CSV file')
    .option('--export-equity <file.csv>', 'write the equity curve to a CSV file')
    .option('--events <file.jsonl>', 'write the event log (every command and event) as JSON lines')
    .option('--no-chart', 'leave the equity chart out of the summary')
    .action(async (flags: Flags) => {
      const [{ loadConfig }, { buildSpec }, { runBacktestSpec }, { reportJson, summaryText, writeEquityCsv, writeFillsCsv }] = await Promise.all([
        import('../../config/config.ts'),
        import('./spec.ts'),
        import('./run.ts'),
        import('./output.ts'),
      ]);
      const spec = buildSpec(flags, await loadConfig(flags.config));
      let events: WriteStream | undefined;
      if (flags.events !== undefined) {
        events = createWriteStream(flags.events);
        events.on('error', (err) => {
          throw new UserError(`cannot write the event log ${flags.events}: ${err.message}`, 1);
        });
      }
      const sink = events;
      const progress = progressBar('backtest');
      const report = await runBacktestSpec(spec, {
        onProgress: (d, t) => progress.update(d, t),
        onNotice: (line) => process.stderr.write(`${line}\n`),
        regimesBeside: true,
        ...(sink === undefined ? {} : { onMessage: (m) => sink.write(`${JSON.stringify(m)}\n`) }),
      }).finally(() => progress.done());
      if (sink !== undefined) await new Promise<void>((res) => sink.end(res));
      if (flags.exportFills !== undefined) writeFillsCsv(report, flags.exportFills);
      if (flags.exportEquity !== undefined) writeEquityCsv(report, flags.exportEquity);
      if (flags.json === true) {
        process.stdout.write(`${JSON.stringify(reportJson(report))}\n`);
        return;
      }
      const color = process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined;
      process.stdout.write(`${summaryText(report, { color, width: process.stdout.columns ?? 100, chart: flags.chart !== false })}\n`);
    });
}
