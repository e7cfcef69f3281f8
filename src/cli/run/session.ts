/**
 * A running paper or live session: the engine's live runtime wired to an exchange through ccxt.
 * Paper = the exchange's market data + the simulated venue (the backtest's simulator, unchanged);
 * live = the same plus the ccxt execution adapter instead of the simulator (execution.ts, the one
 * place the choice is made). Everything else is identical: kernel, strategies, risk gate.
 *
 * The start is a few named steps, each undone if a later one fails: the state (start-steps.ts),
 * the venue, the engine with its books restored, the reconciliation before trading, the timers
 * (on the injected scheduler).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Kernel, LiveRuntime, fromNumber, formatFixed, resolveParams, type AccountSetup, type EngineState, type LoggedMessage, type Scheduler } from '../../engine/index.ts';
import type { CcxtConnection } from '../../exchanges/ccxt/index.ts';
import { requireTradableSizes } from '../size-check.ts';
import { loadStrategy } from '../strategy-loader.ts';
import type { StateDir } from '../../persistence/state-dir.ts';
import { Reconciler } from '../../workstation/reconciler.ts';
import { describeMessage } from '../../workstation/describe.ts';
import { RepeatFilter } from '../../workstation/repeats.ts';
import type { OperatorDesk } from '../../workstation/operator.ts';
import { operatorStrategy, OPERATOR } from '../../workstation/operator.ts';
import type { SessionTap, SessionWorkstation } from '../../workstation/session-workstation.ts';
import { wireWorkstation } from './wiring.ts';
import { restoredState } from './restore.ts';
import { chooseExecution, type Execution } from './execution.ts';
import { Undo } from './undo.ts';
import { GuardMonitor } from './guards.ts';
import { SessionRecorder } from './recorder.ts';
import { openState, openVenue, shellFor, venueFeesStep, warmupBars, type SessionDeps, type SessionIO, type Shell } from './start-steps.ts';

export type { SessionDeps, SessionIO } from './start-steps.ts';
import type { RunSpec } from './spec.ts';

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

async function openSession(asGiven: RunSpec, io: SessionIO, deps: SessionDeps, undo: Undo): Promise<Session> {
  let spec = asGiven;
  // The strategy first: one that does not load, or parameters that do not fit it, touch nothing.
  const { definition, file } = await loadStrategy(spec.strategy);
  const params = resolveParams(definition, spec.params);
  const shell = shellFor(spec, io, deps);
  const state = openState(spec, shell, undo);
  const recorder = new SessionRecorder(spec.stateDir, shell.wall, { fsync: spec.persistence.fsync, warn: (message) => shell.log({ kind: 'warning', message }) });
  undo.push(() => recorder.close('start-up failed'));
  const conn = await openVenue(spec, shell, deps, undo, { onRequestOut: (kind, id) => recorder.requestOut(kind, id) });
  spec = await venueFeesStep(spec, conn, shell);
  const warmup = await warmupBars(spec, conn);
  requireTradableSizes(
    definition,
    params,
    conn.instruments.map((instrument) => ({ instrument, price: warmup.findLast((b) => b.symbol === instrument.symbol)?.close })),
  );
  const engine = await buildEngine(spec, shell, state, conn, deps, undo, recorder);
  const { kernel, runtime, execution, account, restored } = engine;
  const symbols = conn.instruments.map((i) => i.symbol);
  kernel.addStrategy({ definition, params, symbols, state: restored?.strategies[definition.name] ?? {} });
  const operator = operatorStrategy();
  kernel.addStrategy({ definition: operator.definition, params: {}, symbols, state: restored?.strategies[OPERATOR] ?? {} });
  runtime.start(warmup);
  undo.push(() => runtime.stop());
  execution.start();
  const reconciler = await reconcileBeforeTrading(spec, shell, engine, conn, deps, undo);
  shell.log({
    kind: 'started',
    mode: spec.mode,
    exchange: spec.exchange,
    symbols,
    strategy: definition.name,
    warmupBars: warmup.length,
    offsetMs: conn.timeSync.offsetMs,
    restored: restored !== undefined,
  });

  let session: Session | undefined;
  // Stale feeds and venue drift: timers here, holds in the kernel (guards.ts).
  const guards = new GuardMonitor({
    kernel,
    symbols,
    settings: spec.guards,
    clock: shell.wall,
    scheduler: deps.scheduler,
    latencyP99: () => conn.requester.latencyP99(),
    clockOffsetMs: () => conn.timeSync.offsetMs,
    wake: () => runtime.drainNow(),
  });
  undo.push(() => guards.stop());
  const { shadow, desk, tap, workstation } = wireWorkstation({
    spec,
    kernel,
    conn,
    runtime,
    reconciler,
    listeners: shell.listeners,
    log: shell.log,
    strategy: { definition, params, symbols, operator },
    account,
    warmup,
    guards,
    quit: (reason) => session?.stop(reason) ?? Promise.resolve(),
  });
  undo.push(() => {
    workstation.stop();
    shadow.stop();
  });
  // The recording starts from the books as reconciled, the same start the shadow takes.
  recorder.header({
    mode: spec.mode,
    venue: spec.exchange,
    strategy: { name: definition.name, file, params },
    symbols,
    barInterval: spec.barInterval,
    account,
    pauseCancelsEntries: spec.pauseCancelsEntries,
    lossLimits: spec.lossLimits,
    models: spec.models,
    validation: spec.validation,
    seed: spec.seed,
    start: kernel.books.capture(),
    clock: shell.clock.now(),
    warmup,
  });
  const perp = conn.instruments.some((i) => i.kind === 'perpetual');
  guards.start();
  // Bars that close between the warm-up and the first candle of the stream come from REST, not lost.
  const barsFrom = Object.fromEntries(
    symbols.flatMap((sym) => {
      const last = warmup.findLast((b) => b.symbol === sym);
      return last === undefined ? [] : [[sym, last.tsEvent + spec.barInterval]];
    }),
  );
  await conn.marketData.subscribe({ symbols, barInterval: spec.barInterval, trades: spec.feed.trades, quotes: spec.feed.quotes, funding: perp, barsFrom }, (d) => {
    guards.onData(d);
    recorder.data(d);
    runtime.onMarketData(d);
    shadow.onData(d);
    shell.listeners.data(d);
  });

  const snapshot = (): Promise<void> => state.sd.snapshot(kernel.books.capture(), shell.clock.now()).catch((err: unknown) => shell.log({ kind: 'snapshot-error', message: (err as Error).message }));
  const timers = startTimers(spec, deps.scheduler, { snapshot, measureClock: () => void conn.timeSync.measure().catch(() => undefined), stop: (reason) => void session?.stop(reason), log: shell.log });
  let resolveStopped: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((r) => (resolveStopped = r));
  let stopping = false;
  session = {
    spec,
    kernel,
    workstation,
    desk,
    tap,
    crashRecovery: state.crashRecovery,
    endStartup: () => shell.listeners.seal(),
    async stop(reason: string) {
      if (stopping) return;
      stopping = true;
      timers.cancel();
      guards.stop();
      reconciler.stop();
      workstation.stop();
      if (spec.shutdown.cancelOrders && kernel.orders.open().length > 0) {
        const left = await desk.cancelAllAndWait('shutdown.cancelOrders is set', 'shutdown', 5000);
        shell.log({ kind: 'shutdown', canceled: left === 0, message: left === 0 ? 'every open order canceled' : `${left} order(s) not confirmed canceled; the next start reconciles them` });
      }
      runtime.stop();
      shadow.stop();
      await conn.close();
      engine.journalStop(reason);
      await recorder.close(reason);
      await snapshot();
      await state.sd.close();
      shell.log({ kind: 'stopped', reason });
      resolveStopped(reason);
    },
    stopped,
  };
  return session;
}

interface Engine {
  readonly kernel: Kernel;
  readonly runtime: LiveRuntime;
  readonly execution: Execution;
  readonly account: AccountSetup;
  readonly restored: EngineState | undefined;
  /** Time fills are asked from at the first reconciliation. */
  readonly fillsFrom: number;
  journalStop(reason: string): void;
}

