/**
 * systemd notifications for a headless Parity run as a `Type=notify` service: READY=1 once the
 * session trades, STATUS= lines, STOPPING=1 at shutdown and WATCHDOG=1 pings.
 *
 * Node cannot send Unix datagrams, so each notification runs the `systemd-notify` binary with
 * `--pid=<our pid>` (systemd attributes it to the main process; the unit needs NotifyAccess=all).
 * Invariants: without NOTIFY_SOCKET everything is a no-op; a notification is fire-and-forget (it
 * never throws, never blocks the event loop, never keeps the process alive); a missing binary or
 * failing spawns give one warning in total, not one per ping.
 */
import { spawn } from 'node:child_process';

export interface Notifier {
  /** False when NOTIFY_SOCKET is unset (not started by systemd): every method does nothing. */
  readonly enabled: boolean;
  /** READY=1 (and MAINPID), with an optional STATUS= line. */
  ready(status?: string): void;
  /** STATUS=<text>, shown by `systemctl status`. */
  status(text: string): void;
  /** STOPPING=1: the service is shutting down (systemd waits up to TimeoutStopSec). */
  stopping(): void;
  /**
   * Pings WATCHDOG=1 now and every WATCHDOG_USEC/2 while WATCHDOG_USEC is set and WATCHDOG_PID is
   * unset or ours. The timer does not keep the process alive. Returns the function that stops it.
   */
  startWatchdog(): () => void;
}

/** A notification child that has not exited after this long is killed, ms. */
const CHILD_TIMEOUT_MS = 5000;

/** One line of the notify protocol: assignments are newline-separated, so a value may not hold one. */
const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ').trim();

export function createNotifier(o: { env: NodeJS.ProcessEnv; onWarning?: (msg: string) => void; command?: string }): Notifier {
  const command = o.command ?? 'systemd-notify';
  const onWarning = o.onWarning ?? ((msg: string): void => void process.stderr.write(`parity: warning: ${msg}\n`));
  const enabled = (o.env.NOTIFY_SOCKET ?? '') !== '';
  let warned = false;
  let missing = false;
  const warnOnce = (msg: string): void => {
    if (warned) return;
    warned = true;
    try {
      onWarning(`${msg}; systemd is not told about readiness or liveness (further failures are not reported)`);
    } catch {
      // a warning sink that throws must not break the caller
    }
  };

  /** Runs systemd-notify with `assignments`; `done` is called once the child is gone (whatever happened). */
  const send = (assignments: readonly string[], done?: () => void): void => {
    if (!enabled || missing) return done?.();
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      done?.();
    };
    try {
      const child = spawn(command, [`--pid=${process.pid}`, ...assignments], { env: o.env, stdio: 'ignore', timeout: CHILD_TIMEOUT_MS });
      child.unref();
      child.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') {
          missing = true; // it will not appear later: stop spawning
          warnOnce(`cannot send systemd notifications: ${command} was not found (install systemd, or unset NOTIFY_SOCKET)`);
        } else {
          warnOnce(`cannot run ${command}: ${err.code ?? err.message}`);
        }
        finish();
      });
      child.once('exit', (code, signal) => {
        if (code !== 0) warnOnce(`${command} ${assignments.join(' ')} failed (${signal !== null ? `killed by ${signal}` : `exit code ${code}`})`);
        finish();
      });
    } catch (err) {
      warnOnce(`cannot run ${command}: ${(err as Error).message}`);
      finish();
    }
  };

  return {
    enabled,
    ready(status?: string): void {
      send(['READY=1', ...(status !== undefined && oneLine(status) !== '' ? [`STATUS=${oneLine(status)}`] : [])]);
    },
    status(text: string): void {
      send([`STATUS=${oneLine(text)}`]);
    },
    stopping(): void {
      send(['STOPPING=1']);
    },
    startWatchdog(): () => void {
      const usec = Number(o.env.WATCHDOG_USEC);
      const pid = o.env.WATCHDOG_PID;
      if (!enabled || !Number.isFinite(usec) || usec <= 0) return () => undefined;
      if (pid !== undefined && pid !== '' && pid !== String(process.pid)) return () => undefined; // meant for another process
      let inFlight = false;
      const ping = (): void => {
        if (inFlight) return; // a slow systemd: one outstanding ping is enough
        inFlight = true;
        send(['WATCHDOG=1'], () => (inFlight = false));
      };
      ping();
      const timer = setInterval(ping, Math.max(1, Math.floor(usec / 1000 / 2)));
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
