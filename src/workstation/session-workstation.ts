/**
 * The Workstation over a running session: taps the kernel's messages, the market data and the
 * session's log, keeps bounded rolling views (latencies, diffs, events, equity, funding rates),
 * and assembles a WorkstationSnapshot on demand: a few times a second for the TUI, once per
 * `parity ctl status`. Nothing here is on the hot path beyond O(1) bookkeeping per message.
 *
 * Commands go to the OperatorDesk (the same one `parity ctl` uses).
 */
import { FeedLagMonitor, OrderLatencyMonitor, toNumber, type Kernel, type LatencyWindow, type LoggedMessage, type MarketData, type RiskLimits } from '../engine/index.ts';
import { describeMessage, type LogLevel } from './describe.ts';
import type { ShadowBacktest } from './divergence.ts';
import { RepeatFilter } from './repeats.ts';
import { RoundTripTally } from './band.ts';
import { SlippageTally, type LiveFigures } from './divergence.ts';
import {
  setByOperator,
  type CommandResult,
  type DataQualityView,
  type DiffRow,
  type EventLevel,
  type EventRow,
  type LatencyStat,
  type OperatorCommand,
  type RunMode,
  type StrategyFault,
  type StrategyState,
  type Workstation,
  type WorkstationSnapshot,
} from './model.ts';
import type { OperatorDesk } from './operator.ts';

/** What the workstation needs from a running session. */
export interface SessionTap {
  readonly kernel: Kernel;
  readonly mode: RunMode;
  readonly venue: string;
  readonly strategy: string;
  readonly currency: string;
  readonly symbols: readonly string[];
  readonly limits: Partial<RiskLimits>;
  /** up: every market data stream connected and data arriving; stale: connected, but nothing for too long; down: a stream failing. */
  marketDataState(): 'up' | 'stale' | 'down';
  /** The next funding settlement the venue announces for a perpetual (epoch ms, predicted rate). */
  fundingOutlook(symbol: string): { readonly nextTime: number; readonly rate: number } | undefined;
  readonly shadow: ShadowBacktest;
  venueStatus(): { readonly userStream: boolean | undefined; readonly offsetMs: number; readonly budget: { readonly remaining: number; readonly limit: number; readonly pausedUntil: number } };
  onMessage(l: (m: LoggedMessage) => void): void;
  onData(l: (d: MarketData) => void): void;
  onLog(l: (r: Record<string, unknown>) => void): void;
  /** The bad-data breaker's counts (the live runtime's dataQuality). */
  dataQuality?(): DataQualityView;
}

const MAX_EVENTS = 300;
const MAX_DIFFS = 100;
const MAX_EQUITY = 720;

function stat(w: LatencyWindow): LatencyStat {
  return w.summary(60);
}

/** The engine's trading state as the operator reads it: the state, its real cause, and who set it. */
export interface EngineStatus {
  readonly state: StrategyState;
  readonly reason: string;
  readonly setByEngine: boolean;
}

export function engineStatus(k: Kernel, limits: Partial<RiskLimits>): EngineStatus {
  const reason = k.tradingStateReason;
  const byEngine = !setByOperator(reason);
  if (k.tradingState === 'halted') return { state: 'HALTED', reason, setByEngine: byEngine };
  if (k.tradingState === 'reducing') {
    // A guard's reduce-only hold (a loss limit, a stale feed) reads REDUCE-ONLY; a pause (the operator's, or a guard's `pause`) PAUSED.
    const h = k.holds.strictest();
    const held = h !== undefined && h.reason === reason && h.action !== 'pause';
    return { state: held ? 'REDUCE-ONLY' : 'PAUSED', reason, setByEngine: byEngine };
  }
  const limit = limits.dailyLossLimit;
  const pnl = k.portfolio.dailyPnl();
  if (limit !== undefined && pnl <= -limit) {
    return { state: 'REDUCE-ONLY', reason: `daily loss limit reached: ${pnl.toFixed(2)} <= -${limit}; new entries are refused until the UTC day rolls`, setByEngine: true };
  }
  return { state: 'RUNNING', reason: '', setByEngine: false };
}

