/**
 * Durable file replacement, the one way the state directory rewrites a whole file (snapshots,
 * ids.json): write a temporary file beside it, fsync it, rename it over the target, fsync the
 * directory. A crash at any point leaves either the old file or the new one, never a mix; once
 * `writeFileAtomic` returns, the new file survives a power loss.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { crashpoint } from './crashpoints.ts';

/** fsync a directory so a rename or a new file in it is durable. */
export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array, from: number, to: number): void {
  for (let at = from; at < to;) at += writeSync(fd, bytes, at, to - at);
}

export interface WriteFileAtomicOptions {
  /** Runs after the new content is on disk and before it replaces the target (e.g. to keep the old one under another name). */
  readonly beforeReplace?: () => void;
  /** A crash point (see crashpoints.ts) passed when half the bytes are written: leaves a torn temporary file. */
  readonly midWriteCrashpoint?: string;
}

/** Replaces `path` with `data` (UTF-8, mode 0600) atomically and durably; the temporary file is `.<name>.tmp` beside it. */
export function writeFileAtomic(path: string, data: string, o: WriteFileAtomicOptions = {}): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.tmp`);
  // Encoded once, split by bytes: splitting the string could cut a surrogate pair in two.
  const bytes = Buffer.from(data, 'utf8');
  const half = bytes.length >>> 1;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeAll(fd, bytes, 0, half);
    if (o.midWriteCrashpoint !== undefined) crashpoint(o.midWriteCrashpoint);
    writeAll(fd, bytes, half, bytes.length);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  o.beforeReplace?.();
  renameSync(tmp, path);
  syncDir(dir);
}
