/**
 * A running paper or live session: the engine's live runtime wired to an exchange through ccxt.
 * Paper = the exchange's market data + the simulated venue (the backtest's simulator, unchanged);
 * live = the same plus the ccxt execution adapter instead of the simulator. Everything else is
 * identical: kernel, strategies, risk gate.
 */
import {
  HaltError,
  Kernel,
  LiveClock,
  LiveRuntime,
  OffsetClock,
  createRng,
  fromNumber,
  parseFixed,
  resolveParams,
  type Bar,
  type Clock,
  type LoggedMessage,
  type Scheduler,
} from '../../engine/index.ts';
import { SimulatedVenue } from '../../paper/index.ts';
import { connect, LOCAL_DEMO_CREDENTIALS, redact, resolveCredentials, type CcxtConnection, type Credentials, type VenueStatus } from '../../exchanges/ccxt/index.ts';
import { loadStrategy } from '../strategy-loader.ts';
import type { RunSpec } from './spec.ts';

export interface SessionIO {
  /** One structured log record (the CLI writes JSON lines). */
  log(record: Record<string, unknown>): void;
}

export interface SessionDeps {
  readonly scheduler: Scheduler;
  readonly wall?: Clock;
  readonly env: NodeJS.ProcessEnv;
  /** Per-request timeout towards the venue (default 10 s). */
  readonly requestTimeoutMs?: number;
}

export interface Session {
  readonly spec: RunSpec;
  readonly kernel: Kernel;
  readonly runtime: LiveRuntime;
  readonly conn: CcxtConnection;
  readonly clock: OffsetClock;
  status(): VenueStatus & { readonly mode: string; readonly tradingState: string };
  stop(reason: string): Promise<void>;
  /** Resolves when the session has stopped. */
  readonly stopped: Promise<string>;
}

function credentialsFor(spec: RunSpec, env: NodeJS.ProcessEnv): Credentials | undefined {
  const c = resolveCredentials(spec.keyFile, env);
  if (c !== undefined) return c;
  if (spec.exchange === 'local') return LOCAL_DEMO_CREDENTIALS;
  if (spec.mode === 'live') throw new HaltError('live mode needs API keys: set PARITY_API_KEY and PARITY_API_SECRET, or pass --key-file (mode 0600)');
  return undefined;
}

export async function startSession(spec: RunSpec, io: SessionIO, deps: SessionDeps): Promise<Session> {
  const wall = deps.wall ?? new LiveClock();
  const clock = new OffsetClock(wall);
  const rng = createRng(spec.seed);
  const credentials = credentialsFor(spec, deps.env);
  const log = (r: Record<string, unknown>): void => io.log(JSON.parse(redact(JSON.stringify(r), credentials)) as Record<string, unknown>);
  let kernelRef: Kernel | undefined;
  const onHalt = (e: HaltError): void => {
    log({ kind: 'halt', message: e.message });
    kernelRef?.setTradingState('halted', e.message);
  };
  const conn = await connect({
    exchange: spec.exchange,
    ...(spec.exchangeUrl === undefined ? {} : { localUrl: spec.exchangeUrl }),
    ...(credentials === undefined ? {} : { credentials }),
    symbols: spec.symbols,
    clock: wall,
    venueClock: clock,
    scheduler: deps.scheduler,
    rng: rng.fork(),
    onHalt,
    ...(deps.requestTimeoutMs === undefined ? {} : { timeoutMs: deps.requestTimeoutMs }),
  });
  try {
    await conn.timeSync.measure();
  } catch {
    // Some venues do not tell their time; the local clock stands in.
  }
  const instruments = conn.instruments;
  const perp = instruments.some((i) => i.kind === 'perpetual');
  const accountType = perp ? 'margin' : 'cash';
  let startingCash = fromNumber(spec.cash);
  const live = spec.mode === 'live';
  const balances = live ? await conn.reports.balances() : [];
  const positions = live ? await conn.reports.positions() : [];
  if (live) startingCash = parseFixed(balances.find((b) => b.currency === conn.settle)?.total ?? '0');

  let runtime: LiveRuntime | undefined;
  const kernel = new Kernel({
    clock,
    instruments,
    currency: conn.settle,
    startingCash,
    accountType,
    leverage: spec.leverage,
    limits: spec.limits,
    onMessage: (m: LoggedMessage) => log({ kind: 'event', ...m }),
    onFault: (f) => log({ kind: 'strategy-fault', strategy: f.strategyId, handler: f.handler, message: f.message }),
    onWake: () => runtime?.wake(),
  });
  kernelRef = kernel;
  for (const p of positions) kernel.portfolio.adoptPosition(p.symbol, p.qty, p.entryPrice);
  const venue = live
    ? conn.venue
    : new SimulatedVenue({ instruments, clock, rng: rng.fork(), models: spec.models, currency: conn.settle, startingCash, accountType, leverage: spec.leverage });
  runtime = new LiveRuntime(kernel, venue, deps.scheduler);

  const { definition } = await loadStrategy(spec.strategy);
  kernel.addStrategy({ definition, params: resolveParams(definition, spec.params), symbols: instruments.map((i) => i.symbol) });

  const warmup: Bar[] = [];
  for (const inst of instruments) warmup.push(...(await conn.marketData.history(inst.symbol, spec.barInterval, spec.warmupBars)));
  warmup.sort((a, b) => a.tsInit - b.tsInit);
  runtime.start(warmup);
  log({ kind: 'started', mode: spec.mode, exchange: spec.exchange, symbols: instruments.map((i) => i.symbol), strategy: definition.name, warmupBars: warmup.length, offsetMs: conn.timeSync.offsetMs });

  const rt = runtime;
  await conn.marketData.subscribe(
    { symbols: instruments.map((i) => i.symbol), barInterval: spec.barInterval, trades: spec.feed.trades, quotes: spec.feed.quotes, funding: perp },
    (d) => rt.onMarketData(d),
  );
  if (live) conn.userStream.start();

  const timers: NodeJS.Timeout[] = [];
  timers.push(setInterval(() => void conn.timeSync.measure().catch(() => undefined), 60_000));
  let resolveStopped: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((r) => (resolveStopped = r));
  let stopping = false;
  const session: Session = {
    spec,
    kernel,
    runtime: rt,
    conn,
    clock,
    status: () => ({ ...conn.status(), mode: spec.mode, tradingState: kernel.tradingState }),
    async stop(reason: string) {
      if (stopping) return;
      stopping = true;
      for (const t of timers) clearInterval(t);
      rt.stop();
      await conn.close();
      log({ kind: 'stopped', reason });
      resolveStopped(reason);
    },
    stopped,
  };
  if (spec.durationSec !== undefined) timers.push(setTimeout(() => void session.stop(`ran for ${spec.durationSec} s`), spec.durationSec * 1000));
  return session;
}
