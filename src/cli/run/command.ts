/** `parity run`: a paper or live session, logging JSON lines to stdout (headless for now). */
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { nodeScheduler } from '../node-scheduler.ts';
import { collect, numberOption } from '../options.ts';
import { addSimOptions } from '../sim-options.ts';
import { startSession } from './session.ts';
import { buildRunSpec, type RunFlags } from './spec.ts';

interface Flags extends RunFlags {
  readonly config?: string;
}

export function addRunCommand(program: Command): void {
  const cmd = program
    .command('run')
    .description('trade a strategy on live market data: on the simulated venue (paper) or on the exchange (live)')
    .option('--mode <paper|live>', 'paper: simulated fills on live data; live: real orders (default paper)')
    .option('-e, --exchange <id>', 'a ccxt exchange id (binanceusdm, bybit, ...) or "local"')
    .option('--exchange-url <url>', 'base URL of a local exchange (with --exchange local)')
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
    .option('--state-dir <dir>', 'journal, snapshots and control socket (default ./state)')
    .option('-c, --config <file>', 'config file (default ./parity.config.json if present)');
  addSimOptions(cmd).action(async (flags: Flags) => {
    const spec = buildRunSpec(flags, loadConfig(flags.config));
    const session = await startSession(spec, { log: (r) => process.stdout.write(`${JSON.stringify({ t: Date.now(), ...r })}\n`) }, { scheduler: nodeScheduler, env: process.env });
    const stop = (signal: string): void => void session.stop(`received ${signal}`);
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    await session.stopped;
  });
}