/** Engine trading state, as the operator reads it. */
export function strategyState(k: Kernel, limits: Partial<RiskLimits>): StrategyState {
  return engineStatus(k, limits).state;
}

const PANE_LEVEL: Record<LogLevel, EventLevel | undefined> = { debug: undefined, info: 'info', notice: 'audit', warn: 'warn', error: 'error' };

/** One event-log line for a kernel message, or undefined for the routine ones. */
export function eventRow(m: LoggedMessage): EventRow | undefined {
  const { level, text } = describeMessage(m);
  const pane = PANE_LEVEL[level];
  return pane === undefined ? undefined : { ts: m.tsInit, level: pane, text };
}

/** Session log records worth a line in the event log. */
function logRow(r: Record<string, unknown>, now: number): EventRow | undefined {
  const kind = r['kind'];
  const message = typeof r['message'] === 'string' ? r['message'] : undefined;
  switch (kind) {
    case 'halt':
    case 'reconcile-error':
    case 'snapshot-error':
      return { ts: now, level: 'error', text: `${kind}: ${message ?? ''}` };
    case 'recovery':
    case 'data-dropped':
    case 'alert-error':
    case 'warning':
      return { ts: now, level: 'warn', text: message ?? String(kind) };
    case 'flatten':
      return { ts: now, level: r['result'] === 'flat' ? 'audit' : 'error', text: `flatten: ${message ?? String(r['result'])}` };
    case 'reconciled':
      return { ts: now, level: 'info', text: `reconciled at start: ${String(r['diffs'])} difference(s), ${String(r['state'])}` };
    default:
      return undefined;
  }
}

