/**
 * Persistence: journal append throughput, and restart-to-reconciled time with a 100k-event journal.
 *
 * The journal's entries are real kernel messages: a churn backtest (orders, fills, cancels every
 * bar) on the bundled XRPUSDT perpetual bars, tiled (every other copy played backwards, so prices
 * stay continuous) until it has produced enough events.
 *
 * - Throughput: entries appended in bursts of 1,000 per event-loop turn (as a busy session does),
 *   timed from the first append until the last entry is on disk, per fsync policy.
 * - Restart: a state directory holding 100k journaled events and no snapshot (the worst case: every
 *   event is replayed); a real session (`startSession`, the code `parity run` runs) against the
 *   local exchange on loopback, timed from start until it has reconciled with the venue. Live mode
 *   reconciles against the exchange over REST (which knows none of these orders: the diffs are
 *   found and resolved too); paper mode against the seeded simulator.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BarFeed, createRng, fromNumber, resolveParams, runBacktest, stepOfDecimals, symbol, type BarSeries, type LoggedMessage } from '../src/engine/index.ts';
import { DEFAULT_MODELS, SimulatedVenue } from '../src/paper/index.ts';
import { loadCandles, resolveInstrument } from '../src/data/index.ts';
import { BUNDLED, startLocalExchange } from '../src/local-exchange/index.ts';
import { JournalWriter, type FsyncPolicy } from '../src/persistence/journal.ts';
import { openStateDir } from '../src/persistence/state-dir.ts';
import { restoredState } from '../src/cli/run/restore.ts';
import { startSession } from '../src/cli/run/session.ts';
import { buildRunSpec } from '../src/cli/run/spec.ts';
import { nodeScheduler } from '../src/cli/node-scheduler.ts';
import churn from '../test/kit/strategies/churn.ts';
import { quantile } from './kit.ts';

const CHURN = fileURLToPath(new URL('../test/kit/strategies/churn.ts', import.meta.url));
const BAR = 5 * 60_000;

/** The bundled bars tiled `copies` times, ending at `endTs` (odd copies reversed: no price jumps at the joins). */
function tiled(src: BarSeries, copies: number, endTs: number): BarSeries {
  const n = src.length * copies;
  const out = {
    symbol: src.symbol,
    interval: src.interval,
    length: n,
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const c = Math.floor(i / src.length);
    const j = c % 2 === 0 ? i % src.length : src.length - 1 - (i % src.length);
    const back = c % 2 === 1;
    out.ts[i] = endTs - (n - i) * src.interval;
    out.open[i] = (back ? src.close[j] : src.open[j]) as number;
    out.close[i] = (back ? src.open[j] : src.close[j]) as number;
    out.high[i] = src.high[j] as number;
    out.low[i] = src.low[j] as number;
    out.volume[i] = src.volume[j] as number;
  }
  return out;
}

/** At least `count` kernel messages from a churn backtest whose last bar ends at `endTs`. */
export function churnMessages(count: number, endTs: number): LoggedMessage[] {
  const file = loadCandles(BUNDLED.xrpusdt5m, symbol('XRPUSDT'));
  const inst = resolveInstrument('XRPUSDT', 'perpetual', stepOfDecimals(file.priceDecimals));
  const perBar = 9; // measured: ~9.3 messages per bar
  const copies = Math.ceil(count / perBar / file.series.length) + 1;
  const msgs: LoggedMessage[] = [];
  const cash = fromNumber(100_000);
  runBacktest({
    instruments: [inst],
    feed: new BarFeed(tiled(file.series, copies, endTs)),
    currency: 'USDT',
    startingCash: cash,
    accountType: 'margin',
    leverage: 5,
    strategies: [{ definition: churn, params: resolveParams(churn, {}), symbols: [inst.symbol] }],
    onMessage: (m) => msgs.push(m),
    venue: (clock) => new SimulatedVenue({ instruments: [inst], clock, rng: createRng(1), models: DEFAULT_MODELS, currency: 'USDT', startingCash: cash, accountType: 'margin', leverage: 5 }),
  });
  if (msgs.length < count) throw new Error(`the churn backtest gave ${msgs.length} messages, fewer than ${count}`);
  return msgs.slice(0, count);
}

