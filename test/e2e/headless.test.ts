/**
 * Headless: the real binary with --no-ui against the local exchange, driven only by `parity ctl`
 * over the control socket; JSON-lines logs on stdout; SIGTERM stops it cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalExchange } from '../../src/local-exchange/index.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BIN, parityAsync, ROOT, type RunResult } from '../kit/cli.ts';
import { auditTrail, BAR, drillExchange, sleep, subscribed, until, venueOpenOrders, venueOrder, venuePosition } from '../kit/drill.ts';
import { barsWithNoOrder, MANUAL_ORDER, pauseOnUnknownOrderConfig, pauseWhileResting, placeManualOrder, QUIET_THEN_FALL, tradesAgain, type DrillSession } from '../kit/drills.ts';
import { receiver } from '../kit/notify-receiver.ts';

let lx: LocalExchange;

beforeAll(async () => {
  ({ lx } = await drillExchange());
});
afterAll(async () => lx.close());
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

interface Headless {
  readonly child: ChildProcess;
  /** The JSON lines it printed so far. */
  readonly logs: Record<string, unknown>[];
  readonly notJson: string[];
  readonly exited: Promise<number | null>;
}

function runHeadless(stateDir: string, opts: { env?: NodeJS.ProcessEnv; ex?: LocalExchange; strategy?: string; config?: string } = {}): Headless {
  const args = [
    'run',
    '--no-ui',
    '--mode',
    'live',
    '--exchange',
    'local',
    '--exchange-url',
    (opts.ex ?? lx).url,
    '--symbol',
    'XRPUSDT',
    '--timeframe',
    '5m',
    '--strategy',
    `test/kit/strategies/${opts.strategy ?? 'holder'}.ts`,
    '--warmup',
    '0',
    '--feed',
    'bars',
    '--leverage',
    '5',
    '--state-dir',
    stateDir,
  ];
  if (opts.config !== undefined) args.push('--config', opts.config);
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  const logs: Record<string, unknown>[] = [];
  const notJson: string[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (l) => {
    try {
      logs.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      notJson.push(l);
    }
  });
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  cleanup.push(() => void (child.exitCode === null && child.kill('SIGKILL')));
  return { child, logs, notJson, exited };
}

/** `parity ctl <args>` against the session in `stateDir`. */
const ctl = (stateDir: string, ...args: string[]): Promise<RunResult> => parityAsync(['ctl', ...args, '--state-dir', stateDir]);

/** A drill's own exchange (closed after the test) and a headless session on it, listening. */
async function drill(strategy: string, opts: { warmupBars?: number; config?: string } = {}) {
  const { lx: ex, events } = await drillExchange(opts.warmupBars === undefined ? {} : { warmupBars: opts.warmupBars });
  cleanup.push(() => ex.close());
  const stateDir = mkdtempSync(join(tmpdir(), 'parity-drill-'));
  const s = runHeadless(stateDir, { ex, strategy, ...(opts.config === undefined ? {} : { config: opts.config }) });
  await until(() => s.logs.some((r) => r['kind'] === 'control'), 'the control socket');
  await subscribed(ex);
  const session: DrillSession = { logs: () => s.logs };
  return { ex, events, stateDir, s, session };
}

/** SIGTERM, and a clean exit. */
async function stop(s: Headless): Promise<void> {
  s.child.kill('SIGTERM');
  expect(await s.exited).toBe(0);
}

