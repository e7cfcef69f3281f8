/**
 * FaultScript: a JSON-able description of what should go wrong in a run (REST latency, error
 * statuses, timeouts, WebSocket drops, user-stream delivery faults, split fills, order rejects,
 * rate-limit settings, bad market data: price spikes and silent streams, a wrong funding charge). Validated from `unknown` with one message per problem naming the field.
 * Semantics and examples: src/local-exchange/README.md.
 */
import { z } from 'zod';

/** `25` (ms), `"uniform:10-50"` or `"lognormal:25,120"` (median, 99th percentile). */
export type LatencySpec = number | string;

/** When a rule fires, counted over the occurrences it matches since the script was set. */
export interface FaultTrigger {
  /** Chance that a matching occurrence fires (default 1), drawn from the seeded RNG. */
  readonly probability?: number;
  /** Fire only on these occurrences (1-based). */
  readonly nth?: readonly number[];
  /** Fire at most this many times. */
  readonly limit?: number;
}

export type RestFaultAction =
  /** Extra delay on top of `latency` (a spike). */
  | { readonly type: 'latency'; readonly ms: LatencySpec }
  /** Answer with an HTTP error status (429/418 carry Retry-After and -1003). `process`: the
   *  request is still executed (a 503 "execution status unknown"). */
  | { readonly type: 'status'; readonly status: number; readonly code?: number; readonly msg?: string; readonly retryAfter?: number; readonly process?: boolean }
  /** Never answer. `process`: executed first (the order exists) or dropped unprocessed.
   *  `reset`: close the connection at once instead of hanging. */
  | { readonly type: 'timeout'; readonly process: boolean; readonly reset?: boolean }
  /** A Binance error reply (HTTP 400) without executing, e.g. -2010 or -2019. */
  | { readonly type: 'reject'; readonly code: number; readonly msg?: string };

export interface RestFaultRule extends FaultTrigger {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Exact path, or a prefix ending in `*` ("/fapi/v1/*"). */
  readonly path?: string;
  readonly action: RestFaultAction;
}

export interface WsDropRule extends FaultTrigger {
  /** Which connections: market streams, the user stream, or both. Counted per message about to be
   *  sent; when it fires the connection is terminated and that message is lost. */
  readonly stream: 'market' | 'user' | 'any';
}

export type UserEventFilter = 'fills' | 'orders' | 'account' | 'all';

export interface UserStreamFaultRule extends FaultTrigger {
  /** duplicate: sent twice; drop: never sent; beforeAck: the request's events go out before its
   *  HTTP response is written (default is after). */
  readonly action: 'duplicate' | 'drop' | 'beforeAck';
  /** fills = ORDER_TRADE_UPDATE with x=TRADE (default), orders = other ORDER_TRADE_UPDATE,
   *  account = ACCOUNT_UPDATE. */
  readonly events?: UserEventFilter;
}

export interface PartialFillRule extends FaultTrigger {
  /** TRADE events per fill (default 3). */
  readonly pieces?: number;
  readonly symbols?: readonly string[];
}

/** A venue that charges funding wrongly: the matching payments are booked at `factor` x the amount due (qty x mark x rate). */
export interface FundingFaultRule extends FaultTrigger {
  /** 1.1: 10% too much; -1: the wrong sign; 0: nothing booked. */
  readonly factor: number;
  readonly symbols?: readonly string[];
}

export interface RateLimitSettings {
  /** Request weight allowed per wall-clock minute (default 2400). */
  readonly weightPerMinute?: number;
  /** 429s within one minute after which the IP is banned with 418 (default 5). */
  readonly banAfter429?: number;
  /** Ban length, seconds (default 120). */
  readonly banSeconds?: number;
}

/** Market streams a `marketData` rule can target (Binance stream kinds; `kline` covers every interval). */
export const MARKET_STREAM_KINDS = ['trade', 'aggTrade', 'kline', 'depth', 'bookTicker', 'markPrice', 'ticker', 'miniTicker'] as const;
export type MarketStreamKind = (typeof MARKET_STREAM_KINDS)[number];
/** The streams a spike can bend: prints and klines. */
export const SPIKE_STREAM_KINDS = ['trade', 'aggTrade', 'kline'] as const;

/**
 * Bad data on the wire only: the exchange's own matching, mark price, REST answers and fills never
 * see it. `symbols` (exchange symbols, `XRPUSDT`) and `streams` narrow a rule (default: all).
 */
export type MarketDataFaultRule =
  /** One print (trade + aggTrade, the same trade id) or one closing kline (x=true: the bar a client
   *  keeps) `pct` percent away from the true price, counted per print / closing kline message. */
  | (FaultTrigger & {
      readonly action: 'spike';
      /** Percent away from the true price, > 0 (a downward spike must stay under 100). */
      readonly pct: number;
      /** Default `random` (drawn from the seeded RNG per spike). */
      readonly direction?: 'up' | 'down' | 'random';
      readonly symbols?: readonly string[];
      readonly streams?: readonly (typeof SPIKE_STREAM_KINDS)[number][];
    })
  /** Market streams stay connected (ping/pong, SUBSCRIBE acks) but send nothing from `afterSec` to
   *  `afterSec + forSec` seconds of exchange time after the script is set; what would have been sent
   *  meanwhile is lost, then the streams resume. */
  | {
      readonly action: 'silence';
      /** Seconds of exchange (virtual) time after the script is set or the exchange starts; default 0. */
      readonly afterSec?: number;
      /** Length of the silence in seconds of exchange time, > 0. */
      readonly forSec: number;
      readonly symbols?: readonly string[];
      readonly streams?: readonly MarketStreamKind[];
    };