async function appendAll(dir: string, policy: FsyncPolicy, msgs: readonly LoggedMessage[], n: number): Promise<number> {
  const w = new JournalWriter({ dir, nextSeq: 0, fsync: policy });
  const t0 = performance.now();
  for (let i = 0; i < n;) {
    const end = Math.min(n, i + 1000);
    for (; i < end; i++) w.append({ k: 'm', m: msgs[i % msgs.length] });
    await new Promise((r) => setImmediate(r));
  }
  await w.close();
  return performance.now() - t0;
}

export async function benchPersistence(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const lx = await startLocalExchange({ mode: 'manual', startingBalance: 100_000, warmupBars: 60, faults: { rateLimit: { weightPerMinute: 1_000_000 } } });
  const tmp = mkdtempSync(join(tmpdir(), 'parity-bench-persist-'));
  try {
    const msgs = churnMessages(100_000, lx.serverTime() - BAR);

    // Throughput, interleaved repetitions per policy.
    const N = 200_000;
    const runs: Record<FsyncPolicy, number[]> = { group: [], none: [], always: [] };
    for (let rep = 0; rep < 3; rep++) {
      for (const policy of ['group', 'none'] as const) {
        const dir = mkdtempSync(join(tmp, `j-${policy}-`));
        runs[policy].push(N / ((await appendAll(dir, policy, msgs, N)) / 1000));
        rmSync(dir, { recursive: true });
      }
    }
    // `always`: one fsync per entry, so far fewer entries.
    const dirA = mkdtempSync(join(tmp, 'j-always-'));
    const wA = new JournalWriter({ dir: dirA, nextSeq: 0, fsync: 'always' });
    const tA = performance.now();
    for (let i = 0; i < 500; i++) await wA.appendDurable({ k: 'm', m: msgs[i] });
    runs.always.push(500 / ((performance.now() - tA) / 1000));
    await wA.close();
    const bytes = JSON.stringify({ k: 'm', m: msgs[0] }).length;
    out['journal entry size (bytes, typical)'] = bytes + 30;
    out['journal appends/s, fsync group (default)'] = Math.round(quantile(runs.group, 0.5));
    out['journal appends/s, fsync none'] = Math.round(quantile(runs.none, 0.5));
    out['journal appends/s, fsync always (durable each)'] = Math.round(quantile(runs.always, 0.5));

    // Restart with 100k journaled events.
    const seedDir = join(tmp, 'state-100k');
    const sd = openStateDir(seedDir, { fsync: 'none' });
    sd.journal.append({ k: 'start', at: msgs[0]?.tsInit ?? 0, mode: 'live', venue: 'local' });
    for (const m of msgs) sd.journal.append({ k: 'm', m });
    await sd.journal.close();
    await sd.close();

    // In-process: read + verify + replay only.
    const replayMs: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      const copy = join(tmp, `replay-${rep}`);
      cpSync(seedDir, copy, { recursive: true });
      const t0 = performance.now();
      const s = openStateDir(copy);
      const inst = resolveInstrument('XRPUSDT', 'perpetual', 0.0001);
      restoredState(s.recovered, [inst], 'USDT', fromNumber(100_000));
      replayMs.push(performance.now() - t0);
      await s.close();
    }
    out['journal events replayed at start'] = msgs.length;
    out['open state dir + verify + replay 100k (ms)'] = Math.round(quantile(replayMs, 0.5));

    for (const mode of ['live', 'paper'] as const) {
      const times: number[] = [];
      let diffs = 0;
      for (let rep = 0; rep < 3; rep++) {
        const stateDir = join(tmp, `restart-${mode}-${rep}`);
        cpSync(seedDir, stateDir, { recursive: true });
        const spec = buildRunSpec({ mode, exchange: 'local', exchangeUrl: lx.url, symbol: ['XRPUSDT'], strategy: CHURN, timeframe: '5m', warmup: 50, feed: 'bars', leverage: 5, stateDir }, {});
        let reconciledAt = 0;
        const t0 = performance.now();
        const session = await startSession(
          spec,
          {
            log: (r) => {
              if (r['kind'] === 'reconciled') {
                reconciledAt = performance.now();
                diffs = r['diffs'] as number;
              }
            },
          },
          { scheduler: nodeScheduler, env: {} },
        );
        times.push(reconciledAt - t0);
        await session.stop('bench');
      }
      out[`restart to reconciled, ${mode} (ms)`] = Math.round(quantile(times, 0.5));
      out[`  diffs found at that restart, ${mode}`] = diffs;
    }
  } finally {
    await lx.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}
