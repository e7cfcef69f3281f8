/**
 * The state directory: one running Parity at a time (a lock file), the journal, the snapshots and
 * the client order id reservations. `openStateDir` is the start of the crash-only path: it checks
 * the directory, finds the newest usable snapshot and the journal after it, and hands both back for
 * replay; it changes nothing on disk until every check has passed (a torn journal tail is cut off
 * only then). Problems come back as StateDirError with what was kept and what to do.
 */
import { chmodSync, closeSync, existsSync, statSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, truncateSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LoggedMessage } from '../engine/index.ts';
import { syncDir, writeFileAtomic } from './durable-file.ts';
import { JournalError, JournalWriter, readJournal, segments, type FsyncPolicy, type JournalLine } from './journal.ts';
import { sealSnapshot, SnapshotError, SnapshotStore, type SnapshotDoc } from './snapshot-store.ts';

export class StateDirError extends Error {
  override readonly name = 'StateDirError';
}

/** What the journal holds: the kernel's messages, and session markers. */
export type JournalEntry =
  | { readonly k: 'm'; readonly m: LoggedMessage }
  /** A session began. The first one in a directory records the cash its books started from (a replay from the beginning needs it). */
  | { readonly k: 'start'; readonly at: number; readonly mode: string; readonly venue: string; readonly startingCash?: string }
  /** The last entry of a session that stopped cleanly: its absence at the next start means a crash. */
  | { readonly k: 'stop'; readonly at: number; readonly reason: string };

export interface Recovered {
  readonly snapshot: SnapshotDoc | null;
  /** Messages journaled after the snapshot, in order. */
  readonly messages: readonly LoggedMessage[];
  /** The newest engine time seen in the snapshot or the journal (0 for a fresh directory). */
  readonly lastTs: number;
  /** Things noticed and handled: a torn journal tail, a corrupt snapshot replaced by the previous one. */
  readonly notes: readonly string[];
  /** Highest client order id sequence reserved per strategy (ids up to it may have been used). */
  readonly reserved: Readonly<Record<string, number>>;
  /** There was a previous session and it did not stop cleanly (killed, crashed, lost power). */
  readonly crashed: boolean;
  /** The state could not be rebuilt and was moved aside (--rebuild-from-venue): the books come from the venue. */
  readonly rebuilt: boolean;
  /** The cash the books started from, as the directory's first session recorded it (when the journal still begins there). */
  readonly startingCash: string | undefined;
}

export interface StateDir {
  readonly dir: string;
  readonly journal: JournalWriter;
  readonly recovered: Recovered;
  /** Records, durably and synchronously, that ids up to `upTo` may be used by `strategy`. */
  reserveIds(strategy: string, upTo: number): void;
  /**
   * Saves a snapshot of `state` covering the journal so far, starts a new journal segment, and drops
   * history older than the previous snapshot. `state` is serialized and the journal position taken
   * at the call, synchronously: entries appended while the snapshot is being written are after it.
   */
  snapshot(state: SnapshotDoc['state'], at: number): Promise<void>;
  close(): Promise<void>;
}

