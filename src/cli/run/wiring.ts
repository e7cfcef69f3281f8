/**
 * The workstation side of a session: listeners on the kernel's messages, the market data and the
 * log; the shadow backtest (divergence) started from the books as reconciled; the operator desk;
 * the tap and the SessionWorkstation the TUI and `parity ctl` read.
 */
import type { AccountSetup, AnyStrategyDefinition, Bar, Kernel, LiveRuntime, LoggedMessage, MarketData, Params, Symbol } from '../../engine/index.ts';
import type { CcxtConnection } from '../../exchanges/ccxt/index.ts';
import { ShadowBacktest } from '../../workstation/divergence.ts';
import { DivergenceGuard } from '../../workstation/divergence-guard.ts';
import { OperatorDesk, type operatorStrategy } from '../../workstation/operator.ts';
import type { Reconciler } from '../../workstation/reconciler.ts';
import { engineStatus, SessionWorkstation, type SessionTap } from '../../workstation/session-workstation.ts';
import type { RunSpec } from './spec.ts';
import type { GuardMonitor } from './guards.ts';

/** Messages and log records kept from the start for listeners that attach later (the start-up's diffs and adoptions). */
const STARTUP_BACKLOG = 2000;

/**
 * Fan-out of a session's streams to whoever listens (the workstation, alerts). What happened
 * before a listener attached (restoring, adopting, the first reconciliation: the workstation and
 * the alerts are wired after it) is replayed to it first, until `seal()` ends the start-up.
 */
export class Listeners {
  private readonly m: ((m: LoggedMessage) => void)[] = [];
  private readonly d: ((d: MarketData) => void)[] = [];
  private readonly l: ((r: Record<string, unknown>) => void)[] = [];
  private backlog: { m?: LoggedMessage; l?: Record<string, unknown> }[] | undefined = [];
  readonly message = (x: LoggedMessage): void => {
    this.keep({ m: x });
    this.m.forEach((f) => f(x));
  };
  readonly data = (x: MarketData): void => this.d.forEach((f) => f(x));
  readonly log = (x: Record<string, unknown>): void => {
    this.keep({ l: x });
    this.l.forEach((f) => f(x));
  };
  onMessage = (f: (m: LoggedMessage) => void): void => {
    for (const b of this.backlog ?? []) if (b.m !== undefined) f(b.m);
    this.m.push(f);
  };
  onData = (f: (d: MarketData) => void): void => void this.d.push(f);
  onLog = (f: (r: Record<string, unknown>) => void): void => {
    for (const b of this.backlog ?? []) if (b.l !== undefined) f(b.l);
    this.l.push(f);
  };
  /** The start-up is over: later listeners get only what happens from now on. */
  seal(): void {
    this.backlog = undefined;
  }
  private keep(x: { m?: LoggedMessage; l?: Record<string, unknown> }): void {
    if (this.backlog === undefined) return;
    this.backlog.push(x);
    if (this.backlog.length > STARTUP_BACKLOG) this.backlog.shift();
  }
}

export interface WiringOptions {
  readonly spec: RunSpec;
  readonly kernel: Kernel;
  readonly conn: CcxtConnection;
  readonly runtime: LiveRuntime;
  readonly reconciler: Reconciler;
  readonly listeners: Listeners;
  readonly log: (r: Record<string, unknown>) => void;
  readonly strategy: { readonly definition: AnyStrategyDefinition; readonly params: Params; readonly symbols: readonly Symbol[]; readonly operator: ReturnType<typeof operatorStrategy> };
  readonly account: AccountSetup;
  readonly warmup: readonly Bar[];
  /** The stale-feed guard says whether data is arriving (per symbol). */
  readonly guards: Pick<GuardMonitor, 'staleSymbols'>;
  readonly quit: (reason: string) => Promise<void>;
}

export function wireWorkstation(o: WiringOptions): { shadow: ShadowBacktest; desk: OperatorDesk; tap: SessionTap; workstation: SessionWorkstation } {
  const { spec, kernel, conn, reconciler, listeners, log } = o;
  const { definition, params, symbols, operator } = o.strategy;
  const warmup = o.warmup;
  // The backtest of the same strategy on the same data, from the books as reconciled: divergence.
  const shadow = new ShadowBacktest({
    ...o.account,
    models: spec.models,
    seed: spec.seed,
    definition,
    params,
    symbols,
    start: kernel.books.capture(),
    warmup,
    validation: spec.validation,
    guards: spec.divergence,
    lossLimits: spec.lossLimits,
    pauseCancelsEntries: spec.pauseCancelsEntries,
  });
  const desk = new OperatorDesk({
    kernel,
    symbols,
    context: operator.context,
    wake: () => o.runtime.drainNow(),
    reconcile: () => reconciler.run('full'),
    status: () => engineStatus(kernel, spec.limits),
    diffs: reconciler,
    quit: o.quit,
    log,
  });
  const live = spec.mode === 'live';
  const tap: SessionTap = {
    kernel,
    mode: spec.mode,
    venue: spec.exchange,
    strategy: definition.name,
    currency: conn.settle,
    limits: spec.limits,
    symbols,
    marketDataState: () => {
      const h = [...conn.marketData.health.values()];
      if (h.length === 0 || !h.every((x) => x.ok)) return 'down';
      // "md up" means data arriving for every symbol, not only a socket open (the stale-feed guard, guards.ts).
      return o.guards.staleSymbols().length > 0 ? 'stale' : 'up';
    },
    fundingOutlook: (symbol) => conn.marketData.fundingOutlook.get(symbol),
    shadow,
    venueStatus: () => {
      const st = conn.status();
      return { userStream: live ? st.userStream : undefined, offsetMs: st.offsetMs, budget: st.budget };
    },
    onMessage: listeners.onMessage,
    onData: listeners.onData,
    onLog: listeners.onLog,
    dataQuality: () => o.runtime.dataQuality,
  };
  const workstation = new SessionWorkstation(tap, desk);
  workstation.start();
  guardDivergence(o, shadow, desk, workstation);
  return { shadow, desk, tap, workstation };
}

/**
 * The divergence guards (config `divergence`, src/workstation/divergence-guard.ts): live decisions
 * go to the shadow to be matched per data point; after each bar and each live fill the guards are
 * checked; one crossed is logged as a `divergence-guard` record (the alert rules send it) and, with
 * `action: "pause"`, pauses trading through the operator's desk (audited as any pause).
 */
function guardDivergence(o: WiringOptions, shadow: ShadowBacktest, desk: OperatorDesk, workstation: SessionWorkstation): void {
  o.listeners.onMessage((m) => shadow.onLiveMessage(m));
  shadow.startComparing(); // the start-up's backlog (warm-up decisions) is not compared
  const guard = new DivergenceGuard(o.spec.divergence, (b, action) => {
    o.log({ kind: 'divergence-guard', level: 'warn', guard: b.guard, action, message: b.message, msg: `divergence guard: ${b.message}${action === 'pause' ? '; trading paused' : ''}` });
    if (action === 'pause') void desk.send({ type: 'pause', reason: `divergence guard: ${b.message}` }, 'divergence-guard');
  });
  if (!guard.enabled) return;
  const check = (): void => guard.check(shadow.guardInput(workstation.liveFigures()));
  o.listeners.onData((d) => {
    if (d.type === 'bar') check();
  });
  o.listeners.onMessage((m) => {
    if (m.type === 'OrderFilled') check();
  });
}
