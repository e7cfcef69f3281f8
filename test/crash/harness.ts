/**
 * The crash test harness: a live session (the real binary, `parity run --no-ui`, churn trading
 * BTCUSDT and XRPUSDT on 5m bars) against the local exchange in manual time with faults on
 * (latency, 429s, 5xx, timeouts, dropped sockets, duplicated and early fills), killed with SIGKILL
 * over and over: at a random log line after a bar, right after an order reached the venue, right
 * before a journal write, in the middle of a snapshot write. Every restart must:
 *
 * - come back active: the "reconciled" record's `state` (a halt or a pause has no cause here);
 * - need no adoption: the state rebuilt from snapshot + journal, plus the fills and funding the
 *   venue reports for the downtime, must already equal the venue, so any position_mismatch /
 *   balance_mismatch diff or Position/BalanceAdopted event is a failure (before "reconciled": at
 *   restart; after it: while running, from a stale view);
 * - then equal the exchange (positions, open orders, balance, booked fills: none lost or invented;
 *   an order sent just before the kill that never reached the exchange is in flight for the
 *   session's grace, and must be closed by the end: the final start is checked through
 *   `parity ctl status --json`);
 * - trade again: a new order AND a new fill at the exchange within `tradeWithinBars` bars;
 * - not halt or pause while it runs;
 * - die by SIGKILL (ours or its crash point's): a child that exited on its own is a failure.
 *
 * Orders sent twice: the venue refuses a reused client id (-4116), so doubling can only come as the
 * same decision under a NEW client id. The strategy writes every decision (client id, symbol,
 * decision bar, type) to a ledger outside the engine's state before the engine sees it; per bar
 * and symbol it sends at most one market and one limit order. Two exchange orders whose decisions
 * share (symbol, type, bar), or an exchange order no decision names, are a doubled decision
 * (checks.ts: DuplicateAudit).
 *
 * Restarts are paced to the venue's request-weight minute (venue-drill.ts). The work directory
 * (printed first) keeps the state directory, each session's log, the decision ledger and the
 * exchange's events and final state for the post-mortem.
 */
import { createWriteStream, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, orderIdPrefix, strategyId } from '../../src/engine/index.ts';
import { startLocalExchange, type FaultScript, type LocalExchangeEvent } from '../../src/local-exchange/index.ts';
import { ROOT } from '../kit/cli.ts';
import { ctlStatus, describeExit, liveRunArgs, SessionChild } from '../kit/session-child.ts';
import { crashFaults, paceToWeightWindow } from './venue-drill.ts';
import { adoptions, compareOpenOrders, compareWithExchange, DecisionLedger, DuplicateAudit, stateAtRestart, stateChanges } from './checks.ts';

const CHURN = join(ROOT, 'test/kit/strategies/churn.ts');
/** Both symbols serve 5m bars: XRPUSDT's data is 5m, BTCUSDT's 1m is aggregated. */
const BAR = 5 * 60_000;
/** How long a bar's decisions may take to reach the exchange (or be refused) under faults. */
const REACTION_MS = 4000;
export type KillMode = 'random' | 'after-submit-sent' | 'before-journal-flush' | 'mid-snapshot';
const MODES: readonly KillMode[] = ['random', 'after-submit-sent', 'before-journal-flush', 'mid-snapshot'];

export interface HarnessOptions {
  readonly kills: number;
  readonly seed?: number;
  readonly symbols?: readonly string[];
  /** Default: crashFaults(kills); `{}` for none. */
  readonly faults?: FaultScript;
  /** A restart must place an order and get a fill within this many bars (default 4). */
  readonly tradeWithinBars?: number;
  /** Stop early after this many failures (default: never; every kill's statistics are wanted). */
  readonly maxFailures?: number;
  readonly log?: (s: string) => void;
}

