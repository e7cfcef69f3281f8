/**
 * Snapshots of the engine's state, written with lowdb through a durable adapter: the new snapshot
 * goes to a temporary file, is fsynced, and replaces `snapshot.json` by rename after the current one
 * has been moved to `snapshot.prev.json`; the directory is fsynced too (writeFileAtomic). A snapshot
 * carries its schema version, the journal sequence it covers and a checksum of its payload, so a
 * torn or corrupt snapshot is detected and the previous one is used instead, never trusted.
 * The state is serialized once, when it is sealed; that text is both checksummed and written.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import type { EngineState } from '../engine/index.ts';
import { crcHex } from './crc32.ts';
import { writeFileAtomic } from './durable-file.ts';

export const SNAPSHOT_SCHEMA = 1;

export interface SnapshotDoc {
  readonly v: number;
  /** Every journal entry with a sequence number below this is reflected in `state`. */
  readonly seq: number;
  /** Epoch ms when it was taken. */
  readonly at: number;
  readonly crc: string;
  readonly state: EngineState;
}

/** A snapshot ready to be written: its state already serialized (so later changes to the state object cannot leak in) and checksummed. */
export interface SealedSnapshot {
  readonly seq: number;
  readonly at: number;
  readonly stateJson: string;
  readonly crc: string;
}

export function sealSnapshot(seq: number, state: EngineState, at: number): SealedSnapshot {
  const stateJson = JSON.stringify(state);
  return { seq, at, stateJson, crc: crcHex(stateJson) };
}

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
  /** The snapshot's schema version when a newer Parity wrote it (falling back past it would lose what it recorded). */
  readonly newer: number | undefined;

  constructor(message: string, newer?: number) {
    super(message);
    this.newer = newer;
  }
}

/**
 * lowdb adapter: atomic, durable replace of snapshot.json, keeping the previous version. Write
 * only: lowdb's Adapter type requires `read`, but snapshots are loaded with `readSnapshotFile`
 * (which checks schema and checksum, and falls back to the previous file), never via Low.read().
 */
class DurableSnapshotFile implements Adapter<SealedSnapshot | null> {
  constructor(private readonly dir: string) {}

  read(): Promise<never> {
    return Promise.reject(new Error('snapshots are loaded with SnapshotStore.load(), not Low.read()'));
  }

  async write(s: SealedSnapshot | null): Promise<void> {
    if (s === null) return;
    const path = join(this.dir, 'snapshot.json');
    // The same text (and key order) as JSON.stringify of a SnapshotDoc, without serializing the state again.
    const text = `{"v":${SNAPSHOT_SCHEMA},"seq":${JSON.stringify(s.seq)},"at":${JSON.stringify(s.at)},"crc":"${s.crc}","state":${s.stateJson}}`;
    writeFileAtomic(path, text, {
      midWriteCrashpoint: 'mid-snapshot',
      beforeReplace: () => {
        if (existsSync(path)) renameSync(path, join(this.dir, 'snapshot.prev.json'));
      },
    });
  }
}

/** Reads and checks one snapshot file: the document, or null if absent; a SnapshotError if unusable. */
export function readSnapshotFile(path: string): SnapshotDoc | null {
  if (!existsSync(path)) return null;
  let doc: SnapshotDoc;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as SnapshotDoc;
  } catch (err) {
    throw new SnapshotError(`${path} does not parse (${(err as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || typeof doc.v !== 'number') throw new SnapshotError(`${path} is not a snapshot`);
  if (doc.v > SNAPSHOT_SCHEMA) throw new SnapshotError(`${path} was written by a newer Parity (snapshot schema ${doc.v}; this version reads ${SNAPSHOT_SCHEMA})`, doc.v);
  if (crcHex(JSON.stringify(doc.state)) !== doc.crc) throw new SnapshotError(`${path} fails its checksum (torn or edited)`);
  return doc;
}

export class SnapshotStore {
  private readonly db: Low<SealedSnapshot | null>;

  constructor(private readonly dir: string) {
    this.db = new Low<SealedSnapshot | null>(new DurableSnapshotFile(dir), null);
  }

  /** Writes a sealed snapshot durably (see sealSnapshot); the current one becomes snapshot.prev.json. */
  async save(s: SealedSnapshot): Promise<void> {
    this.db.data = s;
    await this.db.write();
  }

  /**
   * The newest usable snapshot: snapshot.json, or snapshot.prev.json when the newest is torn or
   * corrupt (the problems are returned for the log). A snapshot from a newer schema is not skipped
   * over: it stops the start, since falling back would lose what the newer version recorded.
   */
  load(): { doc: SnapshotDoc | null; problems: string[]; unusable: string[] } {
    const problems: string[] = [];
    const unusable: string[] = [];
    let found: SnapshotDoc | null = null;
    for (const name of ['snapshot.json', 'snapshot.prev.json']) {
      try {
        const doc = readSnapshotFile(join(this.dir, name));
        if (found === null) found = doc;
      } catch (err) {
        if (err instanceof SnapshotError && err.newer !== undefined) throw err;
        problems.push((err as Error).message);
        unusable.push(name);
      }
      if (found !== null) break;
    }
    return { doc: found, problems, unusable };
  }

  /** Moves an unusable snapshot file aside (kept for a post-mortem, never overwritten by the next save). */
  setAside(name: string, stamp: number): string {
    const to = `${name.replace(/\.json$/, '')}.unusable-${stamp}.json`;
    renameSync(join(this.dir, name), join(this.dir, to));
    return to;
  }
}
