/**
 * A short recorded session for the replay tests: the real binary, headless, against a local
 * exchange in manual mode, trading `churn` (orders on every bar: market fills, resting limits,
 * cancels) unless told another strategy (one that decides on every bar); it sees `bars` bars, each
 * waited for in its log, then stops on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BIN, parityAsync, ROOT } from './cli.ts';
import type { LocalExchangeEvent, LocalExchangeOptions } from '../../src/local-exchange/index.ts';
import { BAR, drillExchange, klines, sleep, SYMBOL, subscribed, until } from './drill.ts';

export interface RecordOptions {
  /** The local exchange's options (faults, warm-up bars...). */
  readonly exchange?: LocalExchangeOptions;
  /**
   * The market moves while the orders are on their way (live): `afterMs` after a bar's decisions,
   * the venue's clock moves half a bar (its price path to the bar's extremes), then the answers are
   * awaited and the bar finishes. With a venue latency above `afterMs`, orders meet a moved market.
   */
  readonly moveWhileInFlight?: { readonly afterMs: number };
  /** Where to write the venue's own klines (GET /fapi/v1/klines, as served) once the session stopped. */
  readonly venueBars?: string;
  /** The strategy file (default test/kit/strategies/churn.ts); it must decide on every bar. */
  readonly strategy?: string;
  /** Strategy parameters (--param k=v). */
  readonly params?: readonly string[];
  /** More `parity run` flags (--config, --model...). */
  readonly args?: readonly string[];
  /** Given the session's log records once it stopped. */
  readonly logs?: (records: readonly Record<string, unknown>[]) => void;
  /** Given the local exchange's own event log (orders, fills, funding...) once the session stopped. */
  readonly venueEvents?: (events: readonly LocalExchangeEvent[]) => void;
  /** What to wait for in the log before the stop (within `ms`, default 15 s). */
  readonly before?: { readonly what: string; readonly stop: (records: readonly Record<string, unknown>[]) => boolean; readonly ms?: number };
}