export interface FaultScript {
  /** Base latency of every REST request (half before processing, half after). */
  readonly latency?: LatencySpec;
  readonly rest?: readonly RestFaultRule[];
  readonly ws?: readonly WsDropRule[];
  readonly userStream?: readonly UserStreamFaultRule[];
  readonly partialFills?: PartialFillRule;
  readonly rateLimit?: RateLimitSettings;
  readonly marketData?: readonly MarketDataFaultRule[];
  /** Counted per funding payment due (a position open at a settlement). */
  readonly funding?: FundingFaultRule;
}

const latency = z.union([
  z.number().min(0),
  z.string().regex(/^(\d+(\.\d+)?|uniform:\d+(\.\d+)?-\d+(\.\d+)?|lognormal:\d+(\.\d+)?,\d+(\.\d+)?)$/, 'expected ms, "uniform:<min>-<max>" or "lognormal:<median>,<p99>"'),
]);
const trigger = {
  probability: z.number().min(0).max(1).optional(),
  nth: z.array(z.number().int().min(1)).optional(),
  limit: z.number().int().min(0).optional(),
};
const action = z.discriminatedUnion('type', [
  z.object({ type: z.literal('latency'), ms: latency }).strict(),
  z
    .object({
      type: z.literal('status'),
      status: z.number().int().min(400).max(599),
      code: z.number().int().optional(),
      msg: z.string().optional(),
      retryAfter: z.number().min(0).optional(),
      process: z.boolean().optional(),
    })
    .strict(),
  z.object({ type: z.literal('timeout'), process: z.boolean(), reset: z.boolean().optional() }).strict(),
  z.object({ type: z.literal('reject'), code: z.number().int().max(-1), msg: z.string().optional() }).strict(),
]);
const symbols = z
  .array(z.string().regex(/^[A-Z0-9]+$/, 'expected an exchange symbol such as "XRPUSDT"'))
  .min(1)
  .optional();
const spike = z
  .object({
    ...trigger,
    action: z.literal('spike'),
    pct: z.number().gt(0, 'expected a percent > 0 away from the true price').max(1000),
    direction: z.enum(['up', 'down', 'random']).optional(),
    symbols,
    streams: z.array(z.enum(SPIKE_STREAM_KINDS)).min(1).optional(),
  })
  .strict()
  .refine((r) => r.direction === 'up' || r.pct < 100, { path: ['pct'], message: 'a spike that may go down must be under 100% (set "direction": "up" for larger ones)' });
const silence = z
  .object({
    action: z.literal('silence'),
    afterSec: z.number().min(0, 'expected seconds >= 0').optional(),
    forSec: z.number().gt(0, 'expected a silence of more than 0 seconds'),
    symbols,
    streams: z.array(z.enum(MARKET_STREAM_KINDS)).min(1).optional(),
  })
  .strict();
const marketRule = z.unknown().superRefine((x, ctx) => {
  const a = typeof x === 'object' && x !== null ? (x as Record<string, unknown>)['action'] : undefined;
  const r = a === 'spike' ? spike.safeParse(x) : a === 'silence' ? silence.safeParse(x) : undefined;
  if (r === undefined) ctx.addIssue({ code: 'custom', path: ['action'], message: `expected "spike" or "silence", got ${JSON.stringify(a) ?? 'nothing'}` });
  else if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
});

const schema = z
  .object({
    latency: latency.optional(),
    rest: z.array(z.object({ ...trigger, method: z.enum(['GET', 'POST', 'PUT', 'DELETE']).optional(), path: z.string().startsWith('/').optional(), action }).strict()).optional(),
    ws: z.array(z.object({ ...trigger, stream: z.enum(['market', 'user', 'any']) }).strict()).optional(),
    userStream: z.array(z.object({ ...trigger, action: z.enum(['duplicate', 'drop', 'beforeAck']), events: z.enum(['fills', 'orders', 'account', 'all']).optional() }).strict()).optional(),
    partialFills: z
      .object({ ...trigger, pieces: z.number().int().min(2).max(100).optional(), symbols: z.array(z.string()).optional() })
      .strict()
      .optional(),
    rateLimit: z
      .object({ weightPerMinute: z.number().int().min(1).optional(), banAfter429: z.number().int().min(1).optional(), banSeconds: z.number().min(0).optional() })
      .strict()
      .optional(),
    marketData: z.array(marketRule).optional(),
    funding: z
      .object({ ...trigger, factor: z.number().finite().min(-100).max(100), symbols })
      .strict()
      .optional(),
  })
  .strict();

export class FaultScriptError extends Error {
  override readonly name = 'FaultScriptError';
}

/** Validates a fault script from JSON; throws FaultScriptError listing every problem by field. */
export function parseFaultScript(x: unknown): FaultScript {
  const r = schema.safeParse(x);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `faults${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${i.message}`);
    throw new FaultScriptError(`invalid fault script:\n  ${lines.join('\n  ')}`);
  }
  return r.data as FaultScript;
}

/** Refuses `marketData` rules naming a symbol this exchange does not list (one line per symbol). */
export function checkFaultSymbols(script: FaultScript, listed: readonly string[]): FaultScript {
  const lines: string[] = [];
  (script.marketData ?? []).forEach((r, i) =>
    (r.symbols ?? []).forEach((s, j) => {
      if (!listed.includes(s)) lines.push(`faults.marketData[${i}].symbols[${j}]: ${s} is not a market of this exchange (it lists ${listed.join(', ')})`);
    }),
  );
  if (lines.length > 0) throw new FaultScriptError(`invalid fault script:\n  ${lines.join('\n  ')}`);
  return script;
}
