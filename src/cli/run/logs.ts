/**
 * Where a session's JSON-lines log goes: stdout when headless (journald takes it from there), a
 * file in the state directory when the screen owns the terminal (`<stateDir>/parity.log`,
 * appended; the previous run's is kept as parity.log.1 once it passes 64 MiB).
 *
 * Every record carries `level` (debug, info, notice, warn, error) and a short `msg`. When stdout
 * is the journal itself (systemd sets JOURNAL_STREAM to its device:inode), each line also starts
 * with the syslog priority (`<3>` ... `<7>`), which journald strips and records as the priority.
 */
import { createWriteStream, existsSync, fstatSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LogLevel } from '../../workstation/describe.ts';

export interface SessionLog {
  readonly path: string | undefined;
  write(record: Record<string, unknown>): void;
  close(): Promise<void>;
}

/** The level of a session record that does not give one itself. */
function levelOf(r: Record<string, unknown>): LogLevel {
  switch (r['kind']) {
    case 'halt':
    case 'reconcile-error':
    case 'snapshot-error':
    case 'strategy-fault':
      return 'error';
    case 'warning':
    case 'recovery':
    case 'alert-error':
      return 'warn';
    case 'diff':
      return r['severity'] === 'critical' ? 'error' : r['severity'] === 'warn' ? 'warn' : 'info';
    case 'flatten':
      return r['result'] === 'flat' ? 'notice' : 'error';
    default:
      return 'info';
  }
}

/** The record with its level and a short message (kept when the caller set them). */
export function leveled(r: Record<string, unknown>): Record<string, unknown> {
  const level = typeof r['level'] === 'string' ? r['level'] : levelOf(r);
  const msg = typeof r['msg'] === 'string' ? r['msg'] : typeof r['message'] === 'string' ? r['message'] : String(r['kind'] ?? 'log');
  return { level, msg, ...r };
}

const PRIORITY: Record<string, number> = { error: 3, warn: 4, notice: 5, info: 6, debug: 7 };

const line = (r: Record<string, unknown>, prefix = false): string => {
  const rec = leveled(r);
  const text = JSON.stringify({ t: Date.now(), ...rec });
  return prefix ? `<${PRIORITY[rec['level'] as string] ?? 6}>${text}\n` : `${text}\n`;
};

/** True when fd 1 is the journal stream systemd names in JOURNAL_STREAM ("<dev>:<ino>"). */
function stdoutIsJournal(env: NodeJS.ProcessEnv): boolean {
  const js = env['JOURNAL_STREAM'];
  if (js === undefined) return false;
  try {
    const st = fstatSync(1);
    return js === `${st.dev}:${st.ino}`;
  } catch {
    return false;
  }
}

const ignoreClosedReader = (): void => undefined;

export function stdoutLog(env: NodeJS.ProcessEnv = process.env): SessionLog {
  // A reader that went away (a closed pipe: EPIPE) must not take the session down with it; the
  // journal in the state directory still has everything.
  // (A stream piped into stdout adds an error listener of its own that it drops at the first error,
  // so ours is added whatever is there already.)
  if (!process.stdout.listeners('error').includes(ignoreClosedReader)) process.stdout.on('error', ignoreClosedReader);
  const journal = stdoutIsJournal(env);
  return { path: undefined, write: (r) => void process.stdout.write(line(r, journal)), close: () => Promise.resolve() };
}

export function fileLog(stateDir: string, rotateBytes = 64 * 1024 * 1024): SessionLog {
  const path = join(stateDir, 'parity.log');
  if (existsSync(path) && statSync(path).size > rotateBytes) renameSync(path, `${path}.1`);
  let stream: ReturnType<typeof createWriteStream> | undefined;
  return {
    path,
    write(r) {
      // Opened on first use: the state directory exists (and is locked) by then.
      stream ??= createWriteStream(path, { flags: 'a', mode: 0o600 });
      stream.write(line(r));
    },
    close: () => new Promise((resolve) => (stream === undefined ? resolve() : stream.end(() => resolve()))),
  };
}
