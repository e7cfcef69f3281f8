/**
 * What a running session offers the operator beyond its screen: the control socket (`parity
 * ctl`), systemd readiness and watchdog, and webhook alerts. The same for TUI and headless runs.
 */
import { wireAlerts } from '../../workstation/alert-rules.ts';
import { alertUrlFrom, createAlerter } from '../../workstation/alerts.ts';
import { startControlServer, type CtlRequest, type CtlResponse } from '../../workstation/control-socket.ts';
import { createNotifier } from '../../workstation/systemd.ts';
import type { OperatorCommand } from '../../workstation/model.ts';
import type { Session } from './session.ts';

export interface Operations {
  close(): Promise<void>;
}

/** What a ctl request does: the same desk the TUI's hotkeys use, recorded with source "ctl". */
export async function handleCtl(s: Session, req: CtlRequest): Promise<CtlResponse> {
  if (req.cmd === 'status') {
    const status = s.workstation.snapshot();
    return { ok: true, message: `${s.spec.mode} ${s.spec.exchange}: ${status.status.state}`, status };
  }
  return s.desk.send(commandOf(req), 'ctl');
}

/** A ctl request (other than status) as the desk's command: every field the operator gave goes along. */
function commandOf(req: Exclude<CtlRequest, { cmd: 'status' }>): OperatorCommand {
  switch (req.cmd) {
    case 'reconcile':
      return { type: 'reconcile' };
    case 'resume':
      return { type: 'resume', reason: req.reason, confirmed: req.confirmed };
    case 'resolve':
      return { type: 'resolve', diffId: req.diffId, choice: req.choice, reason: req.reason };
    default:
      return { type: req.cmd, reason: req.reason };
  }
}

export async function attachOperations(s: Session, env: NodeJS.ProcessEnv, log: (r: Record<string, unknown>) => void): Promise<Operations> {
  const spec = s.spec;
  const alerter = createAlerter({
    url: alertUrlFrom(env, spec),
    source: `parity ${spec.mode} ${spec.exchange} ${spec.symbols.join(',')}`,
    minDiffSeverity: spec.alerts.minDiffSeverity,
    onError: (message) => log({ kind: 'alert-error', message }),
  });
  wireAlerts(s.tap, alerter, s.crashRecovery);
  const server = await startControlServer({ stateDir: spec.stateDir, handle: (req) => handleCtl(s, req), onError: (err) => log({ kind: 'warning', message: `control socket: ${err.message}` }) });
  const notifier = createNotifier({ env, onWarning: (message) => log({ kind: 'warning', message }) });
  notifier.ready(`trading ${spec.symbols.join(',')} on ${spec.exchange} (${spec.mode})`);
  const stopWatchdog = notifier.startWatchdog();
  log({ kind: 'control', socket: server.path, systemd: notifier.enabled, alerts: alerter.enabled });
  return {
    async close() {
      notifier.stopping();
      stopWatchdog();
      await server.close();
      await alerter.flush();
    },
  };
}
