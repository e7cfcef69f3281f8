/**
 * The append-only journal: one JSON line per entry, each carrying the schema version, a sequence
 * number and a CRC-32 of its payload, so a torn or corrupted line is detected, never trusted.
 *
 *   {"v":1,"s":42,"c":"1a2b3c4d","e":{...}}
 *
 * Durability is a policy: `group` (default) batches appends and writes + fdatasyncs each batch off
 * the event loop (group commit: thousands of entries per fsync); `always` fsyncs every batch of
 * one; `none` leaves it to the OS. `appendDurable` resolves once its entry is on disk.
 * Segments: a new file starts at each snapshot (`journal-<firstSeq>.jsonl`), so old history can go.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crcHex } from './crc32.ts';
import { crashpoint } from './crashpoints.ts';
import { syncDir } from './durable-file.ts';

export const JOURNAL_SCHEMA = 1;

export type FsyncPolicy = 'group' | 'always' | 'none';

export class JournalError extends Error {
  override readonly name = 'JournalError';
}

export interface JournalLine<E> {
  readonly seq: number;
  readonly entry: E;
}

const PREFIX = /^\{"v":(\d+),"s":(\d+),"c":"([0-9a-f]{8})","e":/;

export function encodeLine(seq: number, entry: unknown): string {
  const e = JSON.stringify(entry);
  return `{"v":${JOURNAL_SCHEMA},"s":${seq},"c":"${crcHex(e)}","e":${e}}\n`;
}

type Decoded<E> = { ok: true; line: JournalLine<E> } | { ok: false; reason: string; newer?: number };

export function decodeLine<E>(text: string): Decoded<E> {
  const m = PREFIX.exec(text);
  if (m === null || !text.endsWith('}')) return { ok: false, reason: 'not a journal line (incomplete or damaged)' };
  const v = Number(m[1]);
  if (v > JOURNAL_SCHEMA) return { ok: false, reason: `written by a newer Parity (journal schema ${v}; this version reads ${JOURNAL_SCHEMA})`, newer: v };
  const payload = text.slice(m[0].length, -1);
  if (crcHex(payload) !== m[3]) return { ok: false, reason: 'checksum mismatch' };
  try {
    return { ok: true, line: { seq: Number(m[2]), entry: JSON.parse(payload) as E } };
  } catch {
    return { ok: false, reason: 'payload is not JSON' };
  }
}

/** Journal segment files in a directory, oldest first. */
export function segments(dir: string): { file: string; firstSeq: number }[] {
  return readdirSync(dir)
    .map((f) => /^journal-(\d+)\.jsonl$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: join(dir, m[0]), firstSeq: Number(m[1]) }))
    .sort((a, b) => a.firstSeq - b.firstSeq);
}

/** Where a torn last line starts: cutting `file` to `offset` bytes removes it. */
export interface TornTail {
  readonly file: string;
  /** Byte offset (not UTF-16 code units: `truncate` counts bytes, and entries may hold any text). */
  readonly offset: number;
}

export interface ReadResult<E> {
  readonly lines: JournalLine<E>[];
  /** A torn last line, if one was found (it is not in `lines`); nothing is changed on disk. */
  readonly tornTail: TornTail | null;
}

/**
 * Reads every segment. A damaged or unterminated LAST line of the LAST segment is a torn write (the
 * process died mid-append): it is left out and reported, for the caller to cut off. A line is
 * complete only with its newline: a tail that parses but lacks one was never acknowledged as
 * durable, and keeping it would fuse the next append onto it. Damage anywhere else, or a line from
 * a newer schema, is a JournalError, and the message says what to do.
 */
export function readJournal<E>(dir: string): ReadResult<E> {
  const segs = segments(dir);
  const lines: JournalLine<E>[] = [];
  let tornTail: TornTail | null = null;
  segs.forEach((seg, si) => {
    // Walked as bytes so the offsets are byte offsets; each line is decoded on its own.
    const buf = readFileSync(seg.file);
    const lastSeg = si === segs.length - 1;
    for (let start = 0, lineNo = 1; start < buf.length; lineNo++) {
      const nl = buf.indexOf(0x0a, start);
      const end = nl === -1 ? buf.length : nl;
      const d = decodeLine<E>(buf.toString('utf8', start, end));
      const isLast = lastSeg && end >= buf.length - 1;
      if (!d.ok && d.newer !== undefined) {
        throw new JournalError(`${seg.file} line ${lineNo} was ${d.reason}. Nothing was changed: run the newer Parity, or move the state directory aside to start fresh.`);
      }
      if (isLast && (!d.ok || nl === -1)) {
        tornTail = { file: seg.file, offset: start };
        break;
      }
      if (!d.ok) {
        throw new JournalError(`${seg.file} line ${lineNo} is damaged (${d.reason}). Nothing was changed. The lines before it are intact; move the file aside (or restore it from a backup) and start again: the venue's state will be reconciled.`);
      }
      lines.push(d.line);
      start = end + 1;
    }
  });
  return { lines, tornTail };
}