export class SessionWorkstation implements Workstation {
  private readonly listeners = new Set<() => void>();
  private readonly latency = new OrderLatencyMonitor();
  private readonly feed = new FeedLagMonitor();
  private readonly slip: SlippageTally;
  private readonly trips = new RoundTripTally();
  private readonly events: EventRow[] = [];
  private readonly diffs: DiffRow[] = [];
  private readonly faults: StrategyFault[] = [];
  private diffSeq = 0;
  private readonly repeats = new RepeatFilter();
  private readonly equityT: number[] = [];
  private readonly equityV: number[] = [];
  private readonly startEquity: number;
  /** Funding booked before this session: what it paid itself is the ledger's change since. */
  private readonly fundingAtStart: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly s: SessionTap,
    private readonly desk: OperatorDesk,
  ) {
    const k = s.kernel;
    this.startEquity = k.portfolio.equity();
    this.fundingAtStart = toNumber(k.portfolio.ledger.funding);
    this.slip = new SlippageTally((sym) => k.portfolio.lastPrice(sym));
    s.onMessage((m) => {
      this.latency.onMessage(m);
      this.slip.onMessage(m);
      this.trips.onMessage(m);
      if (m.type === 'ReconciliationDiff')
        this.push(
          this.diffs,
          { id: m.id ?? `d${++this.diffSeq}`, kind: m.kind, severity: m.severity, symbol: m.symbol, message: m.message, resolution: m.resolution, ts: m.tsInit, choices: m.choices ?? [] },
          MAX_DIFFS,
        );
      if (m.type === 'DiffResolved') {
        const i = this.diffs.findIndex((d) => d.id === m.id);
        const row = this.diffs[i];
        if (row !== undefined) this.diffs[i] = { ...row, resolution: m.resolution, choices: [] };
      }
      if (m.type === 'StrategyFaulted') this.faults.push({ strategy: m.strategyId, handler: m.handler, message: m.message, ts: m.tsInit });
      const row = eventRow(m);
      const shown = row === undefined ? undefined : this.repeats.pass(m);
      if (row !== undefined && shown !== undefined) this.push(this.events, shown.repeated > 0 ? { ...row, text: `${row.text} (and ${shown.repeated} more like it)` } : row, MAX_EVENTS);
      this.changed();
    });
    s.onData((d) => {
      this.feed.onData(d, k.clock.now());
      this.changed();
    });
    s.onLog((r) => {
      const row = logRow(r, k.clock.now());
      if (row === undefined) return; // nothing on screen changes (kernel messages come through onMessage)
      this.push(this.events, row, MAX_EVENTS);
      this.changed();
    });
    this.sampleEquity();
  }

  /** Samples equity every `ms` (the chart) until stop(). */
  start(ms = 1000): void {
    this.timer = setInterval(() => this.sampleEquity(), ms);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(cmd: OperatorCommand, source = 'tui'): Promise<CommandResult> {
    return this.desk.send(cmd, source);
  }

  snapshot(): WorkstationSnapshot {
    const s = this.s;
    const k = s.kernel;
    const p = k.portfolio;
    const now = k.clock.now();
    const vs = s.venueStatus();
    const symbols = [...new Set([...s.symbols, ...Object.keys(p.ledger.positions)])];
    const positions = symbols
      .map((symbol) => {
        const pos = p.position(symbol);
        const mark = p.book(symbol)?.last ?? NaN;
        return { symbol, qty: pos.qty, entry: pos.avgEntry, mark, unrealized: p.unrealizedPnl(symbol), realized: pos.realizedPnl, funding: pos.funding };
      })
      .filter((r) => r.qty !== 0 || r.realized !== 0 || r.funding !== 0);
    const equity = p.equity();
    const es = engineStatus(k, s.limits);
    return {
      status: {
        mode: s.mode,
        venue: s.venue,
        strategy: s.strategy,
        state: es.state,
        stateReason: es.reason,
        stateSetByEngine: es.setByEngine,
        guards: k.holds.list().map((h) => ({ source: h.source, action: h.action, reason: h.reason, since: h.since })),
        faults: [...this.faults],
        marketData: s.marketDataState(),
        userStream: vs.userStream === undefined ? 'n/a' : vs.userStream ? 'up' : 'down',
        clockOffsetMs: vs.offsetMs,
        rateBudget: { remaining: vs.budget.remaining, limit: vs.budget.limit, pausedUntil: vs.budget.pausedUntil },
        equity,
        dailyPnl: p.dailyPnl(),
        currency: s.currency,
        now,
        ...(s.dataQuality === undefined ? {} : { dataQuality: s.dataQuality() }),
      },
      positions,
      orders: k.orders.open().map((o) => ({
        id: o.clientOrderId,
        symbol: o.symbol,
        side: o.side,
        type: o.orderType,
        qty: o.qty,
        filled: o.filledQty,
        price: o.price,
        status: o.status,
        ageMs: Math.max(0, now - o.tsInit),
      })),
      diffs: [...this.diffs],
      funding: symbols.map((symbol) => {
        const next = s.fundingOutlook(symbol);
        return { symbol, total: p.position(symbol).funding, nextTime: next?.nextTime, nextRate: next?.rate };
      }),
      latency: { submitToAck: stat(this.latency.submitToAck), ackToFill: stat(this.latency.ackToFill), cancelToAck: stat(this.latency.cancelToAck), feedLag: stat(this.feed.lag) },
      divergence: s.shadow.view(this.liveFigures()),
      equity: { times: [...this.equityT], values: [...this.equityV] },
      events: [...this.events],
    };
  }

  /** The live figures the divergence compares with the shadow (the pane, the guards). */
  liveFigures(): LiveFigures {
    const p = this.s.kernel.portfolio;
    return {
      fills: this.slip.fills,
      pnl: p.equity() - this.startEquity,
      funding: toNumber(p.ledger.funding) - this.fundingAtStart,
      slippageBps: this.slip.meanBps,
      slippageP95: this.slip.p95,
      notional: this.slip.notional,
      trips: this.trips.trips,
    };
  }

  private sampleEquity(): void {
    const k = this.s.kernel;
    const v = k.portfolio.equity();
    if (!Number.isFinite(v)) return;
    this.equityT.push(k.clock.now());
    this.equityV.push(v);
    if (this.equityT.length > MAX_EQUITY) {
      this.equityT.shift();
      this.equityV.shift();
    }
    this.changed();
  }

  private push<T>(list: T[], item: T, max: number): void {
    list.push(item);
    if (list.length > max) list.splice(0, list.length - max);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
