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

export function stdoutLog(): SessionLog {
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