/** Step 3: the books restored (or started), the kernel journaling everything, the venue paper or live. */
async function buildEngine(spec: RunSpec, shell: Shell, state: { sd: StateDir }, conn: CcxtConnection, deps: SessionDeps, undo: Undo, recorder: SessionRecorder): Promise<Engine> {
  const { sd } = state;
  const choice = chooseExecution(spec.mode, conn, { cash: spec.cash, models: spec.models });
  const restored = restoredState(sd.recovered, conn.instruments, conn.settle, fromNumber(spec.cash));
  const fresh = restored === undefined;
  const startingCash = await choice.startingCash(fresh);
  sd.journal.append({ k: 'start', at: shell.wall.now(), mode: spec.mode, venue: spec.exchange, ...(fresh ? { startingCash: formatFixed(startingCash) } : {}) });
  const accountType = conn.instruments.some((i) => i.kind === 'perpetual') ? 'margin' : 'cash';
  const account: AccountSetup = { instruments: conn.instruments, currency: conn.settle, startingCash, accountType, leverage: spec.leverage, limits: spec.limits };
  const journal = sd.journal.sink((err) => queueMicrotask(() => shell.halt(`the journal cannot be written: ${err.message}`)));
  const journalStop = (reason: string): void => journal({ k: 'stop', at: shell.wall.now(), reason });
  undo.push(journalStop);
  const repeats = new RepeatFilter();
  let runtime: LiveRuntime | undefined;
  const kernel = new Kernel({
    clock: shell.clock,
    ...account,
    ...(restored === undefined ? {} : { restore: restored }),
    orderIds: { reserve: (s, upTo) => sd.reserveIds(s, upTo) },
    pauseCancelsEntries: spec.pauseCancelsEntries,
    lossLimits: spec.lossLimits,
    onMessage: (m: LoggedMessage) => {
      journal({ k: 'm', m });
      recorder.message(m, shell.kernel?.dataSeq ?? 0);
      // The journal keeps every message; the log holds back a refusal repeated every bar.
      const shown = repeats.pass(m);
      if (shown !== undefined) {
        const { level, text } = describeMessage(m);
        // The record's own kind is "event" (a diff's kind goes as `diff`, as in the diff records).
        const diff = m.type === 'ReconciliationDiff' ? { diff: m.kind } : {};
        shell.log({
          ...m,
          ...diff,
          kind: 'event',
          level,
          msg: shown.repeated > 0 ? `${text} (and ${shown.repeated} more like it)` : text,
          ...(shown.repeated > 0 ? { repeated: shown.repeated } : {}),
        });
      }
      shell.listeners.message(m);
    },
    onFault: (f) => shell.log({ kind: 'strategy-fault', strategy: f.strategyId, handler: f.handler, message: f.message }),
    onWake: () => runtime?.wake(),
  });
  shell.kernel = kernel;
  // Ids reserved before (a rebuilt directory keeps ids.json) may be at the venue: never used again.
  if (fresh) kernel.orders.restore([], sd.recovered.reserved);
  const execution = choice.create(account, shell.clock, shell.rng.fork());
  const fillsFrom = await execution.settle(kernel, fresh, sd.recovered.lastTs);
  // A dropped event is logged once per class and symbol a minute (a broken feed must not flood the log); the counts are in the status.
  const dropLogged = new Map<string, number>();
  runtime = new LiveRuntime(kernel, execution.venue, deps.scheduler, {
    validation: spec.validation,
    onDataDropped: (d, fault) => {
      const key = `${fault} ${d.symbol}`;
      const minute = Math.floor(d.tsInit / 60_000);
      if (dropLogged.get(key) === minute) return;
      dropLogged.set(key, minute);
      const message = `bad ${d.type} for ${d.symbol} dropped (${fault}) at ${Number.isFinite(d.tsEvent) ? new Date(d.tsEvent).toISOString() : 'an invalid time'}: neither traded on nor shown to the strategy; if this repeats, check the feed`;
      shell.log({ kind: 'data-dropped', level: 'warn', fault, symbol: d.symbol, dataType: d.type, tsInit: d.tsInit, message, msg: message });
    },
  });
  return { kernel, runtime, execution, account, restored, fillsFrom, journalStop };
}

