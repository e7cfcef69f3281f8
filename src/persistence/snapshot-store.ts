/**
 * Snapshots of the engine's state, kept with lowdb through a durable adapter: each write goes to a
 * temporary file, is fsynced, and replaces `snapshot.json` by rename after the current one has been
 * moved to `snapshot.prev.json`; the directory is fsynced too. A snapshot carries its schema
 * version, the journal sequence it covers and a checksum of its payload, so a torn or corrupt
 * snapshot is detected and the previous one is used instead, never trusted.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import type { EngineState } from '../engine/index.ts';
import { crcHex } from './crc32.ts';
import { crashpoint } from './crashpoints.ts';
import { syncDir } from './journal.ts';

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

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

/** lowdb adapter: atomic, durable replace of one JSON file, keeping the previous version. */
class DurableJsonFile implements Adapter<SnapshotDoc | null> {
  constructor(
    private readonly dir: string,
    private readonly file: string,
  ) {}

  async read(): Promise<SnapshotDoc | null> {
    return readSnapshotFile(join(this.dir, this.file));
  }

  async write(doc: SnapshotDoc | null): Promise<void> {
    if (doc === null) return;
    const path = join(this.dir, this.file);
    const tmp = join(this.dir, `.${this.file}.tmp`);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      const text = JSON.stringify(doc);
      const half = Math.floor(text.length / 2);
      writeSync(fd, text.slice(0, half));
      crashpoint('mid-snapshot');
      writeSync(fd, text.slice(half));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (existsSync(path)) renameSync(path, join(this.dir, 'snapshot.prev.json'));
    renameSync(tmp, path);
    syncDir(this.dir);
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
  if (doc.v > SNAPSHOT_SCHEMA) throw new SnapshotError(`${path} was written by a newer Parity (snapshot schema ${doc.v}; this version reads ${SNAPSHOT_SCHEMA})`);
  if (crcHex(JSON.stringify(doc.state)) !== doc.crc) throw new SnapshotError(`${path} fails its checksum (torn or edited)`);
  return doc;
}

export class SnapshotStore {
  private readonly db: Low<SnapshotDoc | null>;

  constructor(private readonly dir: string) {
    this.db = new Low<SnapshotDoc | null>(new DurableJsonFile(dir, 'snapshot.json'), null);
  }

  async save(seq: number, state: EngineState, at: number): Promise<void> {
    this.db.data = { v: SNAPSHOT_SCHEMA, seq, at, crc: crcHex(JSON.stringify(state)), state };
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
        if (/newer Parity/.test((err as Error).message)) throw err;
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
