/**
 * Runs a FaultScript: decides, for each REST request, WebSocket message, user event and fill,
 * whether a fault fires. Every random draw comes from the seeded RNG and rules count their own
 * occurrences, so the same script, seed and traffic give the same faults. `fired` counts what
 * actually happened, by kind, for state() and the operator log. Market-data faults (spikes,
 * silences) bend only what goes on the wire: the venue's own prices never see them; silence windows
 * run on the exchange's clock (`now`), from the moment the script is set.
 */
import type { Rng } from '../engine/index.ts';
import { fmt, type Fixed } from './decimal.ts';
import type { FaultScript, FaultTrigger, LatencySpec, MarketDataFaultRule, MarketStreamKind, RestFaultAction } from './faults.ts';
import { spikedPrice, type Spike } from './market-faults.ts';
import type { UserEventKind } from './venue.ts';

interface Counter {
  seen: number;
  fired: number;
}

export type Sampler = () => number;

export function latencySampler(spec: LatencySpec | undefined, rng: Rng): Sampler {
  if (spec === undefined) return () => 0;
  if (typeof spec === 'number') return () => spec;
  const [kind, args = ''] = spec.split(':');
  if (args === '') return () => Number(kind);
  if (kind === 'uniform') {
    const [a = 0, b = 0] = args.split('-').map(Number);
    return () => a + (b - a) * rng.next();
  }
  const [median = 0, p99 = 0] = args.split(',').map(Number);
  const sigma = median > 0 && p99 > median ? Math.log(p99 / median) / 2.326 : 0;
  return () => median * Math.exp(sigma * rng.normal());
}

function pathMatches(pattern: string | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}

export interface RateLimitConfig {
  readonly weightPerMinute: number;
  readonly banAfter429: number;
  readonly banSeconds: number;
}

type SilenceRule = Extract<MarketDataFaultRule, { action: 'silence' }>;
interface SilenceWindow {
  readonly from: number;
  readonly to: number;
  state: 'pending' | 'on' | 'over';
  withheld: number;
}

const iso = (t: number): string => new Date(t).toISOString();

export class FaultEngine {
  private script: FaultScript = {};
  private silences = new Map<SilenceRule, SilenceWindow>();
  private counters = new Map<object, Counter>();
  private base: Sampler = () => 0;
  private readonly spikes = new Map<object, Sampler>();
  readonly fired: Record<string, number> = {};

  constructor(
    private readonly rng: Rng,
    script?: FaultScript,
    private readonly onFire: (kind: string, detail: string) => void = () => undefined,
    /** The exchange's (virtual) clock, epoch ms: silence windows are measured on it. */
    private readonly now: () => number = () => 0,
  ) {
    if (script !== undefined) this.set(script);
  }

  set(script: FaultScript): void {
    this.script = script;
    this.counters = new Map();
    this.spikes.clear();
    this.base = latencySampler(script.latency, this.rng);
    for (const r of script.rest ?? []) if (r.action.type === 'latency') this.spikes.set(r, latencySampler(r.action.ms, this.rng));
    this.silences = new Map();
    const at = this.now();
    for (const r of script.marketData ?? []) {
      if (r.action !== 'silence') continue;
      const from = at + Math.round((r.afterSec ?? 0) * 1000);
      this.silences.set(r, { from, to: from + Math.round(r.forSec * 1000), state: 'pending', withheld: 0 });
    }
  }

  get rateLimit(): RateLimitConfig {
    const r = this.script.rateLimit ?? {};
    return { weightPerMinute: r.weightPerMinute ?? 2400, banAfter429: r.banAfter429 ?? 5, banSeconds: r.banSeconds ?? 120 };
  }

  private counter(rule: FaultTrigger): Counter {
    let c = this.counters.get(rule);
    if (c === undefined) {
      c = { seen: 0, fired: 0 };
      this.counters.set(rule, c);
    }
    return c;
  }

  /** Counts a matching occurrence and decides whether the rule fires on it. */
  private fires(rule: FaultTrigger): boolean {
    const c = this.counter(rule);
    c.seen++;
    if (rule.nth !== undefined && !rule.nth.includes(c.seen)) return false;
    if (rule.limit !== undefined && c.fired >= rule.limit) return false;
    const p = rule.probability ?? 1;
    if (p < 1 && !(this.rng.next() < p)) return false;
    c.fired++;
    return true;
  }

  /** Records that a fault of `kind` happened. */
  count(kind: string, detail = ''): void {
    this.fired[kind] = (this.fired[kind] ?? 0) + 1;
    this.onFire(kind, detail);
  }

  /** The faults for one REST request: total latency (ms) and the terminal action, if any. */
  rest(method: string, path: string): { latency: number; action?: RestFaultAction } {
    let latency = this.base();
    let action: RestFaultAction | undefined;
    for (const r of this.script.rest ?? []) {
      if ((r.method !== undefined && r.method !== method) || !pathMatches(r.path, path)) continue;
      if (r.action.type !== 'latency' && action !== undefined) {
        this.counter(r).seen++; // a matching request still counts for nth, even when another rule answered it
        continue;
      }
      if (!this.fires(r)) continue;
      if (r.action.type === 'latency') {
        const extra = (this.spikes.get(r) as Sampler)();
        latency += extra;
        this.count('latency-spike', `${method} ${path} +${Math.round(extra)} ms`);
      } else action = r.action;
    }
    return action === undefined ? { latency } : { latency, action };
  }

