/**
 * `parity exchange serve`: runs the local exchange (a Binance USD-M stand-in replaying real data)
 * in realtime mode until SIGINT/SIGTERM. Its base URL is the first line of stdout, then one short
 * line per notable event (orders, fills, funding, faults); a banner goes to stderr. Bad options
 * fail with one message naming the option. The local exchange itself loads when the action runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { FaultScript, LocalExchange, LocalExchangeEvent, LocalExchangeOptions, LocalMarketSource } from '../../local-exchange/index.ts';
import { UserError } from '../errors.ts';
import { collect, numberOption } from '../options.ts';

interface ServeFlags {
  readonly port?: number;
  readonly speed?: number;
  readonly faults?: string;
  readonly balance?: number;
  readonly market?: string[];
  readonly funding?: string[];
  readonly l2?: string[];
  readonly warmup?: number;
  readonly leverage?: number;
  readonly seed?: number;
  readonly apiKey?: string;
  readonly apiSecret?: string;
}

/** Where the command writes and how it learns to stop (tests replace these). */
export interface ServeIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Resolves when the server should shut down (default: SIGINT or SIGTERM). */
  readonly waitForStop: () => Promise<void>;
}

const defaultIo: ServeIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  waitForStop: () =>
    new Promise<void>((res) => {
      process.once('SIGINT', () => res());
      process.once('SIGTERM', () => res());
    }),
};

function pairs(option: string, values: readonly string[] | undefined): [string, string][] {
  return (values ?? []).map((v) => {
    const eq = v.indexOf('=');
    const sym = v.slice(0, eq).trim().toUpperCase();
    const file = v.slice(eq + 1).trim();
    if (eq <= 0 || file === '' || !/^[A-Z0-9]+$/.test(sym)) throw new UserError(`${option} expects SYMBOL=file (e.g. BTCUSDT=data/x.csv), got "${v}"`);
    if (!existsSync(file)) throw new UserError(`${option} ${sym}: no such file: ${file}`);
    return [sym, file];
  });
}

export function marketsFromFlags(f: ServeFlags): LocalMarketSource[] | undefined {
  const candles = pairs('--market', f.market);
  const funding = new Map(pairs('--funding', f.funding));
  const l2 = pairs('--l2', f.l2);
  for (const sym of funding.keys()) if (!candles.some(([s]) => s === sym)) throw new UserError(`--funding ${sym}: no --market ${sym}=file to attach it to`);
  const all = [...candles.map(([s]) => s), ...l2.map(([s]) => s)];
  const dup = all.find((s, i) => all.indexOf(s) !== i);
  if (dup !== undefined) throw new UserError(`--market/--l2: ${dup} is given twice`);
  if (all.length === 0) return undefined;
  return [
    ...candles.map(([symbol, file]): LocalMarketSource => {
      const ff = funding.get(symbol);
      return ff === undefined ? { kind: 'candles', symbol, file } : { kind: 'candles', symbol, file, fundingFile: ff };
    }),
    ...l2.map(([symbol, file]): LocalMarketSource => ({ kind: 'l2', symbol, file })),
  ];
}

async function loadFaults(file: string): Promise<FaultScript> {
  const { FaultScriptError, parseFaultScript } = await import('../../local-exchange/index.ts');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`--faults ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return parseFaultScript(JSON.parse(text) as unknown);
  } catch (e) {
    throw new UserError(`--faults ${file}: ${e instanceof SyntaxError ? `not JSON: ${e.message}` : e instanceof FaultScriptError ? e.message : String(e)}`);
  }
}

/** One short line per event. */
export function eventLine(e: LocalExchangeEvent): string {
  const t = new Date(e.time).toISOString();
  switch (e.type) {
    case 'order':
      return `${t} ${e.status.padEnd(8)} ${e.symbol} ${e.side} ${e.orderType} ${e.qty}${e.orderType === 'LIMIT' ? ` @ ${e.price}` : ''} #${e.orderId} ${e.clientOrderId}${e.origin === 'api' ? '' : ` (${e.origin})`}`;
    case 'fill':
      return `${t} ${'FILL'.padEnd(8)} ${e.symbol} ${e.side} ${e.qty} @ ${e.price} ${e.maker ? 'maker' : 'taker'} #${e.orderId} ${e.status}`;
    case 'funding':
      return `${t} ${'FUNDING'.padEnd(8)} ${e.symbol} rate ${e.rate} mark ${e.mark} paid ${e.amount} USDT`;
    case 'liquidation':
      return `${t} ${'LIQUIDATE'.padEnd(8)} ${e.symbol} ${e.side} ${e.qty} @ ${e.price} clearance fee ${e.fee} USDT #${e.clientOrderId}`;
    case 'fault':
      return `${t} ${'FAULT'.padEnd(8)} ${e.kind}${e.detail === '' ? '' : ` ${e.detail}`}`;
    case 'market-end':
      return `${t} ${'END'.padEnd(8)} ${e.symbol} recording exhausted; the market is frozen at its last price`;
  }
}