function explain(err: unknown, what: string, dir: string): StateDirError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : code === 'ENOSPC' ? 'no space left' : (err as Error).message;
  return new StateDirError(`cannot ${what} in the state directory ${dir}: ${why}. Nothing was changed. Fix the permissions or pass another --state-dir.`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeLock(dir: string): string {
  const lock = join(dir, 'parity.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return lock;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw explain(err, 'create the lock file', dir);
      const pid = Number(readFileSync(lock, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
        throw new StateDirError(`another Parity (pid ${pid}) is using the state directory ${dir}. Stop it first, or pass another --state-dir.`);
      }
      unlinkSync(lock); // left by a process that died: ours now
    }
  }
  throw new StateDirError(`could not lock the state directory ${dir}`);
}

export interface StateDirOptions {
  readonly fsync?: FsyncPolicy;
  /** Told about a journal write that failed and will be retried. */
  readonly onJournalRetry?: (message: string) => void;
  /**
   * When the state cannot be rebuilt (no usable snapshot and the journal does not start at the
   * beginning), move it aside and start as a fresh directory (keeping the order id reservations),
   * so the session takes the venue's books. Without it such a start stops with a message.
   */
  readonly rebuildFromVenue?: boolean;
}

/** Files that hold the engine's history (moved aside, together, by a rebuild). */
const HISTORY = /^(journal-\d+\.jsonl|snapshot(\.prev)?\.json|snapshot(\.prev)?\.unusable-\d+\.json)$/;

/** Moves the history files into `aside-<stamp>/`; returns that folder's name. */
function setHistoryAside(dir: string, stamp: number): string {
  const aside = `aside-${stamp}`;
  mkdirSync(join(dir, aside), { mode: 0o700 });
  for (const f of readdirSync(dir)) if (HISTORY.test(f)) renameSync(join(dir, f), join(dir, aside, f));
  syncDir(dir);
  return aside;
}

/** The starting cash the first entry of a journal records, when it is a session's start. */
function startingCashOf(first: JournalLine<JournalEntry> | undefined): string | undefined {
  return first !== undefined && first.seq === 0 && first.entry.k === 'start' ? first.entry.startingCash : undefined;
}

export function openStateDir(dir: string, o: StateDirOptions = {}): StateDir {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Journals, snapshots and the control socket are the owner's only (an existing directory may be
    // looser). Only ever tightened: a directory its owner made read-only stays read-only.
    const mode = statSync(dir).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      try {
        chmodSync(dir, mode & 0o700);
      } catch {
        // not ours to change: the write probe below says what is wrong, if anything
      }
    }
  } catch (err) {
    throw explain(err, 'create the directory', dir);
  }
  try {
    const probe = join(dir, '.write-probe');
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    throw explain(err, 'write', dir);
  }
  const lock = takeLock(dir);
  try {
    const store = new SnapshotStore(dir);
    const notes: string[] = [];
    let loaded;
    try {
      loaded = store.load();
    } catch (err) {
      throw new StateDirError(`${(err as Error).message}. Nothing was changed: run the newer Parity, or move ${dir} aside to start fresh.`);
    }
    for (const p of loaded.problems) notes.push(`snapshot unusable (${p}); using the one before it and more of the journal`);
    let snap = loaded.doc;
    let read;
    try {
      read = readJournal<JournalEntry>(dir);
    } catch (err) {
      if (err instanceof JournalError) throw new StateDirError(err.message);
      throw err;
    }
    let from = snap?.seq ?? 0;
    let first = read.lines[0];
    const idsFile = join(dir, 'ids.json');
    // Without a usable snapshot the journal must hold everything from its first entry: a journal
    // that starts later, or none at all where there was history, would rebuild a partial state.
    const lost =
      snap === null && ((first !== undefined && first.seq > 0) || (first === undefined && loaded.unusable.length > 0))
        ? `there is no usable snapshot${loaded.problems.length > 0 ? ` (${loaded.problems.join('; ')})` : ''} and the journal ${first === undefined ? 'is gone' : `starts at entry ${first.seq}`}: the history before it is gone`
        : snap !== null && first !== undefined && first.seq > from
          ? `the journal starts at entry ${first.seq} but the usable snapshot needs it from ${from}: history is missing`
          : undefined;
    if (lost !== undefined && o.rebuildFromVenue !== true) {
      throw new StateDirError(
        `the state in ${dir} cannot be rebuilt: ${lost}. Nothing was changed. To start from the venue's books instead (its positions, balance and open orders taken as they are; this state moved aside, order ids kept), run again with --rebuild-from-venue; or move the directory aside to start fresh.`,
      );
    }
    let rebuilt: string | undefined;
    if (lost !== undefined) {
      rebuilt = setHistoryAside(dir, Date.now());
      notes.push(`rebuilt from the venue (--rebuild-from-venue): ${lost}; the old state was moved to ${join(dir, rebuilt)}, and the session starts from the venue's books`);
      loaded = { doc: null, problems: [], unusable: [] };
      snap = null;
      read = { lines: [], tornTail: null };
      from = 0;
      first = undefined;
    }
    const messages: LoggedMessage[] = [];
    let lastTs = snap?.at ?? 0;
    for (const l of read.lines) {
      if (l.seq < from || l.entry.k !== 'm') continue;
      messages.push(l.entry.m);
      const ts = (l.entry.m as { tsInit?: number }).tsInit;
      if (typeof ts === 'number' && ts > lastTs) lastTs = ts;
    }
    // Every check passed: only now is anything on disk changed.
    for (const name of loaded.unusable) notes.push(`${name} was moved aside to ${store.setAside(name, Date.now())}`);
    if (read.tornTail !== null) {
      truncateSync(read.tornTail.file, read.tornTail.offset);
      notes.push('the last journal line was torn (the process died while writing it); it was dropped');
    }
    let reserved: Record<string, number> = {};
    if (existsSync(idsFile)) {
      try {
        reserved = JSON.parse(readFileSync(idsFile, 'utf8')) as Record<string, number>;
      } catch {
        notes.push('ids.json did not parse; order ids continue from the journal, past a safety margin');
        reserved = {};
      }
    }
    const lastSeq = read.lines.length > 0 ? (read.lines[read.lines.length - 1] as { seq: number }).seq : from - 1;
    const journal = new JournalWriter({
      dir,
      nextSeq: Math.max(lastSeq + 1, from),
      ...(o.fsync === undefined ? {} : { fsync: o.fsync }),
      ...(o.onJournalRetry === undefined ? {} : { onRetry: o.onJournalRetry }),
    });
    const reservations: Record<string, number> = { ...reserved };
    // The newest usable snapshot's seq (what snapshot.json, or snapshot.prev.json after a fallback, holds).
    let lastSnapshotSeq = from;
    return {
      dir,
      journal,
      recovered: {
        snapshot: snap,
        messages,
        lastTs,
        notes,
        reserved,
        crashed: read.lines.length > 0 && (read.lines[read.lines.length - 1] as JournalLine<JournalEntry>).entry.k !== 'stop',
        rebuilt: rebuilt !== undefined,
        startingCash: startingCashOf(read.lines[0]),
      },
      reserveIds(strategy: string, upTo: number): void {
        reservations[strategy] = upTo;
        writeFileAtomic(idsFile, JSON.stringify(reservations));
      },
      async snapshot(state, at) {
        // Sealed before the first await: the kernel keeps appending (and changing its state) meanwhile.
        const sealed = sealSnapshot(journal.nextSeq, state, at);
        await journal.flush();
        await store.save(sealed);
        const prevSeq = lastSnapshotSeq;
        lastSnapshotSeq = sealed.seq;
        await journal.roll();
        // Keep history back to the previous snapshot (the fallback if the new one is ever unusable).
        const keepFrom = prevSeq;
        const segs = segments(dir);
        for (let i = 0; i + 1 < segs.length; i++) {
          if ((segs[i + 1] as { firstSeq: number }).firstSeq <= keepFrom) rmSync((segs[i] as { file: string }).file);
        }
        syncDir(dir);
      },
      async close() {
        await journal.close();
        rmSync(lock, { force: true });
      },
    };
  } catch (err) {
    rmSync(lock, { force: true });
    if (err instanceof StateDirError || err instanceof SnapshotError) throw err;
    throw explain(err, 'read the state', dir);
  }
}
