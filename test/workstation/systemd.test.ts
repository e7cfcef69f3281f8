/**
 * systemd notifications end to end: a python3 AF_UNIX SOCK_DGRAM receiver stands in for systemd's
 * notify socket, and the real systemd-notify binary sends to it. Also: no NOTIFY_SOCKET is a
 * no-op, and a missing binary or a failing one gives exactly one warning.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/workstation/systemd.ts';
import { receiver as startReceiver, type Receiver } from '../kit/notify-receiver.ts';

const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));
const receiver = (): Promise<Receiver> => startReceiver(cleanup);

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const fields = (d: string): string[] => d.split('\n');

describe('systemd notifier', () => {
  it('sends READY=1 with MAINPID and STATUS, watchdog pings, and STOPPING=1 to the notify socket', async () => {
    const rx = await receiver();
    const warnings: string[] = [];
    const n = createNotifier({ env: { ...process.env, NOTIFY_SOCKET: rx.path, WATCHDOG_USEC: '200000' }, onWarning: (m) => warnings.push(m) });
    expect(n.enabled).toBe(true);
    n.ready('trading BTCUSDT\nsecond line');
    await rx.waitFor((d) => d.some((x) => fields(x).includes('READY=1')));
    const ready = rx.datagrams.find((x) => fields(x).includes('READY=1')) as string;
    expect(fields(ready)).toContain(`MAINPID=${process.pid}`);
    expect(fields(ready)).toContain('STATUS=trading BTCUSDT second line');

    const stop = n.startWatchdog();
    const pings = (): number => rx.datagrams.filter((x) => fields(x).includes('WATCHDOG=1')).length;
    await rx.waitFor(() => pings() >= 3); // one at once, then every 100 ms
    stop();
    await settle(300);
    const after = pings();
    await settle(300);
    expect(pings()).toBe(after);

    n.stopping();
    await rx.waitFor((d) => d.some((x) => fields(x).includes('STOPPING=1')));
    expect(warnings).toEqual([]);
  });

  it('no watchdog when WATCHDOG_USEC is unset or WATCHDOG_PID names another process', async () => {
    const rx = await receiver();
    for (const extra of [{}, { WATCHDOG_USEC: '100000', WATCHDOG_PID: String(process.pid + 1) }]) {
      const n = createNotifier({ env: { ...process.env, NOTIFY_SOCKET: rx.path, ...extra } });
      n.startWatchdog()();
    }
    const n = createNotifier({ env: { ...process.env, NOTIFY_SOCKET: rx.path } });
    n.status('marker');
    await rx.waitFor((d) => d.some((x) => fields(x).includes('STATUS=marker')));
    await settle(200);
    expect(rx.datagrams.some((x) => fields(x).includes('WATCHDOG=1'))).toBe(false);
  });

  it('is a no-op without NOTIFY_SOCKET (nothing spawned, so no warning even for a missing binary)', async () => {
    const warnings: string[] = [];
    const env: NodeJS.ProcessEnv = { ...process.env, WATCHDOG_USEC: '20000' };
    delete env.NOTIFY_SOCKET;
    const n = createNotifier({ env, command: '/nonexistent/systemd-notify', onWarning: (m) => warnings.push(m) });
    expect(n.enabled).toBe(false);
    n.ready('x');
    n.status('y');
    const stop = n.startWatchdog();
    n.stopping();
    await settle(100);
    stop();
    expect(warnings).toEqual([]);
  });

  it('a missing binary: exactly one warning, no throw', async () => {
    const warnings: string[] = [];
    const n = createNotifier({
      env: { NOTIFY_SOCKET: join(tmpdir(), 'parity-no-such-notify.sock'), WATCHDOG_USEC: '20000' },
      command: '/nonexistent/systemd-notify',
      onWarning: (m) => warnings.push(m),
    });
    expect(() => {
      n.ready('starting');
      n.status('still starting');
      n.stopping();
    }).not.toThrow();
    const stop = n.startWatchdog();
    await settle(200);
    stop();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/\/nonexistent\/systemd-notify was not found/);
  });

  it('a failing systemd-notify (no socket there): one warning for many notifications', async () => {
    const warnings: string[] = [];
    const n = createNotifier({ env: { ...process.env, NOTIFY_SOCKET: join(tmpdir(), 'parity-no-such-notify.sock') }, onWarning: (m) => warnings.push(m) });
    n.ready();
    n.status('a');
    n.status('b');
    for (const end = Date.now() + 5000; warnings.length === 0 && Date.now() < end;) await settle(20);
    await settle(300);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/systemd-notify .* failed \(exit code 1\)/);
  });
});