export interface HarnessReport {
  readonly kills: number;
  readonly byMode: Record<KillMode, number>;
  /** Sessions started (every kill's restart, and the final one). */
  readonly restarts: number;
  /** Restarts that found a snapshot to start from (the rest replayed the journal from the beginning). */
  readonly fromSnapshot: number;
  /** Restarts that came back halted or reducing. */
  readonly restartsHalted: number;
  /** Restarts that placed an order and got a fill within the bars allowed ... */
  readonly tradedAgain: number;
  /** ... out of those that lived that long (a crash point may fire first). */
  readonly tradeChecks: number;
  /** Fills and open orders at the exchange a restarted session did not know. */
  readonly lost: number;
  /** Decisions that reached the exchange twice (or orders no decision names). */
  readonly duplicated: number;
  readonly adoptedAtRestart: number;
  readonly adoptedWhileRunning: number;
  /** Children that ended otherwise than by SIGKILL. */
  readonly notKilled: number;
  /** Orders open here but never at the exchange at a restart: sent just before the kill, in flight. */
  readonly inFlightAtRestart: number;
  /** Waited for the venue's request-weight window before a restart. */
  readonly pacedSeconds: number;
  readonly failures: string[];
  readonly orders: number;
  readonly trades: number;
  readonly faults: Record<string, number>;
  readonly seconds: number;
  readonly secondsPerKill: number;
}

