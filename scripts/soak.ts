/**
 * `npm run soak [minutes] [snapshotEveryMs]` (default 5, 500): a live session, the real binary
 * headless, against the local exchange (its own process) replaying BTCUSDT and XRPUSDT at 2000x,
 * churn trading every 30m bar of both on bars + trades + quotes, with a snapshot (and journal
 * roll) every 500 ms.
 *
 * Every few seconds it samples the session from outside: `parity ctl status --json` (the state
 * must stay RUNNING: anything else fails, with the state's reason) and the process's RSS from
 * /proc/<pid>/status. At the end: SIGTERM must stop it cleanly; the RSS slope (least squares over
 * the second half, MB/min) must stay under RSS_SLOPE_LIMIT; the event-loop lag p99 and the heap
 * left after each major GC are reported (measured by test/kit/session-probe.mjs preloaded into the
 * session: the session logs neither).
 * Prints one JSON summary; exits 1 on any failure.
 *
 * Why 30m bars: each bar costs the session ~9 request weight per symbol (market 4, limit 4,
 * cancel 1) and its limiter allows 1,920 a minute (2,400 x 0.8); at 2000x a 30m bar closes every
 * 0.9 s, so two symbols use ~60% of it. Faster bars would overdrive the limiter and measure its
 * queue, not the session. The bundled data (a month of each) lasts ~20 min at 2000x: longer soaks
 * replay slower.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExchangeChild } from '../src/cli/demo.ts';
import { ROOT } from '../test/kit/cli.ts';
import { ctlStatus, describeExit, liveRunArgs, rssMb, SessionChild } from '../test/kit/session-child.ts';

const minutes = Number(process.argv[2] ?? 5);
/** Another interval tells the snapshot/roll churn's share of a problem apart from the rest. */
const snapshotEveryMs = Number(process.argv[3] ?? 500);
/** `parity ctl status` this often; RSS every second (its GC-driven noise needs many points). */
const STATUS_MS = 5000;
const RSS_MS = 1000;
/**
 * Fails above this many MB/min of RSS growth over the second half. RSS is not flat by design
 * today. Closed orders are let go now (OrderManager.forgetClosedBefore, the live kernel's and the
 * shadow's: the newest 1,000 and the last hour kept), but the heap left after major GCs still grows
 * ~0.5 MB/min here (RoundTripTally and the divergence figures keep every fill): a 10-minute run on
 * 2026-12-04 measured RSS +1.48 MB/min and heap +0.47 MB/min, earlier runs (every order kept)
 * 4.1 MB/min over 5 min, 2.4 over 12 min, 5.47 once. 6 MB/min catches a leak of ~300 bytes per
 * market-data message (~320 a second here: trades, quotes, bars). Tighten it once the fills are
 * let go too.
 */
const RSS_SLOPE_LIMIT = 6;
/** Virtual seconds the shorter recording can replay (30 days of XRPUSDT 5m minus warm-up). */
const DATA_SECONDS = 29 * 86_400;
const speed = Math.min(2000, Math.floor(DATA_SECONDS / (minutes * 60)));

/** Least-squares slope of y over x. */
function slope(points: readonly [number, number][]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const sxy = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const sxx = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return sxx === 0 ? NaN : sxy / sxx;
}

