/**
 * The crash test harness: a live session (the real binary, a strategy that trades every bar)
 * against the local exchange, killed with SIGKILL over and over: at random moments, right after an
 * order reached the venue, right before the journal is written, in the middle of a snapshot write.
 * After every restart, once the session says it has reconciled, its positions, open orders, balance
 * and booked fills must equal the exchange's exactly, and no order may have been sent twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createRng, parseFixed } from '../../src/engine/index.ts';
import { startLocalExchange, type LocalExchange } from '../../src/local-exchange/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHURN = join(ROOT, 'test/kit/strategies/churn.ts');
const BAR = 5 * 60_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export type KillMode = 'random' | 'after-submit-sent' | 'before-journal-flush' | 'mid-snapshot';

export interface HarnessReport {
  readonly kills: number;
  readonly byMode: Record<KillMode, number>;
  readonly checks: number;
  /** Restarts that found a snapshot to start from (the rest replayed the journal from the beginning). */
  readonly fromSnapshot: number;
  readonly failures: string[];
  readonly orders: number;
  readonly trades: number;
  readonly seconds: number;
}

interface Child {
  readonly proc: ChildProcess;
  readonly records: Record<string, unknown>[];
  readonly stderr: string[];
  readonly exited: Promise<number | null>;
}

function startChild(lx: LocalExchange, stateDir: string, config: string, crashAt: string | undefined): Child {
  const args = [
    'bin/parity.js',
    'run',
    '--no-ui',
    '--mode',
    'live',
    '--exchange',
    'local',
    '--exchange-url',
    lx.url,
    '--symbol',
    'XRPUSDT',
    '--timeframe',
    '5m',
    '--strategy',
    CHURN,
    '--warmup',
    '5',
    '--feed',
    'bars',
    '--state-dir',
    stateDir,
    '--config',
    config,
    '--leverage',
    '5',
  ];
  const env = { ...process.env, NO_COLOR: '1', ...(crashAt === undefined ? {} : { PARITY_CRASH_AT: crashAt }) };
  const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const records: Record<string, unknown>[] = [];
  createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (l) => {
    try {
      records.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      // not a log line
    }
  });
  const stderr: string[] = [];
  proc.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, records, stderr, exited };
}

async function waitFor(c: Child, kind: string, ms: number): Promise<Record<string, unknown>> {
  const end = Date.now() + ms;
  for (;;) {
    const r = c.records.find((x) => x['kind'] === kind);
    if (r !== undefined) return r;
    if (c.proc.exitCode !== null || Date.now() > end)
      throw new Error(`no "${kind}" from the session (exit ${c.proc.exitCode}); last lines: ${JSON.stringify(c.records.slice(-3))}; stderr: ${c.stderr.join('').slice(-500)}`);
    await sleep(20);
  }
}

/** The session's view after reconciling, against the exchange's (which does not move meanwhile). */
function check(lx: LocalExchange, rec: Record<string, unknown>): string[] {
  const st = lx.state();
  const problems: string[] = [];
  const pos = Number(st.positions.find((p) => p.symbol === 'XRPUSDT')?.qty ?? '0');
  const mine = Number((rec['positions'] as Record<string, number>)['XRPUSDT'] ?? 0);
  if (Math.abs(pos - mine) > 1e-9) problems.push(`position ${mine} vs exchange ${pos}`);
  const open = st.orders
    .filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')
    .map((o) => o.clientOrderId)
    .sort();
  const myOpen = [...(rec['openOrders'] as string[])].sort();
  if (JSON.stringify(open) !== JSON.stringify(myOpen)) problems.push(`open orders ${JSON.stringify(myOpen)} vs exchange ${JSON.stringify(open)}`);
  const wallet = st.balances.find((b) => b.asset === 'USDT')?.walletBalance ?? '0';
  // Two independent books round average-cost PnL differently below 1e-12; venues report 8 decimals.
  const gap = parseFixed(wallet) - parseFixed(rec['balance'] as string);
  if ((gap < 0n ? -gap : gap) > 10n ** 10n) problems.push(`balance ${String(rec['balance'])} vs exchange ${wallet}`);
  const trades = st.trades.map((t) => `${t.orderId}/${t.id}`).sort();
  const myTrades = [...(rec['trades'] as string[])].sort();
  if (new Set(myTrades).size !== myTrades.length) problems.push('a fill was booked twice');
  if (JSON.stringify(trades) !== JSON.stringify(myTrades)) problems.push(`booked ${myTrades.length} fills, the exchange has ${trades.length}`);
  for (const [cid, n] of Object.entries(st.counters.ordersByClientOrderId)) if (n !== 1) problems.push(`order ${cid} created ${n} times`);
  return problems;
}

