/** `parity data fetch`: candles (and funding rates) for backtests, resumable. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import { dateFlag, exchangeUrlOption } from '../options.ts';
import { nodeScheduler } from '../node-scheduler.ts';
import { progressBar } from '../progress.ts';
import { localVenue } from '../../local-exchange/urls.ts';

interface Flags {
  readonly exchange?: string;
  readonly exchangeUrl?: string;
  readonly symbol?: string;
  readonly timeframe?: string;
  readonly from?: string;
  readonly to?: string;
  readonly out?: string;
  readonly funding?: boolean;
  readonly keyFile?: string;
}

export function addDataCommand(program: Command): void {
  const data = program.command('data').description('market data files');
  data
    .command('fetch')
    .description('download candles (and funding rates) through ccxt into CSV files backtest reads; re-running resumes')
    .option('-e, --exchange <id>', 'a ccxt exchange id, or "local"')
    .option('--exchange-url <url>', 'base URL of a local exchange, http://127.0.0.1:PORT (with --exchange local)', exchangeUrlOption)
    .option('--symbol <SYMBOL>', 'market, e.g. BTCUSDT')
    .option('--timeframe <tf>', 'candle length: 1m, 5m, 1h, 1d ... (default 1m)')
    .option('--from <date>', 'first candle (open time, UTC)')
    .option('--to <date>', 'end (exclusive; default: now)')
    .option('--out <dir>', 'output directory (default data/fetched)')
    .option('--funding', 'also fetch the funding-rate history (perpetuals)')
    .option('--key-file <path>', 'API key file, if the venue wants keys for history')
    .action(async (f: Flags) => {
      if (f.exchange === undefined) throw new UserError('--exchange is required');
      if (f.symbol === undefined) throw new UserError('--symbol is required');
      const from = dateFlag(f.from, '--from');
      if (from === undefined) throw new UserError('--from is required');
      const { timeframeFlag } = await import('../timeframe-flag.ts');
      const interval = timeframeFlag(f.timeframe);
      if (f.exchange === 'local' && f.exchangeUrl === undefined) throw new UserError('--exchange local needs --exchange-url');
      const { connect, resolveCredentials } = await import('../../exchanges/ccxt/index.ts'); // ccxt loads only when needed
      const { fetchCandles, fetchFunding } = await import('./fetch.ts');
      const { createRng, LiveClock } = await import('../../engine/index.ts');
      const credentials = resolveCredentials(f.keyFile, process.env);
      const conn = await connect({
        exchange: f.exchange,
        ...(f.exchangeUrl === undefined ? {} : { local: localVenue(f.exchangeUrl) }),
        ...(credentials === undefined ? {} : { credentials }),
        symbols: [f.symbol],
        clock: new LiveClock(),
        scheduler: nodeScheduler,
        rng: createRng(1),
        onHalt: () => undefined,
      });
      try {
        await conn.timeSync.measure().catch(() => undefined);
        const m = [...conn.markets.values()][0];
        if (m === undefined) throw new UserError(`symbol ${f.symbol} not found`);
        const to = dateFlag(f.to, '--to') ?? Infinity;
        const dir = join(f.out ?? 'data/fetched', f.exchange);
        const tf = f.timeframe ?? '1m';
        const bar = progressBar(`${m.symbol} ${tf}`);
        const c = await fetchCandles(conn, m.symbol, interval, from, to, join(dir, `${m.symbol}-${tf}.csv`), (d, t) => bar.update(d, t));
        bar.done();
        process.stdout.write(`${c.file}: ${c.written} candles written${c.resumedFrom === undefined ? '' : ` (resumed after ${new Date(c.resumedFrom).toISOString()})`}\n`);
        if (f.funding === true) {
          const fb = progressBar(`${m.symbol} funding`);
          const r = await fetchFunding(conn, m.symbol, from, to, join(dir, `${m.symbol}-funding.csv`), (d, t) => fb.update(d, t));
          fb.done();
          process.stdout.write(`${r.file}: ${r.written} funding rates written\n`);
        }
      } finally {
        await conn.close();
      }
    });
}
