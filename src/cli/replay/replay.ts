/**
 * Replay: the backtest over exactly what a session recorded (src/persistence/recording.ts), from
 * its starting books, with the same strategy and parameters, on the backtest runtime. Two ways to
 * execute:
 *
 * - `simulated`: the simulated venue (src/paper) with the session's models, or a model file's;
 * - `live`: the live fills at their live times (live-fills.ts): execution held equal, so the
 *   decisions must equal the live session's one for one; where they do not, the difference is logic.
 *
 * Deterministic: the same recording and options give the same result, bit for bit (the data carry
 * their recorded times; the simulator's randomness is seeded with the session's seed).
 */
import {
  createRng,
  parseFixed,
  resolveParams,
  runBacktest,
  toNumber,
  type BacktestResult,
  type DataFeed,
  type EngineState,
  type Instrument,
  type LoggedMessage,
  type MarketData,
  type Params,
  type ValidationConfig,
  type VenueEvent,
} from '../../engine/index.ts';
import { DEFAULT_MODELS, SimulatedVenue, type VenueModels } from '../../paper/index.ts';
import { warmupOf, type SessionRecording } from '../../persistence/recording.ts';
import type { RunView } from '../backtest/output.ts';
import { runFigures } from '../backtest/run.ts';
import { UserError } from '../errors.ts';
import { loadStrategy } from '../strategy-loader.ts';
import { isVenueEvent, LiveFillsVenue } from './live-fills.ts';

export type ReplayExecution = 'simulated' | 'live';

/** One decision: a strategy's command, with `n`, the data points delivered when it was processed (the deciding one is number n - 1). */
export interface Decision {
  readonly n: number;
  readonly type: string;
  readonly clientOrderId?: string;
  readonly symbol?: string;
  readonly side?: string;
  readonly orderType?: string;
  readonly qty?: number;
  readonly price?: number;
  readonly reduceOnly?: boolean;
  readonly timeInForce?: string;
}

export interface DecisionMatch {
  readonly live: number;
  readonly replay: number;
  /** Decisions equal at the same position in both lists. */
  readonly matched: number;
  /** The first differences (at most 10), by position. */
  readonly mismatches: readonly { readonly at: number; readonly live: Decision | null; readonly replay: Decision | null }[];
}

export interface ReplayOptions {
  readonly execution: ReplayExecution;
  /** Models for the simulated venue (default: the session's). */
  readonly models?: VenueModels;
}

export interface ReplayOutcome {
  readonly view: RunView;
  readonly execution: ReplayExecution;
  readonly models: VenueModels;
  readonly dataPoints: number;
  readonly decisions: DecisionMatch;
  /** Every message the replay's kernel processed, with its dataSeq (for reports built on the replay). */
  readonly messages: readonly { readonly n: number; readonly m: LoggedMessage }[];
}

const COMMANDS = new Set(['SubmitOrder', 'CancelOrder', 'ModifyOrder', 'CancelAllOrders']);

/** A strategy's command as a decision (the fields that make it the same decision), or undefined. */
export function decisionOf(m: LoggedMessage, n: number, strategyId: string): Decision | undefined {
  if (!COMMANDS.has(m.type) || (m as { strategyId?: string }).strategyId !== strategyId) return undefined;
  const c = m as LoggedMessage & Partial<Record<'clientOrderId' | 'symbol' | 'side' | 'orderType' | 'timeInForce', string> & Record<'qty' | 'price', number> & { reduceOnly: boolean }>;
  const d: Record<string, unknown> = { n, type: m.type };
  for (const k of ['clientOrderId', 'symbol', 'side', 'orderType', 'qty', 'price', 'reduceOnly', 'timeInForce'] as const) if (c[k] !== undefined) d[k] = c[k];
  return d as unknown as Decision;
}

const same = (a: Decision, b: Decision): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Compares decisions position by position. */
export function matchDecisions(live: readonly Decision[], replay: readonly Decision[]): DecisionMatch {
  let matched = 0;
  const mismatches: { at: number; live: Decision | null; replay: Decision | null }[] = [];
  for (let i = 0; i < Math.max(live.length, replay.length); i++) {
    const a = live[i];
    const b = replay[i];
    if (a !== undefined && b !== undefined && same(a, b)) matched++;
    else if (mismatches.length < 10) mismatches.push({ at: i, live: a ?? null, replay: b ?? null });
  }
  return { live: live.length, replay: replay.length, matched, mismatches };
}

/** The recorded data in order; times never go back (an engine clock re-synced mid-session may step back a few ms). */
class RecordedFeed implements DataFeed {
  private i = 0;
  private floor: number;
  readonly size: number;
  constructor(
    private readonly items: readonly { readonly d: MarketData }[],
    from: number,
  ) {
    this.size = items.length;
    this.floor = from;
  }
  peekTime(): number {
    const x = this.items[this.i];
    return x === undefined ? Infinity : Math.max(this.floor, x.d.tsInit);
  }
  next(): MarketData {
    this.floor = this.peekTime();
    return (this.items[this.i++] as { d: MarketData }).d;
  }
}