export async function runCrashHarness(o: { kills: number; seed?: number; log?: (s: string) => void }): Promise<HarnessReport> {
  const t0 = Date.now();
  const random = createRng(o.seed ?? 1);
  const rnd = (): number => random.next();
  // Many restarts a minute would exhaust a real venue's request weight: this drill is about crashes, not rate limits.
  const lx = await startLocalExchange({ mode: 'manual', startingBalance: 100_000, warmupBars: 50, seed: o.seed ?? 1, faults: { rateLimit: { weightPerMinute: 1_000_000 } } });
  const stateDir = mkdtempSync(join(tmpdir(), 'parity-crash-'));
  const config = join(stateDir, '..', `parity-crash-${process.pid}-${Date.now()}.json`);
  writeFileSync(config, JSON.stringify({ persistence: { snapshotEveryMs: 300 }, reconciliation: { inFlightMs: 500, openOrdersMs: 1000, fullMs: 2000 } }));
  const byMode: Record<KillMode, number> = { random: 0, 'after-submit-sent': 0, 'before-journal-flush': 0, 'mid-snapshot': 0 };
  const failures: string[] = [];
  let kills = 0;
  let checks = 0;
  let fromSnapshot = 0;
  const modes: KillMode[] = ['random', 'after-submit-sent', 'before-journal-flush', 'mid-snapshot'];
  try {
    while (kills < o.kills) {
      const mode = modes[Math.floor(rnd() * modes.length)] as KillMode;
      const crashAt = mode === 'random' ? undefined : `${mode}:${1 + Math.floor(rnd() * (mode === 'before-journal-flush' ? 8 : 3))}`;
      if (existsSync(join(stateDir, 'snapshot.json'))) fromSnapshot++;
      const child = startChild(lx, stateDir, config, crashAt);
      let rec: Record<string, unknown>;
      try {
        rec = await waitFor(child, 'reconciled', 20_000);
      } catch (err) {
        if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
        await child.exited;
        // A crash point can fire during startup itself (a snapshot or journal write): that is a kill too.
        if (crashAt !== undefined && child.proc.signalCode === 'SIGKILL') {
          kills++;
          byMode[mode]++;
          continue;
        }
        failures.push(`restart ${kills}: ${(err as Error).message}`);
        break;
      }
      checks++;
      for (const p of check(lx, rec)) failures.push(`after kill ${kills}: ${p}`);
      if (failures.length > 0) {
        child.proc.kill('SIGKILL');
        await child.exited;
        break;
      }
      await waitFor(child, 'started', 10_000);
      // Trade, then die: at a random moment, or at the crash point when the session reaches it.
      const bars = 1 + Math.floor(rnd() * 3);
      for (let i = 0; i < bars + (mode === 'random' ? 0 : 8) && child.proc.exitCode === null; i++) {
        lx.advance(BAR);
        await sleep(60 + rnd() * 80);
        if (mode === 'mid-snapshot') await sleep(400);
      }
      if (child.proc.exitCode === null) {
        if (mode === 'random') await sleep(rnd() * 150);
        child.proc.kill('SIGKILL');
      }
      await child.exited;
      kills++;
      byMode[mode]++;
      o.log?.(`kill ${kills} (${mode}${crashAt === undefined ? '' : ` ${crashAt}`}): ok`);
    }
    // One last start: it must reconcile to the exchange too.
    if (failures.length === 0) {
      const child = startChild(lx, stateDir, config, undefined);
      try {
        const rec = await waitFor(child, 'reconciled', 20_000);
        checks++;
        for (const p of check(lx, rec)) failures.push(`final: ${p}`);
      } finally {
        child.proc.kill('SIGTERM');
        const code = await Promise.race([child.exited, sleep(10_000).then(() => 'timeout' as const)]);
        if (code !== 0) {
          failures.push(`final: SIGTERM did not stop the session cleanly (${String(code)})`);
          child.proc.kill('SIGKILL');
        }
      }
    }
    const st = lx.state();
    return { kills, byMode, checks, fromSnapshot, failures, orders: st.orders.length, trades: st.trades.length, seconds: Math.round((Date.now() - t0) / 1000) };
  } finally {
    await lx.close();
  }
}
