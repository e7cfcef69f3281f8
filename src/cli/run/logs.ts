/**
 * Where a session's JSON-lines log goes: stdout when headless (journald takes it from there), a
 * file in the state directory when the screen owns the terminal (`<stateDir>/parity.log`,
 * appended; the previous run's is kept as parity.log.1 once it passes 64 MiB).
 */
import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface SessionLog {
  readonly path: string | undefined;
  write(record: Record<string, unknown>): void;
  close(): Promise<void>;
}

const line = (r: Record<string, unknown>): string => `${JSON.stringify({ t: Date.now(), ...r })}\n`;

const ignoreClosedReader = (): void => undefined;

export function stdoutLog(): SessionLog {
  // A reader that went away (a closed pipe: EPIPE) must not take the session down with it; the
  // journal in the state directory still has everything.
  // (A stream piped into stdout adds an error listener of its own that it drops at the first error,
  // so ours is added whatever is there already.)
  if (!process.stdout.listeners('error').includes(ignoreClosedReader)) process.stdout.on('error', ignoreClosedReader);
  return { path: undefined, write: (r) => void process.stdout.write(line(r)), close: () => Promise.resolve() };
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
