/**
 * `parity demo` (`npm start`): the whole workstation, offline. A local exchange (its own process,
 * on loopback) replays the bundled real XRPUSDT perpetual bars and funding in accelerated time;
 * Parity trades it LIVE through ccxt's real binanceusdm code, with the mean-reversion strategy
 * resting limit orders; the screen shows every pane. No keys, no network. `--no-ui` runs it
 * headless; `--backtest` runs the earlier demo, a backtest of sma-cross on bundled BTCUSDT data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UserError } from './errors.ts';
import { numberOption, requireTerminal } from './options.ts';
import { runSession } from './run/command.ts';

const BIN = fileURLToPath(new URL('../../bin/parity.js', import.meta.url));

interface DemoFlags {
  readonly ui?: boolean;
  readonly speed?: number;
  readonly duration?: number;
  readonly stateDir?: string;
  readonly backtest?: boolean;
}

/**
 * Starts `parity exchange serve` as a child (on a free port, at `speed`, with `args` added: by
 * default the demo's 10,000 USDT account); resolves with its URL. It dies with this process.
 */
export function startExchangeChild(speed: number, args: readonly string[] = ['--balance', '10000']): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'exchange', 'serve', '--port', '0', '--speed', String(speed), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = (): void => void child.kill('SIGTERM');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (l) => resolve({ url: l.trim(), child })); // later lines (exchange events) are read and dropped
    child.once('exit', (code) => reject(new UserError(`the local exchange did not start (exit ${code}): ${stderr.trim()}`, 1)));
  });
}

export function addDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('the offline demo: the workstation trading a local exchange that replays real data, fast (npm start)')
    .option('--no-ui', 'headless: JSON-lines logs on stdout')
    .option('--speed <x>', 'replay speed: virtual seconds per second (default 300: one 5-minute bar a second)', numberOption({ gt: 0 }))
    .option('--duration <seconds>', 'stop after this many seconds', numberOption({ gt: 0 }))
    .option('--state-dir <dir>', 'where the demo keeps its state (default: a new temporary directory)')
    .option('--backtest', 'instead: a backtest of sma-cross on the bundled BTCUSDT data')
    .action(async (flags: DemoFlags) => {
      if (flags.backtest === true) {
        await program.parseAsync(['node', 'parity', 'backtest'], { from: 'node' });
        return;
      }
      const ui = flags.ui !== false;
      if (ui) requireTerminal('parity demo');
      const { buildRunSpec } = await import('./run/spec.ts');
      const { url, child } = await startExchangeChild(flags.speed ?? 300);
      try {
        const spec = buildRunSpec(
          {
            mode: 'live',
            exchange: 'local',
            exchangeUrl: url,
            symbol: ['XRPUSDT'],
            timeframe: '5m',
            strategy: 'mean-reversion',
            param: ['size=500', 'k=1', 'window=20', 'stopPct=0.02'],
            warmup: 50,
            feed: 'bars,quotes',
            leverage: 5,
            stateDir: flags.stateDir ?? mkdtempSync(join(tmpdir(), 'parity-demo-')),
            ...(flags.duration === undefined ? {} : { duration: flags.duration }),
          },
          {},
        );
        await runSession(spec, ui);
      } finally {
        child.kill('SIGTERM');
      }
    });
}
