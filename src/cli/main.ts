/**
 * The `parity` command line. Each subcommand lives in its own module; this file wires them up and
 * turns expected failures (UserError, bad config, bad data) into one clear message and a non-zero
 * exit, without a stack trace.
 *
 * Start-up stays small: this file and every command module import only what defining the commands
 * takes (commander, the option parsers); each action loads its implementation when it runs. So
 * `parity --version` loads none of the implementation, and `parity backtest` only the backtest's
 * (no ccxt, ink, worker pool or queue client). The error classes from below the CLI load in the
 * catch, once something has failed.
 */
import { Command, CommanderError } from 'commander';
import { addBacktestCommand } from './backtest/command.ts';
import { addRunCommand } from './run/command.ts';
import { addExchangeCommand } from './exchange/command.ts';
import { addDataCommand } from './data/command.ts';
import { addDemoCommand } from './demo.ts';
import { addCtlCommand } from './ctl/command.ts';
import { addReplayCommand } from './replay/command.ts';
import { addReportCommand } from './report/command.ts';
import { addCalibrateCommand } from './calibrate/command.ts';
import { addSweepCommand, addWorkerCommand } from './sweep/command.ts';
import { UserError } from './errors.ts';

export function buildProgram(): Command {
  const program = new Command('parity')
    .description('Parity: one strategy core for backtest, paper and live crypto trading')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  addBacktestCommand(program);
  addSweepCommand(program);
  addWorkerCommand(program);
  addRunCommand(program);
  addExchangeCommand(program);
  addDataCommand(program);
  addCtlCommand(program);
  addReplayCommand(program);
  addReportCommand(program);
  addCalibrateCommand(program);
  addDemoCommand(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'node' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2; // commander printed the message
    if (err instanceof UserError) {
      process.stderr.write(`parity: ${err.message}\n`);
      return err.exitCode;
    }
    // Expected failures from below the CLI: bad config or parameters (usage, 2), bad data (1).
    // Loaded only now (the module of the class thrown is loaded already; the others load here).
    const [{ ConfigError }, { DataError }, { HaltError, ParamError, StrategyCreateError }, { StateDirError }, { CtlError }] = await Promise.all([
      import('../config/config.ts'),
      import('../data/index.ts'),
      import('../engine/index.ts'),
      import('../persistence/state-dir.ts'),
      import('../workstation/control-socket.ts'),
    ]);
    if (err instanceof HaltError || err instanceof StateDirError || err instanceof CtlError) {
      process.stderr.write(`parity: ${err.message}\n`);
      return 1;
    }
    if (err instanceof StrategyCreateError) {
      process.stderr.write(`parity: ${err.message}\nIt never ran, so nothing was traded. Fix the strategy (or its --param values) and run again.\n`);
      return 1;
    }
    if (err instanceof ConfigError || err instanceof ParamError || err instanceof DataError) {
      process.stderr.write(`parity: ${err.message}\n`);
      return err instanceof DataError ? 1 : 2;
    }
    process.stderr.write(`parity: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 70;
  }
}
