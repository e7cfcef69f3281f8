/**
 * `parity run`: a paper or live session, on the workstation screen (the default, on a terminal) or
 * headless (`--no-ui`: JSON-lines logs on stdout for journald). Either way the same session, the
 * same control socket (`parity ctl`), the same alerts; under systemd it says when it is ready and
 * keeps the watchdog fed. SIGTERM and SIGINT stop it cleanly (state persisted), even mid-start.
 */
import type { Command } from 'commander';
import { nodeScheduler } from '../node-scheduler.ts';
import { collect, exchangeUrlOption, numberOption, requireTerminal } from '../options.ts';
import { addSimOptions } from '../sim-options.ts';
import type { Session } from './session.ts';
import type { RunFlags, RunSpec } from './spec.ts';
import { fileLog, stdoutLog } from './logs.ts';

interface Flags extends RunFlags {
  readonly config?: string;
  /** commander's --no-ui. */
  readonly ui?: boolean;
}

export function addRunCommand(program: Command): void {
  const cmd = program
    .command('run')
    .description('trade a strategy on live market data: on the simulated venue (paper) or on the exchange (live)')
    .option('--mode <paper|live>', 'paper: simulated fills on live data; live: real orders (default paper)')
    .option('-e, --exchange <id>', 'a ccxt exchange id (binanceusdm, bybit, ...) or "local"')
    .option('--exchange-url <url>', 'base URL of a local exchange, http://127.0.0.1:PORT (with --exchange local)', exchangeUrlOption)
    .option('--symbol <SYMBOL>', 'market to trade, e.g. BTCUSDT (repeatable, or comma-separated)', collect)
    .option('-s, --strategy <name|path>', 'strategy name from strategies/, or a module path (default: sma-cross)')
    .option('-p, --param <key=value>', 'strategy parameter (repeatable)', collect)
    .option('--timeframe <tf>', 'bar interval the strategy sees: 1m, 5m, 1h, ... (default 1m)')
    .option('--warmup <bars>', 'history bars fed to the strategy before trading (default 200)', numberOption({ min: 0, int: true }))
    .option('--feed <list>', 'market data to stream: bars,trades,quotes (default bars,quotes)')
    .option('--cash <amount>', 'paper mode starting cash (default 10000)', numberOption({ gt: 0 }))
    .option('--key-file <path>', 'API key file (mode 0600): JSON {"apiKey","secret"} or two lines; else PARITY_API_KEY/PARITY_API_SECRET')
    .option('--duration <seconds>', 'stop after this many seconds', numberOption({ gt: 0 }))
    .option('--leverage <x>', 'margin accounts: buying power the risk gate allows, equity x leverage (default 1)', numberOption({ min: 1, max: 125 }))
    .option('--state-dir <dir>', 'journal, snapshots, logs and control socket (default ./state)')
    .option('--rebuild-from-venue', "live: when the state cannot be rebuilt (no usable snapshot, journal incomplete), set it aside and take the venue's books")
    .option('--no-ui', 'headless: no screen, JSON-lines logs on stdout (for systemd and pipes)')
    .option('-c, --config <file>', 'config file (default ./parity.config.json if present)');
  addSimOptions(cmd).action(async (flags: Flags) => {
    const [{ loadConfig }, { buildRunSpec }] = await Promise.all([import('../../config/config.ts'), import('./spec.ts')]);
    const config = await loadConfig(flags.config);
    const spec = buildRunSpec(flags, config);
    const ui = flags.ui !== false;
    if (ui) requireTerminal('parity run');
    await runSession(spec, ui);
  });
}

/** Starts the session and stays until it stops (quit, signal, --duration). */
export async function runSession(spec: RunSpec, ui: boolean): Promise<void> {
  // Signals are heard from the first moment: one that comes during start-up stops the session as soon as it exists.
  let session: Session | undefined;
  let early: string | undefined;
  const onSignal = (signal: string): void => {
    if (session !== undefined) void session.stop(`received ${signal}`);
    else early ??= signal;
  };
  const sigint = (): void => onSignal('SIGINT');
  const sigterm = (): void => onSignal('SIGTERM');
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);
  const log = ui ? fileLog(spec.stateDir) : stdoutLog();
  // Closing the exchange connection rejects ccxt's pending subscriptions with ExchangeClosedByUser,
  // some of which nobody awaits: expected at a stop, never a reason to exit 1. Anything else still
  // ends the process, as it would without this handler.
  const onRejection = (err: unknown): void => {
    if (err instanceof Error && err.name === 'ExchangeClosedByUser') return;
    throw err;
  };
  process.on('unhandledRejection', onRejection);
  try {
    if (ui) process.stdout.write(`starting: ${spec.mode} on ${spec.exchange} ${spec.symbols.join(',')}; logs in ${log.path ?? 'stdout'}\n`);
    // Loaded here, not at the top: `parity ctl` and `parity backtest` start without ccxt.
    const { startSession } = await import('./session.ts');
    const { attachOperations } = await import('./operations.ts');
    session = await startSession(spec, { log: log.write }, { scheduler: nodeScheduler, env: process.env });
    const s = session;
    const ops = await attachOperations(s, process.env, log.write);
    s.endStartup();
    if (early !== undefined) void s.stop(`received ${early}`);
    if (ui) {
      const { renderWorkstation } = await (await import('../../ui/load.ts')).loadUi();
      const screen = renderWorkstation(s.workstation);
      void screen.waitUntilExit().then(() => s.stop('operator quit'));
      await s.stopped;
      screen.unmount();
    } else {
      await s.stopped;
    }
    await ops.close();
  } finally {
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
    process.off('unhandledRejection', onRejection);
    await log.close();
  }
}