/** Step 4: what changed while we were away is found, shown and resolved (or the start pauses), then the loop runs on. */
async function reconcileBeforeTrading(spec: RunSpec, shell: Shell, engine: Engine, conn: CcxtConnection, deps: SessionDeps, undo: Undo): Promise<Reconciler> {
  const { kernel } = engine;
  const symbols = conn.instruments.map((i) => i.symbol);
  const reconciler = new Reconciler({
    kernel,
    reports: engine.execution.reports,
    symbols,
    policy: spec.reconciliation.policy,
    scheduler: deps.scheduler,
    budget: () => conn.requester.limiter.budget().remaining,
    onDiffs: (diffs) => {
      for (const d of diffs) shell.log({ ...d, diff: d.kind, kind: 'diff' });
    },
    onError: (err) => shell.log({ kind: 'reconcile-error', message: err.message }),
  });
  reconciler.setFillsHorizon(engine.fillsFrom);
  const first = await reconciler.run('full');
  shell.log({
    kind: 'reconciled',
    diffs: first.diffs.length,
    paused: first.paused,
    state: kernel.tradingState,
    reason: kernel.tradingStateReason,
    positions: Object.fromEntries(symbols.map((s) => [s, kernel.portfolio.position(s).qty])),
    openOrders: kernel.orders.open().map((o) => o.clientOrderId),
    balance: formatFixed(kernel.portfolio.ledger.balance),
    // The fills of the orders still known (closed ones are forgotten once old: workstation/forget.ts).
    trades: kernel.orders.list().flatMap((o) => o.tradeIds.map((t) => `${o.venueOrderId ?? ''}/${t}`)),
  });
  reconciler.start(spec.reconciliation.cadence);
  undo.push(() => reconciler.stop());
  return reconciler;
}

