/**
 * Webhook alerts: a JSON POST on a halt, a risk-limit breach, a reconciliation diff, a strategy
 * that faulted and a recovery after a crash, so an operator away from the terminal hears about them.
 *
 * Invariants: send() never throws and never waits (alerts are queued and posted one at a time, in
 * order); each post has a timeout and is retried twice on network errors, timeouts and 5xx, then
 * given up with one onError message; diffs below minDiffSeverity are dropped and identical diffs
 * within 60 s are sent once; the URL never appears in a message (it may carry a token), which says
 * "the alert webhook" instead.
 */
import type { DiffSeverity } from './model.ts';

export type AlertKind = 'halt' | 'breach' | 'diff' | 'crash-recovery' | 'strategy-fault' | 'bad-data' | 'guard' | 'divergence';
export type AlertSeverity = DiffSeverity;

export interface Alert {
  readonly kind: AlertKind;
  readonly message: string;
  /** Default: critical for halt and breach, warn for diff and crash-recovery. */
  readonly severity?: AlertSeverity | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

export interface Alerter {
  /** False without a (valid) URL: send() does nothing. */
  readonly enabled: boolean;
  /** Queues an alert; returns at once. */
  send(a: Alert): void;
  /** Resolves once every queued alert is delivered or given up (for shutdown). Never rejects. */
  flush(): Promise<void>;
}

export interface AlerterOptions {
  readonly url: string | undefined;
  /** Who is speaking, e.g. "parity live binanceusdm BTCUSDT". */
  readonly source: string;
  /** Least severity of a diff that is sent (default warn). */
  readonly minDiffSeverity?: AlertSeverity | undefined;
  readonly fetch?: typeof fetch | undefined;
  /** Delivery problems, without the URL (default: a line on stderr). */
  readonly onError?: ((msg: string) => void) | undefined;
  /** Epoch ms (default Date.now). */
  readonly now?: (() => number) | undefined;
  /** Per-attempt timeout, ms (default 5000). */
  readonly timeoutMs?: number | undefined;
  /** Waits before each retry, ms (default [1000, 3000]: two retries). */
  readonly retryDelaysMs?: readonly number[] | undefined;
}

const RANK: Record<AlertSeverity, number> = { info: 0, warn: 1, critical: 2 };
const DEFAULT_SEVERITY: Record<AlertKind, AlertSeverity> = {
  halt: 'critical',
  breach: 'critical',
  diff: 'warn',
  'crash-recovery': 'warn',
  'strategy-fault': 'critical',
  'bad-data': 'warn',
  guard: 'warn',
  divergence: 'warn',
};
/** Identical diff alerts within this window are sent once, ms. */
const COALESCE_MS = 60_000;
/** Distinct diffs remembered for coalescing. */
const MAX_REMEMBERED = 1000;
/** Alerts waiting to be posted; beyond this (a webhook down during a storm) new ones are dropped. */
const MAX_QUEUED = 100;

/** The webhook URL: PARITY_ALERT_WEBHOOK wins over the config's alerts.webhookUrl. */
export function alertUrlFrom(env: NodeJS.ProcessEnv, config: { readonly alerts?: { readonly webhookUrl?: string | undefined } | undefined }): string | undefined {
  const fromEnv = env.PARITY_ALERT_WEBHOOK?.trim();
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const fromConfig = config.alerts?.webhookUrl?.trim();
  return fromConfig !== undefined && fromConfig !== '' ? fromConfig : undefined;
}

function validUrl(url: string | undefined): URL | undefined {
  if (url === undefined || url === '') return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}

export function createAlerter(o: AlerterOptions): Alerter {
  const fetchFn = o.fetch ?? globalThis.fetch;
  const now = o.now ?? Date.now;
  const timeoutMs = o.timeoutMs ?? 5000;
  const delays = o.retryDelaysMs ?? [1000, 3000];
  const minRank = RANK[o.minDiffSeverity ?? 'warn'];
  const url = validUrl(o.url);
  // Belt and braces: no message is built from the URL, but none may carry it (or a token in it) either.
  const secrets = url === undefined ? [] : [o.url ?? '', url.href, `${url.pathname}${url.search}`, url.username, url.password].filter((s) => s.length >= 8);
  const report = (msg: string): void => {
    const clean = secrets.reduce((m, s) => m.split(s).join('<alert webhook>'), msg);
    try {
      (o.onError ?? ((m: string): void => void process.stderr.write(`parity: ${m}\n`)))(clean);
    } catch {
      // an error sink that throws must not break the caller
    }
  };
  if (url === undefined && o.url !== undefined && o.url.trim() !== '') {
    report('the alert webhook URL (PARITY_ALERT_WEBHOOK or alerts.webhookUrl) is not a valid http(s) URL; alerts are off');
  }
  const target = url?.href ?? '';

  let tail: Promise<void> = Promise.resolve();
  let queued = 0;
  let overflowing = false;
  const seen = new Map<string, { first: number; repeats: number }>();

  const describe = (err: unknown): string => {
    const e = err as { name?: unknown; cause?: { code?: unknown } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
    const code = e.cause?.code;
    return `network error${typeof code === 'string' ? ` (${code})` : typeof e.name === 'string' ? ` (${e.name})` : ''}`;
  };

  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  const post = async (body: string, what: string): Promise<void> => {
    let last = '';
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0) await sleep(delays[attempt - 1] ?? 0);
      try {
        const res = await fetchFn(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeoutMs) });
        await res.body?.cancel().catch(() => undefined); // the answer's body is not needed; free the connection
        if (res.ok) return;
        last = `HTTP ${res.status}`;
        if (res.status < 500 && res.status !== 429) {
          return report(`the alert webhook refused ${what} (${last}); check PARITY_ALERT_WEBHOOK or alerts.webhookUrl`);
        }
      } catch (err) {
        last = describe(err);
      }
    }
    report(`the alert webhook did not take ${what} after ${delays.length + 1} attempts (${last}); trading goes on`);
  };

  /** Whether a diff is a repeat within the window; returns how many repeats the previous window dropped. */
  const coalesce = (key: string, at: number): number | 'drop' => {
    const prev = seen.get(key);
    if (prev !== undefined && at - prev.first < COALESCE_MS) {
      prev.repeats++;
      return 'drop';
    }
    for (const [k, v] of seen) if (at - v.first >= COALESCE_MS && v.repeats === 0) seen.delete(k);
    seen.delete(key);
    seen.set(key, { first: at, repeats: 0 });
    while (seen.size > MAX_REMEMBERED) seen.delete(seen.keys().next().value as string);
    return prev?.repeats ?? 0;
  };

  const enqueue = (a: Alert): void => {
    const severity = a.severity ?? DEFAULT_SEVERITY[a.kind];
    const at = now();
    let details = a.details;
    if (a.kind === 'diff') {
      if (RANK[severity] < minRank) return;
      const c = coalesce(`${a.kind}\u0000${a.message}`, at);
      if (c === 'drop') return;
      if (c > 0) details = { ...details, coalesced: c }; // identical diffs not sent since the last one
    }
    if (queued >= MAX_QUEUED) {
      if (!overflowing) report(`the alert webhook is not keeping up: ${MAX_QUEUED} alerts are waiting; newer ones are dropped until it catches up`);
      overflowing = true;
      return;
    }
    overflowing = false;
    const doc = { kind: a.kind, severity, message: a.message, source: o.source, at: new Date(at).toISOString() };
    let body: string;
    try {
      body = JSON.stringify(details === undefined ? doc : { ...doc, details });
    } catch {
      body = JSON.stringify({ ...doc, details: { note: 'the details could not be serialized' } });
    }
    const what = `a ${severity} ${a.kind} alert ("${a.message.slice(0, 120)}")`;
    queued++;
    tail = tail
      .then(() => post(body, what))
      .catch(() => undefined)
      .finally(() => queued--);
  };

  return {
    enabled: url !== undefined,
    send(a: Alert): void {
      if (url === undefined) return;
      try {
        enqueue(a);
      } catch (err) {
        report(`an alert could not be queued: ${(err as Error).message}`);
      }
    },
    async flush(): Promise<void> {
      for (let t = tail; ; t = tail) {
        await t;
        if (t === tail) return;
      }
    },
  };
}
