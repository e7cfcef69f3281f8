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
  formatFixed,
  resolveParams,
  type AccountSetup,
  type Bar,
  type Clock,
  type LoggedMessage,
  type Scheduler,
} from '../../engine/index.ts';
import { SimulatedVenue } from '../../paper/index.ts';
import { connect, LOCAL_DEMO_CREDENTIALS, redactRecord, resolveCredentials, type Credentials } from '../../exchanges/ccxt/index.ts';
import { requireTradableSizes } from '../size-check.ts';
import { loadStrategy } from '../strategy-loader.ts';
import { openStateDir } from '../../persistence/state-dir.ts';
import { crashpoint } from '../../persistence/crashpoints.ts';
import { localVenue } from '../../local-exchange/urls.ts';
import { Reconciler } from '../../workstation/reconciler.ts';
import { describeMessage } from '../../workstation/describe.ts';
import { RepeatFilter } from '../../workstation/repeats.ts';
import type { OperatorDesk } from '../../workstation/operator.ts';
import { operatorStrategy, OPERATOR } from '../../workstation/operator.ts';
import type { SessionTap, SessionWorkstation } from '../../workstation/session-workstation.ts';
import { Listeners, wireWorkstation } from './wiring.ts';
import { restoredState } from './restore.ts';
import { adoptVenueBooks } from './baseline.ts';
import { Undo } from './undo.ts';
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
  /** What the TUI and `parity ctl` read and drive. */
  readonly workstation: SessionWorkstation;
  readonly desk: OperatorDesk;
  /** Listeners on the kernel's messages, the market data and the session's log. */
  readonly tap: SessionTap;
  /** The previous session did not stop cleanly: what was said about it at start. */
  readonly crashRecovery: string | undefined;
  stop(reason: string): Promise<void>;
  /** Every listener is attached (alerts, control socket): what happened at start stops being kept for late ones. */
  endStartup(): void;
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

/**
 * Starts a session. A start that fails part-way takes down what it had opened (the venue
 * connection, the runtime, the state directory's lock) before the error goes on: nothing is left
 * half-started.
 */
