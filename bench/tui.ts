/**
 * The workstation TUI under load (`npm run bench -- tui`): a live session against the local
 * exchange (its own process) replaying the real Binance USD-M BTCUSDT recording at ~2,000 trades/s,
 * traded by bench/strategies/tui-load.ts, with and without the real Ink app mounted on a fake
 * terminal whose bytes really go to /dev/null (the write syscalls count).
 *
 * At 2,000 trades/s the 346 s recording lasts ~11 s, so the run is cut into segments, each with a
 * fresh exchange and session replaying the same stretch of the recording (the same load, bursts
 * included): two interleaved rounds of baseline (no screen), screen at 120x40 and screen at 80x24,
 * then flatten repetitions at 120x40. Each window starts 1.5 s into the replay (start-up and the
 * first second are not measured) and ends just before the recording runs out.
 *
 * Event-loop delay is Node's histogram (resolution 1 ms). A stall of any length is one sample in
 * it, so its p99 flips between "a market-data burst" and "a frame" depending on how many frames
 * fall in the window; the share of wall time spent in stalls >= 20 ms (what a randomly timed event
 * risks) is the steadier figure, derived from the same histogram.
 *
 * Flatten: the keys are typed into the fake stdin ('f', 'y', a reason); Enter is posted by a
 * worker thread at a moment the main thread does not choose (as a real key arrives), so "from
 * arrival" includes waiting for a busy event loop; "from write" starts when the bytes go in.
 * Dispatched = the kernel has processed the operator's CancelAllOrders and SubmitOrder; "sent"
 * is the close order handed to the venue (OrderSubmitted).
 */
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { nodeScheduler } from '../src/cli/node-scheduler.ts';
import { fileLog } from '../src/cli/run/logs.ts';
import { startSession, type Session } from '../src/cli/run/session.ts';
import { buildRunSpec } from '../src/cli/run/spec.ts';
import type { Workstation } from '../src/workstation/model.ts';
import { OPERATOR } from '../src/workstation/operator.ts';
import { L2_RECORDED, quantile, startReplayExchange } from './kit.ts';
import { epoch, FakeKeyboard, FakeTty, maxOf, openWindow, round, STALL_MS, type Counters, type Figures } from './tui-kit.ts';

const STRATEGY = fileURLToPath(new URL('./strategies/tui-load.ts', import.meta.url));
const RECORDED_S = L2_RECORDED.seconds;
const RECORDED_TRADES = L2_RECORDED.trades;
const WINDOW_FROM_S = 1.5;
const LAG_P99_TARGET_MS = 20;
const FLATTEN_TARGET_MS = 50;

type Ui = typeof import('../src/ui/index.ts');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** One flatten from the keyboard: epoch ms of each step, and how it ended. */
interface Rep {
  arrive: number;
  write: number;
  send?: number;
  cancel?: number;
  submit?: number;
  sent?: number;
  fill?: number;
  verified?: number;
  result?: string;
  attempts?: number;
  readonly ids: Set<string>;
  /** Close orders canceled before they were sent. */
  canceledUnsent: number;
}

interface Plan {
  readonly name: string;
  readonly tty?: { readonly columns: number; readonly rows: number };
  readonly flatten?: boolean;
}

interface Outcome {
  readonly figures: Figures;
  readonly reps: Rep[];
}