  /** Should this message's connection be dropped instead of sending it? */
  wsDrop(kind: 'market' | 'user'): boolean {
    for (const r of this.script.ws ?? []) {
      if (r.stream !== 'any' && r.stream !== kind) continue;
      if (this.fires(r)) {
        this.count(`ws-drop-${kind}`);
        return true;
      }
    }
    return false;
  }

  private matchesKind(events: string | undefined, kind: UserEventKind): boolean {
    const f = events ?? 'fills';
    return f === 'all' || (f === 'fills' && kind === 'fill') || (f === 'orders' && kind === 'order') || (f === 'account' && kind === 'account');
  }

  /** How many times to send a user event: 0 (dropped), 1, or 2 (duplicated). */
  userCopies(kind: UserEventKind): number {
    let copies = 1;
    for (const r of this.script.userStream ?? []) {
      if (r.action === 'beforeAck' || !this.matchesKind(r.events, kind) || !this.fires(r)) continue;
      if (r.action === 'drop') {
        this.count('user-event-dropped');
        return 0;
      }
      this.count('user-event-duplicated');
      copies = 2;
    }
    return copies;
  }

  /** Do a request's user events go out before its HTTP response? */
  beforeAck(kinds: readonly UserEventKind[]): boolean {
    for (const r of this.script.userStream ?? []) {
      if (r.action !== 'beforeAck' || !kinds.some((k) => this.matchesKind(r.events, k)) || !this.fires(r)) continue;
      return true;
    }
    return false;
  }

  /** TRADE events one fill becomes. */
  splitFill(symbol: string): number {
    const r = this.script.partialFills;
    if (r === undefined || (r.symbols !== undefined && !r.symbols.includes(symbol)) || !this.fires(r)) return 1;
    this.count('partial-fill-split');
    return r.pieces ?? 3;
  }

  /** The factor the next funding payment due on `symbol` is booked at: 1, or the wrong-charge fault's. */
  fundingFactor(symbol: string): number {
    const r = this.script.funding;
    if (r === undefined || (r.symbols !== undefined && !r.symbols.includes(symbol)) || !this.fires(r)) return 1;
    this.count('funding-wrong', `${symbol}: funding booked at ${r.factor} x the amount due`);
    return r.factor;
  }

  /** Opens and closes silence windows that are due on the exchange clock (logged as they turn). */
  marketClock(): void {
    const t = this.now();
    for (const [r, w] of this.silences) {
      const scope = `${r.symbols?.join(',') ?? 'every symbol'}, ${r.streams?.join(',') ?? 'every market stream'}`;
      if (w.state === 'pending' && t >= w.from) {
        w.state = 'on';
        this.count('market-silence', `${scope}: nothing sent from ${iso(w.from)} for ${r.forSec} s (connections stay open)`);
      }
      if (w.state === 'on' && t >= w.to) {
        w.state = 'over';
        this.count('market-resume', `${scope}: streams resume at ${iso(w.to)} after ${w.withheld} message(s) withheld`);
      }
    }
  }

  /** Is a market message of this stream kind (and symbol, when it has one) withheld now? */
  silenced(kind: MarketStreamKind, symbol: string | undefined): boolean {
    const w = this.silenceOf(kind, symbol);
    if (w !== undefined) w.withheld++;
    return w !== undefined;
  }

  private silenceOf(kind: MarketStreamKind, symbol: string | undefined): SilenceWindow | undefined {
    if (this.silences.size === 0) return undefined;
    this.marketClock();
    for (const [r, w] of this.silences) {
      if (w.state !== 'on' || (r.streams !== undefined && !r.streams.includes(kind))) continue;
      if (r.symbols !== undefined && (symbol === undefined || !r.symbols.includes(symbol))) continue;
      return w;
    }
    return undefined;
  }

  /**
   * Whether the next print (streams trade / aggTrade) or closing kline (kline) of `symbol` at the
   * true `price` goes out spiked. `streams` are the ones about to carry it (subscribed); silenced
   * ones are not counted. `what` names it in the log ("trade #12").
   */
  spike(symbol: string, streams: readonly MarketStreamKind[], price: Fixed, tick: Fixed, what: string): Spike | undefined {
    for (const r of this.script.marketData ?? []) {
      if (r.action !== 'spike' || (r.symbols !== undefined && !r.symbols.includes(symbol))) continue;
      const hit = new Set(streams.filter((k) => (r.streams === undefined || r.streams.includes(k as 'trade')) && this.silenceOf(k, symbol) === undefined));
      if (hit.size === 0 || !this.fires(r)) continue;
      const dir = r.direction ?? 'random';
      const up = dir === 'up' || (dir === 'random' && this.rng.next() < 0.5);
      const bent = spikedPrice(price, r.pct, up, tick);
      this.count('market-spike', `${symbol} ${what} ${[...hit].join('+')}: ${fmt(price)} -> ${fmt(bent)} (${up ? '+' : '-'}${r.pct}%), on the wire only`);
      return { price: bent, streams: hit };
    }
    return undefined;
  }
}