export async function startSession(spec: RunSpec, io: SessionIO, deps: SessionDeps): Promise<Session> {
  const undo = new Undo();
  try {
    return await openSession(spec, io, deps, undo);
  } catch (err) {
    await undo.run(`start-up failed: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
    throw err;
  }
}

async function openSession(spec: RunSpec, io: SessionIO, deps: SessionDeps, undo: Undo): Promise<Session> {
  // The strategy first: one that does not load, or parameters that do not fit it, touch nothing.
  const { definition } = await loadStrategy(spec.strategy);
  const params = resolveParams(definition, spec.params);
  const wall = deps.wall ?? new LiveClock();
  const clock = new OffsetClock(wall);
  const rng = createRng(spec.seed);
  const credentials = credentialsFor(spec, deps.env);
  const listeners = new Listeners();
  const log = (r: Record<string, unknown>): void => {
    const clean = redactRecord(r, credentials);
    io.log(clean);
    listeners.log(clean);
  };
  // The crash-only path: state first (nothing else starts if it cannot be read), then the venue.
  const sd = openStateDir(spec.stateDir, { fsync: spec.persistence.fsync, rebuildFromVenue: spec.rebuildFromVenue, onJournalRetry: (message) => log({ kind: 'warning', message }) });
  undo.push(() => sd.close());
  for (const note of sd.recovered.notes) log({ kind: 'recovery', message: note });
  const crashRecovery = sd.recovered.rebuilt
    ? 'the state directory could not be rebuilt (no usable snapshot, journal incomplete): it was set aside and the books were taken from the venue (--rebuild-from-venue)'
    : sd.recovered.crashed
      ? 'the previous session did not stop cleanly (killed or crashed): its state was rebuilt from the snapshot and journal, and is reconciled with the venue before trading'
      : undefined;
  if (crashRecovery !== undefined) log({ kind: 'recovery', crash: true, message: crashRecovery });
  let kernelRef: Kernel | undefined;
  // One record per halt: the kernel's state change when there is one to make (it reaches the log,
  // the screen and the alerts), a log line otherwise (no kernel yet, or already halted).
  const halt = (message: string): void => {
    const k = kernelRef;
    if (k !== undefined && k.tradingState !== 'halted') k.setTradingState('halted', message);
    else log({ kind: 'halt', message });
  };
  const onHalt = (e: HaltError): void => halt(e.message);
  const conn = await connect({
    exchange: spec.exchange,
    ...(spec.exchangeUrl === undefined ? {} : { local: localVenue(spec.exchangeUrl) }),
    ...(credentials === undefined ? {} : { credentials }),
    symbols: spec.symbols,
    clock: wall,
    venueClock: clock,
    scheduler: deps.scheduler,
    rng: rng.fork(),
    onHalt,
    crashpoint,
    ...(deps.requestTimeoutMs === undefined ? {} : { timeoutMs: deps.requestTimeoutMs }),
  });
  undo.push(() => conn.close());
  try {
    await conn.timeSync.measure();
  } catch {
    // Some venues do not tell their time; the local clock stands in.
  }
  const instruments = conn.instruments;
  // The bars, and what the strategy's sizes can trade at their last price, before anything is journaled.
  const warmup: Bar[] = [];
  for (const inst of instruments) warmup.push(...(await conn.marketData.history(inst.symbol, spec.barInterval, spec.warmupBars)));
  warmup.sort((a, b) => a.tsInit - b.tsInit);
  requireTradableSizes(
    definition,
    params,
    instruments.map((instrument) => ({ instrument, price: warmup.findLast((b) => b.symbol === instrument.symbol)?.close })),
  );
  const perp = instruments.some((i) => i.kind === 'perpetual');
  const accountType = perp ? 'margin' : 'cash';
  const live = spec.mode === 'live';
  let startingCash = fromNumber(spec.cash);
  const restored = restoredState(sd.recovered, instruments, conn.settle, startingCash);
  const fresh = restored === undefined;
  if (live && fresh) startingCash = parseFixed((await conn.reports.balances()).find((b) => b.currency === conn.settle)?.total ?? '0');
  sd.journal.append({ k: 'start', at: wall.now(), mode: spec.mode, venue: spec.exchange });

  const account: AccountSetup = { instruments, currency: conn.settle, startingCash, accountType, leverage: spec.leverage, limits: spec.limits };
  let runtime: LiveRuntime | undefined;
  const journal = sd.journal.sink((err) => queueMicrotask(() => halt(`the journal cannot be written: ${err.message}`)));
  const journalStop = (reason: string): void => journal({ k: 'stop', at: wall.now(), reason });
  const repeats = new RepeatFilter();
  undo.push(journalStop);
  const kernel = new Kernel({
    clock,
    ...account,
    ...(restored === undefined ? {} : { restore: restored }),
    orderIds: { reserve: (s, upTo) => sd.reserveIds(s, upTo) },
    pauseCancelsEntries: spec.pauseCancelsEntries,
    onMessage: (m: LoggedMessage) => {
      journal({ k: 'm', m });
      // The journal keeps every message; the log holds back a refusal repeated every bar.
      const shown = repeats.pass(m);
      if (shown !== undefined) {
        const { level, text } = describeMessage(m);
        log({ kind: 'event', level, msg: shown.repeated > 0 ? `${text} (and ${shown.repeated} more like it)` : text, ...m, ...(shown.repeated > 0 ? { repeated: shown.repeated } : {}) });
      }
      listeners.message(m);
    },
    onFault: (f) => log({ kind: 'strategy-fault', strategy: f.strategyId, handler: f.handler, message: f.message }),
    onWake: () => runtime?.wake(),
  });
  kernelRef = kernel;
  // Ids reserved before (a rebuilt directory keeps ids.json) may be at the venue: never used again.
  if (fresh) kernel.orders.restore([], sd.recovered.reserved);
  const sim = live ? undefined : new SimulatedVenue({ ...account, clock, rng: rng.fork(), models: spec.models });
  // Fills from before a fresh start are in the venue's books taken at it (adoptVenueBooks).
  let fillsFrom = fresh ? clock.now() - 3_600_000 : sd.recovered.lastTs - 600_000;
  if (live && fresh) {
    const openOrders = (await Promise.all(instruments.map((i) => conn.reports.openOrders(i.symbol)))).flat();
    fillsFrom = adoptVenueBooks(kernel, { positions: await conn.reports.positions(), balance: formatFixed(startingCash), currency: conn.settle, openOrders });
  }
  if (sim !== undefined && !fresh) {
    // The simulated venue remembers nothing across a restart: its books are the engine's, and its resting orders are gone.
    sim.account.seed(kernel.portfolio.ledger);
    for (const o of kernel.orders.open()) {
      kernel.books.recordDiff({ kind: 'order_missing', severity: 'info', symbol: o.symbol, message: `paper order ${o.clientOrderId} did not survive the restart`, resolution: 'closed' });
      kernel.applyVenueEvent({ type: 'OrderCanceled', clientOrderId: o.clientOrderId, symbol: o.symbol, tsEvent: clock.now(), tsInit: clock.now() });
    }
    kernel.drain();
  }
  runtime = new LiveRuntime(kernel, sim ?? conn.venue, deps.scheduler);
  const reports = sim ?? conn.reports;

  const symbols = instruments.map((i) => i.symbol);
  kernel.addStrategy({ definition, params, symbols, state: restored?.strategies[definition.name] ?? {} });
  const operator = operatorStrategy();
  kernel.addStrategy({ definition: operator.definition, params: {}, symbols, state: restored?.strategies[OPERATOR] ?? {} });

  runtime.start(warmup);
  undo.push(() => runtime?.stop());
  if (live) conn.userStream.start();

  // Reconcile before trading: what changed while we were away is found, shown and resolved (or we start paused).
  const reconciler = new Reconciler({
    kernel,
    reports,
    symbols: instruments.map((i) => i.symbol),
    policy: spec.reconciliation.policy,
    scheduler: deps.scheduler,
    budget: () => conn.requester.limiter.budget().remaining,
    onDiffs: (diffs) => {
      for (const d of diffs) log({ ...d, diff: d.kind, kind: 'diff' });
    },
    onError: (err) => log({ kind: 'reconcile-error', message: err.message }),
  });
  reconciler.setFillsHorizon(fillsFrom);
  const first = await reconciler.run('full');
  log({
    kind: 'reconciled',
    diffs: first.diffs.length,
    paused: first.paused,
    state: kernel.tradingState,
    reason: kernel.tradingStateReason,
    positions: Object.fromEntries(instruments.map((i) => [i.symbol, kernel.portfolio.position(i.symbol).qty])),
    openOrders: kernel.orders.open().map((o) => o.clientOrderId),
    balance: formatFixed(kernel.portfolio.ledger.balance),
    trades: kernel.orders.list().flatMap((o) => o.tradeIds.map((t) => `${o.venueOrderId ?? ''}/${t}`)),
  });
  reconciler.start(spec.reconciliation.cadence);
  undo.push(() => reconciler.stop());
  log({
    kind: 'started',
    mode: spec.mode,
    exchange: spec.exchange,
    symbols: instruments.map((i) => i.symbol),
    strategy: definition.name,
    warmupBars: warmup.length,
    offsetMs: conn.timeSync.offsetMs,
    restored: !fresh,
  });

  const rt = runtime;
  let session: Session | undefined;
  const { shadow, desk, tap, workstation } = wireWorkstation({
    spec,
    kernel,
    conn,
    runtime: rt,
    reconciler,
    listeners,
    log,
    strategy: { definition, params, symbols, operator },
    account,
    warmup,
    quit: (reason) => session?.stop(reason) ?? Promise.resolve(),
  });
  undo.push(() => {
    workstation.stop();
    shadow.stop();
  });
  await conn.marketData.subscribe({ symbols, barInterval: spec.barInterval, trades: spec.feed.trades, quotes: spec.feed.quotes, funding: perp }, (d) => {
    rt.onMarketData(d);
    shadow.onData(d);
    listeners.data(d);
  });

  const timers: NodeJS.Timeout[] = [];
  const snapshot = (): Promise<void> => sd.snapshot(kernel.books.capture(), clock.now());
  timers.push(setInterval(() => void conn.timeSync.measure().catch(() => undefined), 60_000));
  timers.push(setInterval(() => void snapshot().catch((err: unknown) => log({ kind: 'snapshot-error', message: (err as Error).message })), spec.persistence.snapshotEveryMs));
  let resolveStopped: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((r) => (resolveStopped = r));
  let stopping = false;
  session = {
    spec,
    kernel,
    workstation,
    desk,
    tap,
    crashRecovery,
    endStartup: () => listeners.seal(),
    async stop(reason: string) {
      if (stopping) return;
      stopping = true;
      for (const t of timers) clearInterval(t);
      reconciler.stop();
      workstation.stop();
      if (spec.shutdown.cancelOrders && kernel.orders.open().length > 0) {
        const left = await desk.cancelAllAndWait('shutdown.cancelOrders is set', 'shutdown', 5000);
        log({ kind: 'shutdown', canceled: left === 0, message: left === 0 ? 'every open order canceled' : `${left} order(s) not confirmed canceled; the next start reconciles them` });
      }
      rt.stop();
      shadow.stop();
      await conn.close();
      journalStop(reason);
      await snapshot().catch((err: unknown) => log({ kind: 'snapshot-error', message: (err as Error).message }));
      await sd.close();
      log({ kind: 'stopped', reason });
      resolveStopped(reason);
    },
    stopped,
  };
  const started = session;
  if (spec.durationSec !== undefined) timers.push(setTimeout(() => void started.stop(`ran for ${spec.durationSec} s`), spec.durationSec * 1000));
  return started;
}