/**
 * Step 5: the session's timers, on the injected scheduler: snapshots, the venue clock, --duration,
 * and once a minute the event loop's delay (`loop-lag`: p50, p99, max, ms), how late everything ran.
 */
function startTimers(
  spec: RunSpec,
  scheduler: Scheduler,
  o: { snapshot(): Promise<void>; measureClock(): void; stop(reason: string): void; log(r: Record<string, unknown>): void },
): { cancel(): void } {
  const cancels: (() => void)[] = [];
  const every = (ms: number, fn: () => void): void => {
    const slot = cancels.length;
    const tick = (): void => {
      cancels[slot] = scheduler.schedule(tick, ms);
      fn();
    };
    cancels.push(scheduler.schedule(tick, ms));
  };
  every(60_000, o.measureClock);
  every(spec.persistence.snapshotEveryMs, () => void o.snapshot());
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  cancels.push(() => lag.disable());
  every(60_000, () => {
    const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
    o.log({ kind: 'loop-lag', level: 'debug', msg: `event loop delay p99 ${ms(lag.percentile(99))} ms`, p50Ms: ms(lag.percentile(50)), p99Ms: ms(lag.percentile(99)), maxMs: ms(lag.max) });
    lag.reset();
  });
  if (spec.durationSec !== undefined) cancels.push(scheduler.schedule(() => o.stop(`ran for ${spec.durationSec} s`), spec.durationSec * 1000));
  return { cancel: () => cancels.forEach((c) => c()) };
}