describe('parity run --no-ui, driven by parity ctl', () => {
  it('status, pause, flatten, halt over the socket; JSON logs; a clean SIGTERM', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'parity-headless-'));
    const { child, logs, notJson, exited } = runHeadless(stateDir);
    try {
      await until(() => logs.some((r) => r['kind'] === 'control'), 'the control socket');
      const sock = join(stateDir, 'parity.sock');
      expect(statSync(sock).mode & 0o777).toBe(0o600);
      for (let i = 0; i < 2; i++) {
        lx.advance(BAR);
        await sleep(200);
      }
      await until(() => venuePosition(lx) === 100, 'the holder position');

      const status = await parityAsync(['ctl', 'status', '--state-dir', stateDir]);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/state: RUNNING/);
      expect(status.stdout).toMatch(/XRPUSDT \+100/);
      const json = await parityAsync(['ctl', 'status', '--json', '--state-dir', stateDir]);
      expect((JSON.parse(json.stdout) as { status: { orders: unknown[] } }).status.orders).toHaveLength(1);

      const pause = await parityAsync(['ctl', 'pause', '--state-dir', stateDir]);
      expect(pause.stdout).toMatch(/paused/);
      expect((await parityAsync(['ctl', 'status', '--state-dir', stateDir])).stdout).toMatch(/state: PAUSED/);

      const flatten = await parityAsync(['ctl', 'flatten', '--reason', 'risk off', '--state-dir', stateDir]);
      expect(flatten.code).toBe(0);
      await until(() => venuePosition(lx) === 0 && venueOpenOrders(lx) === 0, 'the exchange to be flat');
      await until(() => logs.some((r) => r['kind'] === 'flatten'), 'the flatten result');
      expect(logs.find((r) => r['kind'] === 'flatten')).toMatchObject({ result: 'flat' });

      const halt = await parityAsync(['ctl', 'halt', '--reason', 'done for today', '--state-dir', stateDir]);
      expect(halt.stdout).toMatch(/halted/);
      expect(auditTrail(logs)).toEqual(['pause/ctl/operator pause via ctl', 'flatten/ctl/risk off', 'halt/ctl/done for today']);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(logs.at(-1)).toMatchObject({ kind: 'stopped', reason: 'received SIGTERM' });
      expect(notJson).toEqual([]);
      // Every record has a level journald can use and a short message; each order is acknowledged once in the log.
      expect(logs.filter((r) => !['debug', 'info', 'notice', 'warn', 'error'].includes(r['level'] as string) || typeof r['msg'] !== 'string' || r['msg'] === '')).toEqual([]);
      const acks = logs.filter((r) => r['type'] === 'OrderAccepted').map((r) => r['clientOrderId']);
      expect(acks.length).toBeGreaterThan(0);
      expect(new Set(acks).size).toBe(acks.length);
      expect(logs.find((r) => r['type'] === 'OperatorAction')).toMatchObject({ level: 'notice' });
      expect(existsSync(sock)).toBe(false);
      expect(existsSync(join(stateDir, 'parity.lock'))).toBe(false);
      const after = await parityAsync(['ctl', 'status', '--state-dir', stateDir]);
      expect(after.code).toBe(1);
      expect(after.stderr).toMatch(/^parity: no Parity is running with state directory/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);

  it('keeps running when whatever reads its logs goes away (a closed pipe), and still stops cleanly', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'parity-epipe-'));
    const { child, logs, exited } = runHeadless(stateDir);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await until(() => logs.some((r) => r['kind'] === 'control'), 'the control socket');
    child.stdout?.destroy(); // the reader is gone: every later log line meets EPIPE
    lx.advance(BAR);
    await sleep(300);
    const status = await parityAsync(['ctl', 'status', '--state-dir', stateDir]);
    expect(status.stdout).toMatch(/state: RUNNING/);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  }, 60_000);

  it('under systemd: READY after reconciling, watchdog pings, STOPPING at SIGTERM; a crash-recovery alert after a kill -9', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'parity-systemd-'));
    const first = runHeadless(stateDir);
    await until(() => first.logs.some((r) => r['kind'] === 'control'), 'the first run');
    first.child.kill('SIGKILL');
    await first.exited;

    const alerts: Record<string, unknown>[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        alerts.push(JSON.parse(body) as Record<string, unknown>);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => void hook.close());
    const notify = await receiver(cleanup);
    const second = runHeadless(stateDir, { env: { NOTIFY_SOCKET: notify.path, WATCHDOG_USEC: '400000', PARITY_ALERT_WEBHOOK: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook` } });
    await notify.waitFor((d) => d.some((x) => x.includes('READY=1')), 20_000);
    // Ready only once reconciled with the venue.
    expect(second.logs.some((r) => r['kind'] === 'reconciled')).toBe(true);
    await notify.waitFor((d) => d.filter((x) => x.includes('WATCHDOG=1')).length >= 2);
    await until(() => alerts.length > 0, 'the crash-recovery alert');
    expect(alerts[0]).toMatchObject({ kind: 'crash-recovery', severity: 'warn', message: expect.stringMatching(/did not stop cleanly/) });
    expect(second.logs.find((r) => r['kind'] === 'control')).toMatchObject({ systemd: true, alerts: true });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    await notify.waitFor((d) => d.some((x) => x.includes('STOPPING=1')));
    // A clean stop is not a crash: the next start says nothing about recovery.
    const third = runHeadless(stateDir);
    await until(() => third.logs.some((r) => r['kind'] === 'control'), 'the third run');
    expect(third.logs.some((r) => r['kind'] === 'recovery' && r['crash'] === true)).toBe(false);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  }, 90_000);
});

describe('operator drills, headless (parity ctl), checked at the exchange', () => {
  it('pause while a resting entry rests (ctl pause): the entry is canceled at the exchange, and a market falling through every level it had fills nothing', async () => {
    const { ex, events, stateDir, s, session } = await drill('stalker', { warmupBars: QUIET_THEN_FALL });
    await pauseWhileResting(ex, events, session, async () => {
      const r = await ctl(stateDir, 'pause');
      expect(r).toMatchObject({ code: 0, stdout: expect.stringMatching(/^paused/) });
    });
    expect((await ctl(stateDir, 'status')).stdout).toMatch(/state: PAUSED \(operator pause via ctl\)/);
    expect(auditTrail(s.logs)).toEqual(['pause/ctl/operator pause via ctl']);
    await stop(s);
  }, 60_000);

  it('halt, then resume without --confirm exits 1 and changes nothing (no order reaches the exchange); with --confirm it resumes and the strategy trades again', async () => {
    const { ex, stateDir, s, session } = await drill('stalker');
    await tradesAgain(ex, session);
    expect((await ctl(stateDir, 'halt', '--reason', 'end of day')).code).toBe(0);
    await until(() => venueOpenOrders(ex) === 0, 'the halt to cancel every order at the exchange');
    const refused = await ctl(stateDir, 'resume', '--reason', 'back to work');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not resumed: trading is HALTED \(set by the operator: operator halt: end of day\).*--confirm.*Nothing was changed/);
    expect((await ctl(stateDir, 'status')).stdout).toMatch(/state: HALTED/);
    await barsWithNoOrder(ex, session, 3);
    const resumed = await ctl(stateDir, 'resume', '--reason', 'checked the venue', '--confirm');
    expect(resumed).toMatchObject({ code: 0, stdout: expect.stringMatching(/^resumed: trading/) });
    expect((await ctl(stateDir, 'status')).stdout).toMatch(/state: RUNNING/);
    await tradesAgain(ex, session);
    expect(auditTrail(s.logs)).toEqual(['halt/ctl/end of day', 'resume/ctl/back to work', 'resume/ctl/back to work (refused)', 'resume/ctl/checked the venue']);
    await stop(s);
  }, 60_000);

  it('a diff that pauses (unknownOrder "pause" from --config): ctl reconcile finds an order placed by hand, ctl status lists it with its id; resolve --flatten cancels it and closes the position at the exchange, audited', async () => {
    const { ex, stateDir, s } = await drill('holder', { config: pauseOnUnknownOrderConfig() });
    ex.advance(BAR);
    await until(() => venuePosition(ex) === 100 && venueOpenOrders(ex) === 1, 'the holder position and its resting order');
    await placeManualOrder(ex);
    const rec = await ctl(stateDir, 'reconcile');
    expect(rec.stderr).toMatch(/reconciled: 1 difference, trading paused/);
    const status = (await ctl(stateDir, 'status')).stdout;
    expect(status).toMatch(new RegExp(`state: PAUSED \\(set by the engine: paused by reconciliation: an outside order ${MANUAL_ORDER}`));
    const json = JSON.parse((await ctl(stateDir, 'status', '--json')).stdout) as { status: { diffs: { id: string; kind: string; choices: string[] }[] } };
    const waiting = json.status.diffs.filter((d) => d.choices.length > 0);
    expect(waiting).toMatchObject([{ kind: 'order_unknown', choices: ['adopt', 'flatten'] }]);
    const id = (waiting[0] as { id: string }).id;
    expect(status).toMatch(/waiting for your choice \(1\)/);
    expect(status).toContain(`  ${id} critical order_unknown XRPUSDT: an outside order ${MANUAL_ORDER}`);
    expect(status).toContain(`parity ctl resolve ${id} --flatten --reason "<why>" --state-dir ${stateDir}`);

    const r = await ctl(stateDir, 'resolve', id, '--flatten', '--reason', 'not ours');
    expect(r).toMatchObject({ code: 0, stdout: expect.stringMatching(/trading stays PAUSED until you resume/) });
    await until(() => venueOrder(ex, MANUAL_ORDER)?.status === 'CANCELED' && venuePosition(ex) === 0, 'the manual order canceled and the position closed at the exchange');
    await until(() => s.logs.some((l) => l['kind'] === 'flatten'), 'the flatten result');
    expect(s.logs.find((l) => l['kind'] === 'flatten')).toMatchObject({ result: 'flat' });
    expect(venueOpenOrders(ex)).toBe(0);
    expect(
      ex
        .state()
        .trades.filter((t) => t.side === 'SELL')
        .map((t) => t.qty),
    ).toEqual(['100.0']);
    const after = JSON.parse((await ctl(stateDir, 'status', '--json')).stdout) as { status: { status: { state: string }; diffs: { id: string; choices: string[]; resolution: string }[] } };
    expect(after.status.status.state).toBe('PAUSED');
    expect(after.status.diffs.find((d) => d.id === id)).toMatchObject({ choices: [], resolution: 'flattened by the operator: not ours' });
    expect(s.logs.filter((l) => l['type'] === 'OperatorAction')).toMatchObject([
      { action: 'reconcile', source: 'ctl' },
      { action: 'resolve', source: 'ctl', reason: 'not ours' },
    ]);
    await stop(s);
  }, 60_000);
});
