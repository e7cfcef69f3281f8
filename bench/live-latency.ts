/**
 * Live-path latency: market event in -> order request out, in the live runtime against the local
 * exchange (its own process, replaying the real Binance USD-M BTCUSDT trade stream at 2,000
 * trades per second). "In" is when the ccxt adapter hands a trade to the runtime; "out" is when the
 * order reaches ccxt after the rate limiter (everything in-process, the network excluded). A
 * strategy submits on every 100th trade, inside the venue's request budget. The window is short
 * enough (8 s x the replay speed) that the 5.8-minute recording does not run out; the first second
 * (JIT warm-up, first connections) is not measured.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createRng, defineStrategy, Kernel, LiveClock, LiveRuntime, OffsetClock, fromNumber, type ClientOrderId } from '../src/engine/index.ts';
import { connect } from '../src/exchanges/ccxt/index.ts';
import { localVenue } from '../src/local-exchange/index.ts';
import { nodeScheduler } from '../src/cli/node-scheduler.ts';
import { liveValidation } from '../src/cli/run/spec.ts';
import { L2_RECORDED, quantile, startReplayExchange } from './kit.ts';

const TRADES_PER_SEC_RECORDED = L2_RECORDED.trades / L2_RECORDED.seconds;

export async function benchLiveLatency(seconds = 8, targetPerSec = 2000): Promise<Record<string, number | string>> {
  // The replay starts a little into the recording and bursts are uneven: aim 12% above the target.
  const speed = Math.round((targetPerSec * 1.12) / TRADES_PER_SEC_RECORDED);
  const { child, url } = await startReplayExchange(speed);
  const wall = new LiveClock();
  const clock = new OffsetClock(wall);
  let arrival = 0;
  const sentAt = new Map<ClientOrderId, number>();
  const latencies: number[] = [];
  let measureFrom = Infinity; // after a warm-up second (JIT, first connections)
  const conn = await connect({
    exchange: 'local',
    local: localVenue(url),
    credentials: { apiKey: 'local', secret: 'local' },
    symbols: ['BTCUSDT'],
    clock: wall,
    venueClock: clock,
    scheduler: nodeScheduler,
    rng: createRng(1),
    onHalt: (e) => console.error(e.message),
    onRequestOut: (_kind, id) => {
      const t0 = sentAt.get(id as ClientOrderId);
      if (t0 !== undefined && t0 >= measureFrom) latencies.push(performance.now() - t0);
    },
  });
  await conn.timeSync.measure();
  let runtime: LiveRuntime | undefined;
  const kernel = new Kernel({ clock, instruments: conn.instruments, currency: 'USDT', startingCash: fromNumber(10_000), accountType: 'margin', leverage: 20, onWake: () => runtime?.wake() });
  // The bad-data breaker as a session against the local exchange has it (liveValidation): the
  // replay runs the venue's clock `speed` times faster than the one measured at the start, so its
  // trades would all look as if they came from the future and be dropped.
  const dropped: Record<string, number> = {};
  runtime = new LiveRuntime(kernel, conn.venue, nodeScheduler, { validation: liveValidation('local', {}), onDataDropped: (_d, f) => (dropped[f] = (dropped[f] ?? 0) + 1) });
  let trades = 0;
  let side: 'buy' | 'sell' = 'buy';
  kernel.addStrategy({
    definition: defineStrategy({
      name: 'every-100th-trade',
      params: {},
      create: (ctx) => ({
        onTrade(t) {
          if (++trades % 100 !== 0) return;
          const id = ctx.submit({ symbol: t.symbol, side, qty: 0.001 });
          sentAt.set(id, arrival);
          side = side === 'buy' ? 'sell' : 'buy';
        },
      }),
    }),
    params: {},
    symbols: conn.instruments.map((i) => i.symbol),
  });
  runtime.start();
  conn.userStream.start();
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const rt = runtime;
  await conn.marketData.subscribe({ symbols: conn.instruments.map((i) => i.symbol), trades: true }, (d) => {
    arrival = performance.now();
    rt.onMarketData(d);
  });
  await new Promise((r) => setTimeout(r, 1000));
  const tradesBefore = trades;
  const t0 = performance.now();
  measureFrom = t0;
  await new Promise((r) => setTimeout(r, (seconds - 1) * 1000));
  const elapsed = (performance.now() - t0) / 1000;
  lag.disable();
  rt.stop();
  await conn.close();
  child.kill('SIGTERM');
  // A figure of nothing is no figure: say so rather than print NaN.
  if (latencies.length === 0) throw new Error(`live-latency measured no order (${trades - tradesBefore} trades reached the strategy; dropped by the bad-data breaker: ${JSON.stringify(dropped)})`);
  return {
    'replay speed': `${speed}x`,
    'trade events/s received': Math.round((trades - tradesBefore) / elapsed),
    'orders sent': latencies.length,
    'event in -> request out p50 (us)': Math.round(quantile(latencies, 0.5) * 1000),
    'event in -> request out p90 (us)': Math.round(quantile(latencies, 0.9) * 1000),
    'event in -> request out p99 (us)': Math.round(quantile(latencies, 0.99) * 1000),
    'event in -> request out max (us)': Math.round(Math.max(...latencies) * 1000),
    'event-loop delay p99 (ms)': Number((lag.percentile(99) / 1e6).toFixed(2)),
    'trade events dropped by the bad-data breaker': Object.values(dropped).reduce((a, b) => a + b, 0),
  };
}