export interface JournalWriterOptions {
  readonly dir: string;
  /** Sequence number of the next entry. */
  readonly nextSeq: number;
  readonly fsync?: FsyncPolicy;
  /** Longest an entry waits for its batch, ms (default 2). */
  readonly groupMs?: number;
}

export class JournalWriter {
  private buf: string[] = [];
  private bufBytes = 0;
  private waiters: (() => void)[] = [];
  private fh: FileHandle | undefined;
  private path: string;
  private seq: number;
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly policy: FsyncPolicy;
  private readonly groupMs: number;
  private failed: Error | undefined;

  constructor(private readonly o: JournalWriterOptions) {
    this.seq = o.nextSeq;
    this.policy = o.fsync ?? 'group';
    this.groupMs = o.groupMs ?? 2;
    const segs = segments(o.dir);
    this.path = segs.length > 0 ? (segs[segs.length - 1] as { file: string }).file : join(o.dir, `journal-${o.nextSeq}.jsonl`);
  }

  /** Sequence number the next entry will get. */
  get nextSeq(): number {
    return this.seq;
  }

  /** Appends an entry (buffered); returns its sequence number. Throws if the journal can no longer be written. */
  append(entry: unknown): number {
    if (this.failed !== undefined) throw this.failed;
    const s = this.seq++;
    const line = encodeLine(s, entry);
    this.buf.push(line);
    this.bufBytes += line.length;
    if (this.policy === 'always' || this.bufBytes > 1 << 20) void this.flush();
    else if (this.timer === undefined) this.timer = setTimeout(() => void this.flush(), this.groupMs);
    return s;
  }

  /**
   * An appender for a caller that must not throw (the kernel's message hook): once the journal
   * cannot be written, `onFailure` is told, once, and later entries are dropped (the caller stops
   * trading: without a journal a crash could not be recovered).
   */
  sink(onFailure: (err: Error) => void): (entry: unknown) => void {
    let down = false;
    return (entry) => {
      if (down) return;
      try {
        this.append(entry);
      } catch (err) {
        down = true;
        onFailure(err as Error);
      }
    };
  }

  /** Appends and resolves once the entry is on disk. */
  appendDurable(entry: unknown): Promise<number> {
    const s = this.append(entry);
    return new Promise((resolve, reject) => {
      this.waiters.push(() => (this.failed !== undefined ? reject(this.failed) : resolve(s)));
      void this.flush();
    });
  }

  /** Starts a new segment (after a snapshot): later entries go to journal-<nextSeq>.jsonl. */
  async roll(): Promise<void> {
    await this.flush();
    await this.fh?.close();
    this.fh = undefined;
    this.path = join(this.o.dir, `journal-${this.seq}.jsonl`);
  }

  /** Writes and syncs everything buffered. */
  flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // Chained, not skipped: entries (or waiters) added while a batch is being written go in the next batch.
    if (this.flushing !== undefined) return this.flushing.then(() => this.flush());
    if (this.buf.length === 0) {
      this.release();
      return Promise.resolve();
    }
    const data = this.buf.join('');
    const waiters = this.waiters;
    this.buf = [];
    this.bufBytes = 0;
    this.waiters = [];
    this.flushing = (async () => {
      try {
        crashpoint('before-journal-flush');
        const created = this.fh === undefined;
        this.fh ??= await open(this.path, 'a', 0o600);
        await this.fh.write(data);
        if (this.policy !== 'none') {
          await this.fh.datasync();
          // A new segment's directory entry is not covered by the file's fdatasync.
          if (created) syncDir(this.o.dir);
        }
      } catch (err) {
        this.failed = new JournalError(`cannot write the journal ${this.path}: ${(err as Error).message}. Trading stops; nothing already written is lost.`);
      } finally {
        this.flushing = undefined;
        for (const w of waiters) w();
      }
    })();
    return this.flushing;
  }

  get error(): Error | undefined {
    return this.failed;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.fh?.close();
    this.fh = undefined;
  }

  private release(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