export async function replaySession(s: SessionRecording, o: ReplayOptions): Promise<ReplayOutcome> {
  const h = s.header;
  const { definition } = await loadStrategy(h.strategy.file).catch((err: unknown) => {
    throw new UserError(`the session's strategy ${h.strategy.name} (${h.strategy.file}) cannot be loaded: ${(err as Error).message}. Nothing was run; restore the file to replay.`);
  });
  if (definition.name !== h.strategy.name) throw new UserError(`${h.strategy.file} now defines strategy "${definition.name}", the session ran "${h.strategy.name}". Nothing was run.`);
  const params: Params = resolveParams(definition, h.strategy.params as Record<string, string | number | boolean>);
  const a = h.account;
  const instruments: readonly Instrument[] = a.instruments;
  const startingCash = parseFixed(a.startingCash);
  const models = o.models ?? ((h.models ?? DEFAULT_MODELS) as VenueModels);
  // The simulator knows none of the live resting orders: started without them (as the shadow backtest is).
  const start: EngineState = o.execution === 'live' ? h.start : { ...h.start, orders: [] };
  const events: { n: number; e: VenueEvent }[] = [];
  const live: Decision[] = [];
  for (const { n, m } of s.messages) {
    if (isVenueEvent(m)) events.push({ n, e: m });
    const d = decisionOf(m, n, definition.name);
    if (d !== undefined) live.push(d);
  }
  const replayed: Decision[] = [];
  const messages: { n: number; m: LoggedMessage }[] = [];
  let kernelSeq = (): number => 0;
  let held: LiveFillsVenue | undefined;
  let sim: SimulatedVenue | undefined;
  const warmup = warmupOf(h);
  const result: BacktestResult = runBacktest({
    instruments,
    feed: new RecordedFeed(s.data, Math.max(h.clock, warmup.at(-1)?.tsInit ?? 0)),
    currency: a.currency,
    startingCash,
    accountType: a.accountType,
    leverage: a.leverage,
    limits: a.limits,
    pauseCancelsEntries: a.pauseCancelsEntries,
    ...(a.lossLimits === undefined ? {} : { lossLimits: a.lossLimits }),
    ...(h.validation === undefined ? {} : { validation: h.validation as Partial<ValidationConfig> }),
    restore: start,
    warmup,
    strategies: [{ definition, params, symbols: h.symbols.map((x) => x as Instrument['symbol']), state: structuredClone(h.start.strategies[definition.name] ?? {}) }],
    venue: (clock) => {
      if (o.execution === 'live') return (held = new LiveFillsVenue(events));
      return (sim = new SimulatedVenue({ instruments, clock, rng: createRng(h.seed).fork(), models, currency: a.currency, startingCash, accountType: a.accountType, leverage: a.leverage }));
    },
    onReady: (kernel) => {
      kernelSeq = () => kernel.dataSeq;
      sim?.account.seed(kernel.portfolio.ledger);
    },
    onMessage: (m) => {
      const n = kernelSeq();
      messages.push({ n, m });
      // The warm-up's refused orders are not decisions: the live session's came before its recording.
      const d = n > warmup.length ? decisionOf(m, n, definition.name) : undefined;
      if (d !== undefined) replayed.push(d);
    },
  });
  if (held !== undefined) {
    held.flush();
    result.kernel.drain();
  }
  if (result.fault !== undefined) throw new UserError(`strategy ${definition.name} threw in ${result.fault.handler} during the replay: ${result.fault.message}. The replay stopped there.`, 1);
  const startEquity = toNumber(parseFixed(h.start.ledger.balance));
  const { summary, finalEquity, totalFees, totalFunding } = runFigures(result, startEquity, h.barInterval);
  const bars = s.data.filter((x) => x.d.type === 'bar');
  const view: RunView = {
    strategyName: definition.name,
    params,
    instruments,
    market: a.accountType === 'margin' ? 'perp' : 'spot',
    seed: h.seed,
    models,
    startingCash: startEquity,
    from: bars[0]?.d.tsEvent ?? null,
    to: bars.length === 0 ? null : (bars.at(-1) as { d: MarketData }).d.tsEvent + h.barInterval,
    intervalMs: h.barInterval,
    bars: bars.length,
    regimeWindow: 0,
    result,
    summary,
    regimes: [],
    finalEquity,
    totalFees,
    totalFunding,
    warnings: [],
    slippageCapped: { ...((sim as SimulatedVenue | undefined)?.slippageCapped ?? { fills: 0, amount: 0 }) },
  };
  return { view, execution: o.execution, models, dataPoints: s.data.length, decisions: matchDecisions(live, replayed), messages };
}
