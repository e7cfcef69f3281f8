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
import { startLocalExchange, type LocalExchange } from '../../src/local-exchange/index.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BIN, parityAsync, ROOT } from '../kit/cli.ts';
import { receiver } from '../kit/notify-receiver.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let lx: LocalExchange;

beforeAll(async () => {
  lx = await startLocalExchange({ mode: 'manual', startingBalance: 100_000, warmupBars: 50 });
});
afterAll(async () => lx.close());
const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

function runHeadless(stateDir: string, env: NodeJS.ProcessEnv = {}): { child: ChildProcess; logs: Record<string, unknown>[]; notJson: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, 'run', '--no-ui', '--mode', 'live', '--exchange', 'local', '--exchange-url', lx.url, '--symbol', 'XRPUSDT', '--timeframe', '5m', '--strategy', 'test/kit/strategies/holder.ts', '--warmup', '0', '--feed', 'bars', '--leverage', '5', '--state-dir', stateDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const logs: Record<string, unknown>[] = [];
  const notJson: string[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (l) => {
    try {
      logs.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      notJson.push(l);
    }
  });
  cleanup.push(() => void (child.exitCode === null && child.kill('SIGKILL')));
  return { child, logs, notJson, exited: new Promise((r) => child.on('close', (code) => r(code))) };
}

const venuePosition = (): number => Number(lx.state().positions.find((p) => p.symbol === 'XRPUSDT')?.qty ?? 0);
const venueOpenOrders = (): number => lx.state().orders.filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED').length;

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
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
        lx.advance(300_000);
        await sleep(200);
      }
      await until(() => venuePosition() === 100, 'the holder position');

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
      await until(() => venuePosition() === 0 && venueOpenOrders() === 0, 'the exchange to be flat');
      await until(() => logs.some((r) => r['kind'] === 'flatten'), 'the flatten result');
      expect(logs.find((r) => r['kind'] === 'flatten')).toMatchObject({ result: 'flat' });

      const halt = await parityAsync(['ctl', 'halt', '--reason', 'done for today', '--state-dir', stateDir]);
      expect(halt.stdout).toMatch(/halted/);
      expect(logs.filter((r) => r['type'] === 'OperatorAction').map((r) => `${String(r['action'])}/${String(r['source'])}/${String(r['reason'])}`)).toEqual([
        'pause/ctl/operator pause via ctl',
        'flatten/ctl/risk off',
        'halt/ctl/done for today',
      ]);

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
    lx.advance(300_000);
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
    const second = runHeadless(stateDir, { NOTIFY_SOCKET: notify.path, WATCHDOG_USEC: '400000', PARITY_ALERT_WEBHOOK: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook` });
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