export async function runCrashHarness(o: HarnessOptions): Promise<HarnessReport> {
  const t0 = Date.now();
  const seed = o.seed ?? 1;
  const random = createRng(seed);
  const rnd = (): number => random.next();
  const symbols = o.symbols ?? ['BTCUSDT', 'XRPUSDT'];
  const within = o.tradeWithinBars ?? 4;
  const work = mkdtempSync(join(tmpdir(), 'parity-crash-'));
  const stateDir = join(work, 'state');
  const config = join(work, 'config.json');
  writeFileSync(config, JSON.stringify({ persistence: { snapshotEveryMs: 300 }, reconciliation: { inFlightMs: 500, openOrdersMs: 2000, fullMs: 3000 } }));
  const ledger = new DecisionLedger(join(work, 'decisions.jsonl'));
  o.log?.(`state directory, config, decision ledger, each session's log, the exchange's events and final state in ${work}`);
  const audit = new DuplicateAudit(ledger, orderIdPrefix(strategyId('churn')));

  // What the exchange did, as it happens: the waits below wake on it.
  const atExchange = new Set<string>();
  const ex = { orders: 0, fills: 0 };
  let child: SessionChild | undefined;
  const events = createWriteStream(join(work, 'exchange-events.log'));
  const onEvent = (e: LocalExchangeEvent): void => {
    events.write(`${JSON.stringify({ wall: Date.now(), ...e })}\n`);
    if (e.type === 'order' && e.status === 'NEW' && e.origin === 'api') {
      atExchange.add(e.clientOrderId);
      ex.orders++;
    } else if (e.type === 'fill') ex.fills++;
    child?.nudge();
  };
  const lx = await startLocalExchange({ mode: 'manual', startingBalance: 100_000, warmupBars: 50, seed, faults: o.faults ?? crashFaults(o.kills), onEvent });

  const r = {
    kills: 0,
    restarts: 0,
    pacedSeconds: 0,
    inFlightAtRestart: 0,
    fromSnapshot: 0,
    restartsHalted: 0,
    tradedAgain: 0,
    tradeChecks: 0,
    lost: 0,
    duplicated: 0,
    adoptedAtRestart: 0,
    adoptedWhileRunning: 0,
    notKilled: 0,
  };
  const byMode: Record<KillMode, number> = { random: 0, 'after-submit-sent': 0, 'before-journal-flush': 0, 'mid-snapshot': 0 };
  const failures: string[] = [];
  const fail = (where: string, problems: readonly string[]): void => {
    for (const p of problems) failures.push(`${where}: ${p}`);
  };
  const checkDuplicates = (where: string): void => {
    const d = audit.check(lx.state().orders);
    r.duplicated += d.length;
    fail(where, d);
  };

  let reacted: (bar: number) => () => boolean = () => () => true;
  const start = (crashAt: string | undefined): SessionChild => {
    const refused = new Set<string>();
    const c = new SessionChild(
      liveRunArgs({ url: lx.url, symbols, timeframe: '5m', strategy: CHURN, params: { notional: 2000, ledger: ledger.path }, warmup: 5, feed: 'bars', stateDir, config, leverage: 5 }),
      {
        env: crashAt === undefined ? {} : { PARITY_CRASH_AT: crashAt },
        tee: join(work, `session-${r.restarts + 1}.log`),
        onRecord: (rec) => {
          if (rec['kind'] === 'event' && (rec['type'] === 'OrderDenied' || rec['type'] === 'OrderRejected')) refused.add(String(rec['clientOrderId']));
        },
      },
    );
    // A bar is handled once every symbol has decided on it and each decision reached the exchange or was refused.
    reacted = (bar) => () => {
      ledger.poll();
      const ds = ledger.forBar(bar);
      return symbols.every((s) => ds.some((d) => d.symbol === s)) && ds.every((d) => atExchange.has(d.id) || refused.has(d.id));
    };
    child = c;
    return c;
  };
  /** What the current life took, for the log line. */
  const pace = { startMs: 0, bars: 0, slowBars: 0, weight: 0 };
  /** One more bar of market; resolves once the session has handled it (or it died, or REACTION_MS). */
  const bar = async (c: SessionChild): Promise<void> => {
    lx.advance(BAR);
    pace.bars++;
    if (!(await c.until(reacted(lx.serverTime() - BAR), REACTION_MS)) && c.exit === undefined) pace.slowBars++;
  };

  /**
   * One session's life up to its death: the checks at restart, trading again, the kill. Returns
   * false when it did not start (not a kill: the next one starts again).
   */
  const life = async (n: string, mode: KillMode | 'final', crashAt: string | undefined): Promise<boolean> => {
    const paced = await paceToWeightWindow(lx.url);
    r.pacedSeconds += paced.waitedMs / 1000;
    pace.weight = paced.used;
    if (existsSync(join(stateDir, 'snapshot.json'))) r.fromSnapshot++;
    const c = start(crashAt);
    r.restarts++;
    const t = Date.now();
    const requestsBefore = lx.state().counters.requests;
    const rec = await c.record('reconciled', 30_000);
    pace.startMs = Date.now() - t;
    if (rec === undefined) {
      const { alive, exit } = await c.kill9();
      // A crash point can fire during start-up itself (a snapshot or journal write): that is a kill too.
      if (!alive && crashAt !== undefined && exit.signal === 'SIGKILL') return true;
      const requests = Object.entries(lx.state().counters.requests).flatMap(([path, k]) => (k > (requestsBefore[path] ?? 0) ? [`${path} ${k - (requestsBefore[path] ?? 0)}`] : []));
      fail(n, [
        alive
          ? `no "reconciled" record within 30 s (requests it made: ${requests.join(', ')}); last record ${JSON.stringify(c.records.at(-1))}`
          : `exited on its own before reconciling (${describeExit(exit)}); stderr: ${c.stderrTail()}`,
      ]);
      return false;
    }
    const at = c.records.indexOf(rec);
    const halted = stateAtRestart(rec);
    if (halted !== undefined) r.restartsHalted++;
    const adopted = adoptions(c.records.slice(0, at));
    r.adoptedAtRestart += adopted.length;
    ledger.poll();
    const cmp = compareWithExchange(lx.state(), rec, symbols, ledger.byId.keys());
    r.lost += cmp.lost;
    r.inFlightAtRestart += cmp.inFlight.length;
    fail(`${n}, at restart`, [...(halted === undefined ? [] : [halted]), ...adopted, ...cmp.problems]);
    checkDuplicates(`${n}, at restart`);

    // Trade: the restart must send an order and get a fill within `within` bars. A bar that closes
    // before the session has subscribed to its klines never reaches it: wait for the subscriptions.
    const topics = symbols.map((s) => `${s.toLowerCase()}@kline_5m`);
    if (!(await c.until(() => c.records.some((x) => x['kind'] === 'control') && topics.every((t) => (lx.state().streams[t] ?? 0) > 0), 10_000, 25)) && c.exit === undefined) {
      fail(n, [`not subscribed to ${topics.join(', ')} within 10 s of reconciling`]);
    }
    const base = { ...ex };
    const traded = (): boolean => ex.orders > base.orders && ex.fills > base.fills;
    const target = 1 + Math.floor(rnd() * 3);
    const limit = mode === 'random' || mode === 'final' ? within : within + 8;
    for (let i = 1; i <= limit && c.exit === undefined; i++) {
      await bar(c);
      if (i >= within && !traded()) break;
      if ((mode === 'random' || mode === 'final') && i >= target && traded()) break;
    }
    if (traded()) {
      r.tradeChecks++;
      r.tradedAgain++;
    } else if (c.exit === undefined) {
      r.tradeChecks++;
      fail(n, [
        `never traded again: ${ex.orders - base.orders} order(s) and ${ex.fills - base.fills} fill(s) at the exchange in ${within} bars (state at restart ${String(rec['state'])}: ${String(rec['reason'])})`,
      ]);
    }
    const running = c.records.slice(at);
    const late = adoptions(running);
    r.adoptedWhileRunning += late.length;
    const changes = stateChanges(running);
    fail(`${n}, while running`, [...changes, ...late]);
    if (changes.length > 0 && c.exit === undefined) {
      // A halted session lives on until someone restarts it: let the state reach a snapshot, as it
      // would, so the restart shows whether it comes back halted.
      const snap = join(stateDir, 'snapshot.json');
      const before = existsSync(snap) ? statSync(snap).mtimeMs : 0;
      await c.until(() => existsSync(snap) && statSync(snap).mtimeMs !== before, 3000, 25);
    }

    if (mode === 'final') {
      // Settled: the session's open orders (orders in flight at restart included: the grace is over) are the exchange's.
      let open = compareOpenOrders(lx.state(), []);
      for (let i = 0; i < 8; i++) {
        const status = await ctlStatus(stateDir);
        open = compareOpenOrders(lx.state(), status.ok ? status.status.orders.map((x) => x.id) : []);
        if (status.ok && open.problems.length + open.inFlight.length === 0) break;
      }
      fail(n, [...open.problems, ...(open.inFlight.length > 0 ? [`orders ${JSON.stringify(open.inFlight)} still open here, never at the exchange, after the in-flight grace`] : [])]);
      const exit = await c.terminate(15_000);
      if (exit?.code !== 0) fail(n, [`SIGTERM did not stop the session cleanly (${exit === undefined ? 'still running after 15 s' : describeExit(exit)}); stderr: ${c.stderrTail()}`]);
      return true;
    }
    if (mode === 'random' && c.exit === undefined) {
      // The kill lands at a random log line after one more bar: mid-submit, mid-fill, mid-snapshot.
      lx.advance(BAR);
      const lines = c.records.length + Math.floor(rnd() * 25);
      await c.until(() => c.records.length >= lines, 1500);
    }
    const { alive, exit } = await c.kill9();
    const selfKilled = !alive && crashAt !== undefined && exit.signal === 'SIGKILL';
    if (!alive && !selfKilled) {
      r.notKilled++;
      fail(n, [`the session was not killed: it ended on its own (${describeExit(exit)}); stderr: ${c.stderrTail()}`]);
    }
    return true;
  };

  try {
    const maxFailures = o.maxFailures ?? Infinity;
    let unstarted = 0;
    while (r.kills < o.kills && failures.length < maxFailures && unstarted < 5) {
      const mode = MODES[Math.floor(rnd() * MODES.length)] as KillMode;
      const crashAt = mode === 'random' ? undefined : `${mode}:${1 + Math.floor(rnd() * (mode === 'before-journal-flush' ? 8 : 3))}`;
      const n = `kill ${r.kills + 1} (${mode}${crashAt === undefined ? '' : ` ${crashAt}`})`;
      const before = failures.length;
      const t = Date.now();
      Object.assign(pace, { startMs: 0, bars: 0, slowBars: 0, weight: 0 });
      const killed = await life(n, mode, crashAt);
      unstarted = killed ? 0 : unstarted + 1;
      if (unstarted === 5) failures.push(`${n}: five starts in a row did not come up; stopping`);
      if (killed) {
        r.kills++;
        byMode[mode]++;
      }
      const took = `${((Date.now() - t) / 1000).toFixed(1)} s: start ${(pace.startMs / 1000).toFixed(1)} s, ${pace.bars} bars (${pace.slowBars} not handled in ${REACTION_MS / 1000} s), weight used this minute before ${pace.weight}`;
      o.log?.(`${n}, ${took}: ${failures.length === before ? 'ok' : failures.slice(before).join('; ')}`);
    }
    // One last start: it must reconcile to the exchange and trade too, then stop cleanly.
    if (failures.length < maxFailures && unstarted < 5) await life('final start', 'final', undefined);
    checkDuplicates('at the end');
    const st = lx.state();
    writeFileSync(join(work, 'exchange-state.json'), JSON.stringify(st));
    const seconds = Math.round((Date.now() - t0) / 1000);
    return { ...r, byMode, failures, orders: st.orders.length, trades: st.trades.length, faults: st.counters.faults, seconds, secondsPerKill: Math.round((seconds / Math.max(1, r.kills)) * 10) / 10 };
  } finally {
    if (child?.exit === undefined) await child?.kill9();
    await lx.close();
    events.end();
  }
}