const work = mkdtempSync(join(tmpdir(), 'parity-soak-'));
const stateDir = join(work, 'state');
const config = join(work, 'config.json');
const probeFile = join(work, 'probe.jsonl');
writeFileSync(config, JSON.stringify({ persistence: { snapshotEveryMs } }));
const failures: string[] = [];
const counts = { submits: 0, fills: 0, denied: 0, rejected: 0, diffs: 0, snapshotErrors: 0 };
const { child: exchange, url } = await startExchangeChild(speed, ['--balance', '100000', '--leverage', '5']);
const session = new SessionChild(
  liveRunArgs({
    url,
    symbols: ['BTCUSDT', 'XRPUSDT'],
    timeframe: '30m',
    strategy: join(ROOT, 'test/kit/strategies/churn.ts'),
    params: { notional: 2000 },
    warmup: 20,
    feed: 'bars,trades,quotes',
    stateDir,
    config,
    leverage: 5,
  }),
  {
    env: { PARITY_PROBE_FILE: probeFile },
    preload: [join(ROOT, 'test/kit/session-probe.mjs')],
    keep: (r) => r['kind'] !== 'event',
    onRecord: (r) => {
      if (r['kind'] === 'diff') counts.diffs++;
      if (r['kind'] === 'snapshot-error') {
        counts.snapshotErrors++;
        failures.push(`snapshot failed: ${String(r['message'])}`);
      }
      if (r['kind'] !== 'event') return;
      if (r['type'] === 'SubmitOrder') counts.submits++;
      else if (r['type'] === 'OrderFilled') counts.fills++;
      else if (r['type'] === 'OrderDenied') counts.denied++;
      else if (r['type'] === 'OrderRejected') counts.rejected++;
    },
  },
);
const states: string[] = [];
/** [minutes since start, MB] */
const rss: [number, number][] = [];
const t0 = Date.now();
const atMin = (): number => (Date.now() - t0) / 60_000;
try {
  if ((await session.record('control', 60_000)) === undefined)
    throw new Error(`the session did not start (${session.exit === undefined ? 'no "control" record in 60 s' : describeExit(session.exit)}): ${session.stderrTail()}`);
  let nextStatus = Date.now() + STATUS_MS;
  while (atMin() < minutes) {
    await session.until(() => false, RSS_MS); // wakes early only when the session exits
    if (session.exit !== undefined) throw new Error(`the session exited after ${atMin().toFixed(2)} min (${describeExit(session.exit)}): ${session.stderrTail()}`);
    const mb = rssMb(session.pid);
    if (mb !== undefined) rss.push([atMin(), mb]);
    if (Date.now() < nextStatus) continue;
    nextStatus += STATUS_MS;
    const status = await ctlStatus(stateDir);
    if (!status.ok) throw new Error(`parity ctl status failed after ${atMin().toFixed(2)} min: ${status.message}`);
    const st = status.status.status;
    states.push(st.state);
    if (st.state !== 'RUNNING') throw new Error(`the session went ${st.state} after ${atMin().toFixed(2)} min: ${st.stateReason}`);
  }
  const exit = await session.terminate(20_000);
  if (exit?.code !== 0) failures.push(`SIGTERM did not stop the session cleanly (${exit === undefined ? 'still running after 20 s' : describeExit(exit)}): ${session.stderrTail()}`);
} catch (err) {
  failures.push((err as Error).message);
  await session.kill9();
} finally {
  exchange.kill('SIGTERM');
}

const half = rss.filter(([t]) => t >= minutes / 2);
const rssSlope = slope(half);
if (half.length >= 30 && rssSlope > RSS_SLOPE_LIMIT) failures.push(`RSS grows ${rssSlope.toFixed(2)} MB/min over the second half (limit ${RSS_SLOPE_LIMIT})`);
type ProbeLine = { kind: 'lag'; p50: number; p99: number; max: number; secondP99: number } | { kind: 'gc'; t: number; heapMb: number };
const probe = readFileSync(probeFile, { encoding: 'utf8', flag: 'a+' })
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => JSON.parse(l) as ProbeLine);
const lags = probe.flatMap((l) => (l.kind === 'lag' ? [l] : []));
const lastLag = lags.at(-1);
const heap = probe.flatMap((l): [number, number][] => (l.kind === 'gc' ? [[(l.t - t0) / 60_000, l.heapMb]] : []));
const round = (x: number): number => Math.round(x * 100) / 100;
const summary = {
  ok: failures.length === 0,
  failures,
  minutes: round((Date.now() - t0) / 60_000),
  speed,
  symbols: ['BTCUSDT', 'XRPUSDT'],
  timeframe: '30m',
  snapshotEveryMs,
  statusSamples: Object.fromEntries([...new Set(states)].map((s) => [s, states.filter((x) => x === s).length])),
  rssMb: {
    samples: rss.length,
    first: round(rss[0]?.[1] ?? NaN),
    last: round(rss.at(-1)?.[1] ?? NaN),
    max: round(Math.max(...rss.map(([, m]) => m))),
    slopeSecondHalfMbPerMin: round(rssSlope),
    limitMbPerMin: RSS_SLOPE_LIMIT,
    /** One point every 15 s: [minute, MB]. */
    series: rss.filter((_, i) => i % 15 === 0).map(([t, m]) => [round(t), Math.round(m)]),
  },
  /** Heap in use after each major GC (the probe): live data, without RSS's sawtooth. Reported, not judged. */
  heapAfterMajorGcMb: { count: heap.length, first: heap[0]?.[1] ?? null, last: heap.at(-1)?.[1] ?? null, slopeSecondHalfMbPerMin: round(slope(heap.filter(([t]) => t >= minutes / 2))) },
  eventLoopLagMs: lastLag === undefined ? null : { p50: lastLag.p50, p99: lastLag.p99, max: lastLag.max, worstSecondP99: Math.max(...lags.map((l) => l.secondP99)) },
  ...counts,
  stateDir,
};
console.log(JSON.stringify(summary, null, 2));
process.exit(summary.ok ? 0 : 1);