async function runSegment(plan: Plan, speed: number, ui: Ui, devNull: number, keyWorker: Worker): Promise<Outcome> {
  const { child, url, t0 } = await startReplayExchange(speed);
  const replayEndMs = (RECORDED_S / speed) * 1000;
  const dir = mkdtempSync(join(tmpdir(), 'parity-bench-tui-'));
  const log = fileLog(dir);
  let session: Session | undefined;
  let screen: ReturnType<Ui['renderWorkstation']> | undefined;
  try {
    const spec = buildRunSpec(
      { mode: 'live', exchange: 'local', exchangeUrl: url, symbol: ['BTCUSDT'], strategy: STRATEGY, timeframe: '1m', warmup: 0, feed: 'trades', leverage: 20, stateDir: dir },
      {},
    );
    // An empty environment: the local exchange takes its demo keys, never the operator's real ones.
    const s = await startSession(spec, { log: log.write }, { scheduler: nodeScheduler, env: {} });
    session = s;
    const c: Counters = { trades: 0, orders: 0, frames: 0, bytes: 0, recording: false, frameLatency: [] };
    let rep: Rep | undefined;
    s.tap.onData((d) => void (d.type === 'trade' && c.trades++));
    s.tap.onMessage((m) => {
      if (m.type === 'SubmitOrder') c.orders++;
      if (rep === undefined) return;
      if (m.type === 'CancelAllOrders' && m.strategyId === undefined) rep.cancel ??= epoch();
      if (m.type === 'SubmitOrder' && m.strategyId === OPERATOR) {
        rep.submit ??= epoch();
        rep.ids.add(m.clientOrderId);
      }
      // By prefix: a close order can be canceled before its SubmitOrder is processed.
      if (m.type === 'OrderCanceled' && m.clientOrderId.startsWith(`P-${OPERATOR}-`) && rep.sent === undefined) rep.canceledUnsent++;
      if (!('clientOrderId' in m) || !rep.ids.has(m.clientOrderId)) return;
      if (m.type === 'OrderSubmitted') rep.sent ??= epoch();
      if (m.type === 'OrderFilled') rep.fill ??= epoch();
    });
    s.tap.onLog((r) => {
      if (rep === undefined || r['kind'] !== 'flatten' || rep.verified !== undefined) return;
      rep.verified = epoch();
      rep.result = String(r['result']);
      rep.attempts = Number(r['attempts']);
    });
    const inner = s.workstation;
    let snapAt: number | undefined;
    const ws: Workstation = {
      snapshot: () => {
        snapAt = performance.now();
        return inner.snapshot();
      },
      subscribe: (l) => inner.subscribe(l),
      send: (cmd) => {
        if (rep !== undefined && cmd.type === 'flatten') rep.send ??= epoch();
        return inner.send(cmd);
      },
    };
    const keyboard = new FakeKeyboard();
    if (plan.tty !== undefined) {
      const tty = new FakeTty(plan.tty.columns, plan.tty.rows, devNull, (n) => {
        c.bytes += n;
        if (n < 64) return; // synchronized-update markers and cursor moves, not frames
        c.frames++;
        if (snapAt !== undefined && c.recording) c.frameLatency.push(performance.now() - snapAt);
        snapAt = undefined;
      });
      screen = ui.renderWorkstation(ws, { stdout: tty as unknown as NodeJS.WriteStream, stdin: keyboard as unknown as NodeJS.ReadStream, noColor: false });
    }
    await sleep(t0 + WINDOW_FROM_S * 1000 - performance.now());
    const close = openWindow(c, child);
    const reps: Rep[] = [];
    if (plan.flatten === true) {
      // Leave time for the last one's close to fill and be verified before the recording ends.
      while (performance.now() < t0 + replayEndMs - 2500) {
        const done = await flattenOnce(s, keyboard, keyWorker, reps.length, (r) => (rep = r));
        rep = undefined;
        if (done === undefined) break;
        reps.push(done);
        await inner.send({ type: 'resume', reason: 'bench: next repetition' });
      }
    } else {
      await sleep(t0 + replayEndMs - 300 - performance.now());
    }
    return { figures: close(), reps };
  } finally {
    screen?.unmount();
    await session?.stop('benchmark done');
    await log.close();
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One flatten from the keyboard with a position open; undefined when no position came. */
async function flattenOnce(s: Session, keyboard: FakeKeyboard, keyWorker: Worker, i: number, track: (r: Rep) => void): Promise<Rep | undefined> {
  const until = performance.now() + 3000;
  while (s.kernel.portfolio.position('BTCUSDT').qty === 0) {
    if (performance.now() > until) return undefined;
    await sleep(10);
  }
  await sleep(300); // the screen shows the position for a few frames
  for (const key of ['f', 'y', ...'bench']) {
    keyboard.press(key);
    await sleep(key === 'f' || key === 'y' ? 60 : 20); // a person's typing, roughly
  }
  const rep: Rep = { arrive: NaN, write: NaN, ids: new Set(), canceledUnsent: 0 };
  track(rep);
  const arrived = new Promise<number>((resolve) =>
    keyWorker.once('message', (t: number) => {
      rep.write = epoch();
      keyboard.press('\r');
      resolve(t);
    }),
  );
  keyWorker.postMessage((i * 37) % 101); // Enter lands at spread-out moments of the render cycle
  rep.arrive = await arrived;
  const deadline = performance.now() + 8000;
  while (rep.verified === undefined && performance.now() < deadline) await sleep(10);
  return rep;
}

function span(reps: readonly Rep[], from: (r: Rep) => number, to: (r: Rep) => number | undefined): { median: number; max: number } {
  const xs = reps.map((r) => (to(r) ?? NaN) - from(r)).filter((x) => !Number.isNaN(x));
  return { median: round(quantile(xs, 0.5)), max: round(maxOf(xs)) };
}

export async function benchTui(targetPerSec = 2000, rounds = 2): Promise<Record<string, number | string>> {
  const speed = Math.round(targetPerSec / (RECORDED_TRADES / RECORDED_S));
  // Read once, when chalk loads: without a color terminal chalk drops the styling a real terminal
  // receives (loadUi hides CI from Ink itself). Restored at once.
  // React picks its build when first loaded: the production one, as bin/parity.js sets (override with NODE_ENV=development to compare).
  process.env['NODE_ENV'] ??= 'production';
  const reactBuild = process.env['NODE_ENV'] === 'production' ? 'production (as bin/parity.js runs)' : `development (NODE_ENV ${process.env['NODE_ENV']})`;
  const forceColor = process.env['FORCE_COLOR'];
  process.env['FORCE_COLOR'] ??= '1';
  const ui: Ui = await (await import('../src/ui/load.ts')).loadUi();
  const { DEFAULT_FPS } = await import('../src/ui/use-throttled-snapshot.ts');
  if (forceColor === undefined) delete process.env['FORCE_COLOR'];
  const devNull = openSync('/dev/null', 'w');
  const keyWorker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     parentPort.on('message', (ms) => setTimeout(() => parentPort.postMessage(performance.timeOrigin + performance.now()), ms));`,
    { eval: true, execArgv: [] },
  );
  const configs: Plan[] = [{ name: 'baseline' }, { name: 'TUI 120x40', tty: { columns: 120, rows: 40 } }, { name: 'TUI 80x24', tty: { columns: 80, rows: 24 } }];
  const plans: Plan[] = [];
  for (let r = 1; r <= rounds; r++) plans.push(...configs.map((p) => ({ ...p, name: `${p.name} #${r}` })));
  plans.push({ name: 'flatten @120x40', tty: { columns: 120, rows: 40 }, flatten: true });
  const out = new Map<string, Outcome>();
  try {
    for (const p of plans) out.set(p.name, await runSegment(p, speed, ui, devNull, keyWorker));
  } finally {
    await keyWorker.terminate();
    closeSync(devNull);
  }
  const fig = (name: string, key: string): number => out.get(name)?.figures[key] ?? NaN;
  const table: Record<string, Record<string, number>> = {};
  for (const key of Object.keys(out.get(plans[1]?.name ?? '')?.figures ?? {})) table[key] = Object.fromEntries(plans.map((p) => [p.name, fig(p.name, key)]));
  console.log(`\nper segment (each replays the same stretch of the recording at ${speed}x; screen at ${DEFAULT_FPS} fps, the app's default; React ${reactBuild}):`);
  console.table(table);

  const roundNos = Array.from({ length: rounds }, (_, i) => i + 1);
  const each = (f: (r: number) => number): string => roundNos.map((r) => round(f(r))).join(' / ');
  const keys = { lag: 'event-loop delay p99 (ms)', cpu: 'CPU (% of one core)', stall: `wall time in stalls >= ${STALL_MS} ms (%)` };
  const result: Record<string, number | string> = {
    'replay speed': `${speed}x (the recording lasts ${round(RECORDED_S / speed, 1)} s)`,
    'screen fps (app default)': DEFAULT_FPS,
    'React build': reactBuild,
    'trade events/s (baseline, each round)': each((r) => fig(`baseline #${r}`, 'trade events/s')),
  };
  const worstLag: Record<string, number> = {};
  for (const c of configs) {
    for (const key of Object.values(keys)) result[`${c.name}: ${key}, round ${roundNos.join(' / ')}`] = each((r) => fig(`${c.name} #${r}`, key));
    worstLag[c.name] = Math.max(...roundNos.map((r) => fig(`${c.name} #${r}`, keys.lag)));
    if (c.tty === undefined) continue;
    result[`${c.name} / baseline (same round): lag p99`] = each((r) => fig(`${c.name} #${r}`, keys.lag) / fig(`baseline #${r}`, keys.lag));
    result[`${c.name} / baseline (same round): CPU`] = each((r) => fig(`${c.name} #${r}`, keys.cpu) / fig(`baseline #${r}`, keys.cpu));
  }
  const reps = out.get('flatten @120x40')?.reps ?? [];
  const dispatched = (r: Rep): number | undefined => (r.cancel === undefined || r.submit === undefined ? undefined : Math.max(r.cancel, r.submit));
  const fromWrite = span(reps, (r) => r.write, dispatched);
  const fromArrive = span(reps, (r) => r.arrive, dispatched);
  const ms = (s: { median: number; max: number }): string => `${s.median} / ${s.max}`;
  const verdict = (ok: boolean, what: string): string => `${ok ? 'met' : 'MISSED'} (${what})`;
  const lag120 = worstLag['TUI 120x40'] ?? NaN;
  const lag80 = worstLag['TUI 80x24'] ?? NaN;
  Object.assign(result, {
    'flatten repetitions': reps.length,
    'flatten ms, median / max: Enter written -> ws.send': ms(
      span(
        reps,
        (r) => r.write,
        (r) => r.send,
      ),
    ),
    'flatten ms, median / max: Enter written -> dispatched': ms(fromWrite),
    'flatten ms, median / max: Enter arrived -> dispatched': ms(fromArrive),
    'flatten ms, median / max: Enter written -> close order sent to the venue': ms(
      span(
        reps,
        (r) => r.write,
        (r) => r.sent,
      ),
    ),
    'flatten ms, median / max: Enter written -> close order first fill': ms(
      span(
        reps,
        (r) => r.write,
        (r) => r.fill,
      ),
    ),
    'flatten ms, median / max: Enter written -> verified flat': ms(
      span(
        reps,
        (r) => r.write,
        (r) => r.verified,
      ),
    ),
    'flatten: close orders canceled before being sent': reps.reduce((n, r) => n + r.canceledUnsent, 0),
    'flatten: outcome (attempts)': reps.map((r) => `${r.result ?? 'none'} (${r.attempts ?? '?'})`).join(', '),
    [`target: lag p99 < ${LAG_P99_TARGET_MS} ms with the screen (worst round)`]: verdict(lag120 < LAG_P99_TARGET_MS && lag80 < LAG_P99_TARGET_MS, `120x40 ${lag120} ms, 80x24 ${lag80} ms`),
    [`target: flatten < ${FLATTEN_TARGET_MS} ms (Enter written -> dispatched, every repetition)`]: verdict(
      reps.length > 0 && fromWrite.max < FLATTEN_TARGET_MS,
      `max ${fromWrite.max} ms; from the key's arrival max ${fromArrive.max} ms`,
    ),
  });
  return result;
}