export function addExchangeCommand(program: Command, io: Partial<ServeIo> = {}): void {
  const { out, err, waitForStop } = { ...defaultIo, ...io };
  const exchange = program.command('exchange').description('the local exchange: a Binance USD-M stand-in that replays real market data');
  exchange
    .command('serve')
    .description('serve the local exchange on 127.0.0.1 until Ctrl-C (point ccxt binanceusdm at it, or: parity run --exchange local)')
    .option('--port <n>', 'port on 127.0.0.1 (default: a free one)', numberOption({ min: 0, max: 65535, int: true }))
    .option('--speed <x>', 'virtual seconds per wall second (default 1)', numberOption({ gt: 0, max: 1_000_000 }))
    .option('--faults <file.json>', 'fault script (format: src/local-exchange/README.md)')
    .option('--balance <usdt>', 'starting USDT wallet (default 10000)', numberOption({ min: 0 }))
    .option('--market <SYMBOL=file>', 'candle CSV for a symbol (repeatable; default: bundled BTCUSDT 1m and XRPUSDT 5m)', collect)
    .option('--funding <SYMBOL=file>', 'funding-rate CSV for a --market symbol (repeatable)', collect)
    .option('--l2 <SYMBOL=file>', 'L2 recording (hftbacktest .gz) for a symbol (repeatable)', collect)
    .option('--warmup <bars>', 'bars of history before the start (default 300)', numberOption({ min: 1, int: true }))
    .option('--leverage <x>', 'default leverage per symbol (default 20)', numberOption({ min: 1, max: 125, int: true }))
    .option('--seed <n>', 'seed of every random draw (default 1)', numberOption({ min: 0, int: true }))
    .option('--api-key <key>', 'API key clients must send (default "local")')
    .option('--api-secret <secret>', 'API secret clients sign with (default "local")')
    .action(async (f: ServeFlags) => {
      const markets = marketsFromFlags(f);
      const faults = f.faults === undefined ? undefined : await loadFaults(f.faults);
      const { LocalExchangeOptionError, startLocalExchange } = await import('../../local-exchange/index.ts');
      const opts: LocalExchangeOptions = {
        mode: 'realtime',
        onEvent: (e) => out(eventLine(e)),
        ...(f.port === undefined ? {} : { port: f.port }),
        ...(f.speed === undefined ? {} : { speed: f.speed }),
        ...(f.balance === undefined ? {} : { startingBalance: f.balance }),
        ...(markets === undefined ? {} : { markets }),
        ...(faults === undefined ? {} : { faults }),
        ...(f.warmup === undefined ? {} : { warmupBars: f.warmup }),
        ...(f.leverage === undefined ? {} : { leverage: f.leverage }),
        ...(f.seed === undefined ? {} : { seed: f.seed }),
        ...(f.apiKey === undefined ? {} : { apiKey: f.apiKey }),
        ...(f.apiSecret === undefined ? {} : { apiSecret: f.apiSecret }),
      };
      let lx: LocalExchange;
      try {
        lx = await startLocalExchange(opts);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES') throw new UserError(`--port ${f.port}: cannot listen on 127.0.0.1:${f.port} (${code})`);
        if (e instanceof LocalExchangeOptionError) throw new UserError(e.message.replace(/^option markets: /, '--market/--l2: ').replace(/^option warmupBars: /, '--warmup: '));
        throw e;
      }
      out(lx.url);
      const names = (
        markets ?? [
          { kind: 'candles', symbol: 'BTCUSDT' },
          { kind: 'candles', symbol: 'XRPUSDT' },
        ]
      ).map((m) => `${m.symbol} (${m.kind})`);
      err(`local exchange on ${lx.url} (ws ${lx.wsUrl}): ${names.join(', ')}; speed ${f.speed ?? 1}x; api key "${f.apiKey ?? 'local'}". Ctrl-C stops it.`);
      await waitForStop();
      await lx.close();
      err('local exchange stopped');
    });
}