export async function recordSession(mode: 'paper' | 'live', bars: number, o: RecordOptions = {}): Promise<string> {
  const { lx, events } = await drillExchange(o.exchange);
  const stateDir = mkdtempSync(join(tmpdir(), `parity-rec-${mode}-`));
  const args = ['run', '--no-ui', '--mode', mode, '--exchange', 'local', '--exchange-url', lx.url, '--symbol', 'XRPUSDT', '--timeframe', '5m'];
  args.push('--strategy', o.strategy ?? 'test/kit/strategies/churn.ts', '--warmup', '20', '--feed', 'bars', '--leverage', '5', '--state-dir', stateDir);
  for (const p of o.params ?? []) args.push('--param', p);
  args.push(...(o.args ?? []));
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => {
    try {
      logs.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      // not a log record
    }
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  try {
    await until(() => logs.some((r) => r['kind'] === 'control'), 'the control socket', { ms: 30_000, detail: () => stderr + JSON.stringify(logs.slice(-5)) });
    // Paper mode has no user stream: only the kline stream is waited for.
    if (mode === 'live') await subscribed(lx);
    else await until(() => (lx.state().streams['xrpusdt@kline_5m'] ?? 0) > 0, 'the kline stream');
    // Orders of the session itself (the warm-up's refusals are before "started", and folded in the log).
    const live = (): Record<string, unknown>[] => logs.slice(logs.findIndex((r) => r['kind'] === 'started'));
    const submitted = (): unknown[] => live().flatMap((r) => (r['type'] === 'SubmitOrder' ? [r['clientOrderId']] : []));
    const submits = (): number => submitted().length;
    const ANSWERS = new Set(['OrderAccepted', 'OrderRejected', 'OrderDenied', 'OrderFilled', 'OrderCanceled', 'OrderExpired']);
    // Answered: in the log, or in the journal (the log folds a refusal repeated within a minute; the journal keeps every one).
    const journaled = (): unknown[] =>
      readdirSync(stateDir)
        .filter((f) => /^journal-\d+\.jsonl$/.test(f))
        .flatMap((f) => readFileSync(join(stateDir, f), 'utf8').split('\n'))
        .flatMap((l) => {
          try {
            const m = (JSON.parse(l) as { e?: { k?: string; m?: Record<string, unknown> } }).e;
            return m?.k === 'm' && ANSWERS.has(m.m?.['type'] as string) ? [m.m?.['clientOrderId']] : [];
          } catch {
            return []; // a line being written
          }
        });
    const open = (): unknown[] => {
      const done = new Set([...live().flatMap((r) => (ANSWERS.has(r['type'] as string) ? [r['clientOrderId']] : [])), ...journaled()]);
      return submitted().filter((id) => !done.has(id));
    };
    // What a timed-out wait shows: the orders still without an answer, and the last log records.
    const unanswered = (): string =>
      `\nunanswered: ${open().join(', ')}\nlast: ${logs
        .slice(-8)
        .map((r) => JSON.stringify(r))
        .join('\n')}`;
    const half = Math.floor(BAR / 2);
    const moving = mode === 'live' ? o.moveWhileInFlight : undefined;
    for (let i = 0; i < bars; i++) {
      const before = submits();
      lx.advance(moving === undefined || i === 0 ? BAR : BAR - half);
      // 30 s, as for the answers. A first bar never decided (CI, 2026-12-02 and 2026-12-04) was a session started within a second
      // after a 5-minute boundary: its clock stayed ahead of the exchange's (test/cli/venue-clock-start.test.ts). A timeout shows
      // the session's last log records, what the exchange had and sent, and the session's status.
      try {
        await until(() => submits() > before, `the decisions on bar ${i + 1}`, {
          ms: 30_000,
          detail: () =>
            `${stderr}\nlast: ${logs
              .slice(-8)
              .map((r) => JSON.stringify(r))
              .join('\n')}`,
        });
      } catch (err) {
        // What the exchange had and sent (its clock, subscriptions, its own last bars) and what the
        // session says of its feed: enough to tell a bar never sent from one sent and not taken.
        const st = lx.state();
        const bars = (await klines(lx, 3).catch(() => [])).map((k) => new Date(k.open).toISOString());
        const status = await parityAsync(['ctl', 'status', '--json', '--state-dir', stateDir]);
        throw new Error(
          `${(err as Error).message}\nexchange: time ${new Date(st.time).toISOString()}, streams ${JSON.stringify(st.streams)}, connections ${JSON.stringify(st.connections)}, last bars opened ${bars.join(', ')}` +
            `\nctl status: ${(status.stdout + status.stderr).slice(0, 3000)}`,
        );
      }
      if (moving !== undefined) {
        await sleep(moving.afterMs);
        lx.advance(half);
      }
      // Live: their answers in before the next bar, so the session is not racing the test's clock
      // (paper answers come with the next data point: the simulator's clock moves with the data).
      if (mode === 'live') {
        try {
          await until(() => open().length === 0, `the answers on bar ${i + 1}`, { ms: 30_000, detail: () => stderr + unanswered() });
        } catch (err) {
          const status = await parityAsync(['ctl', 'status', '--json', '--state-dir', stateDir]);
          throw new Error(`${(err as Error).message}\nctl status: ${(status.stdout + status.stderr).slice(0, 3000)}`);
        }
      }
    }
    const before = o.before;
    if (before !== undefined) await until(() => before.stop(logs), before.what, { ms: before.ms ?? 15_000, detail: () => stderr });
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) throw new Error(`the session exited ${code}: ${stderr}`);
    o.logs?.(logs);
    o.venueEvents?.(events);
    if (o.venueBars !== undefined) {
      const res = await fetch(`${lx.url}/fapi/v1/klines?symbol=${SYMBOL}&interval=5m&limit=500`);
      writeFileSync(o.venueBars, await res.text());
    }
    return stateDir;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await lx.close();
  }
}
