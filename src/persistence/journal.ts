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
 * The line format and reading back are in journal-lines.ts.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { crashpoint } from './crashpoints.ts';
import { syncDir } from './durable-file.ts';
import { encodeLine, JournalError, segments } from './journal-lines.ts';

export { decodeLine, encodeLine, JOURNAL_SCHEMA, JournalError, readJournal, readSegment, segments, type JournalLine, type ReadResult, type TornTail } from './journal-lines.ts';

export type FsyncPolicy = 'group' | 'always' | 'none';

/** The file operations the writer needs (a FileHandle has them all); tests wrap one to inject faults. */
export interface JournalFile {
  write(data: string): Promise<unknown>;
  datasync(): Promise<void>;
  truncate(len: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

export interface JournalWriterOptions {
  readonly dir: string;
  /** Segment file names are `<prefix>-<firstSeq>.jsonl` (default "journal"). */
  readonly prefix?: string;
  /** Sequence number of the next entry. */
  readonly nextSeq: number;
  readonly fsync?: FsyncPolicy;
  /** Longest an entry waits for its batch, ms (default 2). */
  readonly groupMs?: number;
  /** Opens a segment for appending (default: the real file, mode 0600). */
  readonly openFile?: (path: string) => Promise<JournalFile>;
  /**
   * Pauses between attempts at a batch whose write failed, ms; the batch fails for good after the
   * last one (default [10, 50, 200, 500, 1000, 2000]: about 4 s of retries).
   */
  readonly retryDelaysMs?: readonly number[];
  /** Told about each failed attempt that will be retried (the session logs it as a warning). */
  readonly onRetry?: (message: string) => void;
}

const DEFAULT_RETRY_MS = [10, 50, 200, 500, 1000, 2000] as const;

const openReal = (path: string): Promise<JournalFile> => open(path, 'a', 0o600);

interface Waiter {
  /** Resolved once every entry below this sequence number is written (and synced, per policy). */
  readonly upTo: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

/**
 * Appends journal lines with group commit. Invariants:
 * - one writer loop does every write, sync, close and segment switch, one after another, so no
 *   write ever meets a file that is closing (appends only buffer and wake the loop);
 * - a segment boundary is a sequence number: entries below it go to the old file, the rest to
 *   `journal-<boundary>.jsonl`, whatever arrives while the old file is being synced or closed;
 * - a failed write is retried from the file's last good length (a torn partial write is cut off
 *   first), so an entry is never lost nor written twice; only a batch that fails every attempt
 *   stops the journal, with its cause.
 */
export class JournalWriter {
  private lines: string[] = [];
  /** Sequence number of lines[0]. */
  private bufSeq: number;
  private bufBytes = 0;
  private waiters: Waiter[] = [];
  private file: JournalFile | undefined;
  /** Bytes of the current segment known to be good (written completely); undefined until first opened. */
  private fileBytes: number | undefined;
  /** The current segment's directory entry has been synced. */
  private dirSynced = false;
  private path: string;
  private seq: number;
  /** Everything below this sequence number is on disk. */
  private durable: number;
  /** Pending segment boundaries, ascending, each with the rolls waiting for it. */
  private boundaries: { readonly at: number; readonly done: (() => void)[] }[] = [];
  private loop: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly policy: FsyncPolicy;
  private readonly groupMs: number;
  private readonly openFile: (path: string) => Promise<JournalFile>;
  private readonly retryMs: readonly number[];
  private failed: Error | undefined;
  private readonly prefix: string;

  constructor(private readonly o: JournalWriterOptions) {
    this.prefix = o.prefix ?? 'journal';
    this.seq = o.nextSeq;
    this.bufSeq = o.nextSeq;
    this.durable = o.nextSeq;
    this.policy = o.fsync ?? 'group';
    this.groupMs = o.groupMs ?? 2;
    this.openFile = o.openFile ?? openReal;
    this.retryMs = o.retryDelaysMs ?? DEFAULT_RETRY_MS;
    const segs = segments(o.dir, this.prefix);
    this.path = segs.length > 0 ? (segs[segs.length - 1] as { file: string }).file : join(o.dir, `${this.prefix}-${o.nextSeq}.jsonl`);
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
    this.lines.push(line);
    this.bufBytes += line.length;
    if (this.policy === 'always' || this.bufBytes > 1 << 20) this.kick();
    else if (this.timer === undefined && this.loop === undefined) this.timer = setTimeout(() => this.kick(), this.groupMs);
    return s;
  }

  /**
   * An appender for a caller that must not throw (the kernel's message hook): once the journal
   * cannot be written, `onFailure` is told, once, and later entries are dropped (the caller stops
   * trading: without a journal a crash could not be recovered).
   */
  sink(onFailure: (err: Error) => void): (entry: unknown) => void {
    let down = false;
    const fail = (err: Error): void => {
      if (down) return;
      down = true;
      onFailure(err);
    };
    this.onFail = fail;
    return (entry) => {
      if (down) return;
      try {
        this.append(entry);
      } catch (err) {
        fail(err as Error);
      }
    };
  }

  private onFail: ((err: Error) => void) | undefined;

  /** Appends and resolves once the entry is on disk; rejects if it never gets there. */
  appendDurable(entry: unknown): Promise<number> {
    const s = this.append(entry);
    return this.until(s + 1).then(() => s);
  }

  /**
   * Starts a new segment (after a snapshot): entries appended from now on go to
   * journal-<nextSeq>.jsonl. Resolves once the old segment is complete on disk and closed.
   */
  roll(): Promise<void> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    const at = this.seq;
    let b = this.boundaries.at(-1);
    if (b?.at !== at) {
      b = { at, done: [] };
      this.boundaries.push(b);
    }
    const boundary = b;
    return new Promise<void>((resolve) => {
      boundary.done.push(resolve);
      this.kick();
    });
  }

  /** Resolves once everything appended so far is written and synced (never rejects: see `error`). */
  flush(): Promise<void> {
    return this.until(this.seq).catch(() => undefined);
  }

  get error(): Error | undefined {
    return this.failed;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.loop;
    const f = this.file;
    this.file = undefined;
    await f?.close().catch(() => undefined);
  }

  /** A promise for "every entry below `upTo` is durable". */
  private until(upTo: number): Promise<void> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    if (this.durable >= upTo) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ upTo, resolve, reject });
      this.kick();
    });
  }

  private boundaryDue(): boolean {
    const b = this.boundaries[0];
    return b !== undefined && b.at <= this.durable;
  }

  /** Starts the writer loop unless it runs. */
  private kick(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.loop !== undefined || this.failed !== undefined) return;
    this.loop = this.drain().finally(() => {
      this.loop = undefined;
      // Appended while the loop was finishing: not yet in a batch.
      if (this.failed === undefined && (this.lines.length > 0 || this.boundaryDue())) this.kick();
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.boundaryDue()) {
        const b = this.boundaries.shift() as { at: number; done: (() => void)[] };
        await this.switchSegment(b.at);
        for (const d of b.done) d();
        continue;
      }
      if (this.lines.length === 0) return;
      // A batch never crosses a boundary: it ends where the next segment begins.
      const next = this.boundaries[0]?.at;
      const count = next === undefined ? this.lines.length : Math.min(this.lines.length, next - this.bufSeq);
      const batch = this.lines.splice(0, count);
      const data = batch.join('');
      this.bufBytes -= data.length;
      this.bufSeq += count;
      try {
        await this.writeBatch(data);
      } catch (err) {
        this.fail(err as Error);
        return;
      }
      this.durable += count;
      this.release();
    }
  }

  private async switchSegment(at: number): Promise<void> {
    const f = this.file;
    this.file = undefined;
    this.path = join(this.o.dir, `${this.prefix}-${at}.jsonl`);
    this.fileBytes = undefined;
    this.dirSynced = false;
    await f?.close().catch(() => undefined); // everything in it is synced already
  }

  /** Writes one batch with retries; throws the last error once every attempt has failed. */
  private async writeBatch(data: string): Promise<void> {
    crashpoint('before-journal-flush');
    for (let attempt = 0; ; attempt++) {
      try {
        this.file ??= await this.openFile(this.path);
        // The good length is read once per segment: after a failed attempt the file may hold a
        // torn part of the batch, which is cut off before the batch is written again.
        this.fileBytes ??= (await this.file.stat()).size;
        const good = this.fileBytes;
        if ((await this.file.stat()).size !== good) await this.file.truncate(good);
        await this.file.write(data);
        if (this.policy !== 'none') {
          await this.file.datasync();
          // A new segment's directory entry is not covered by the file's fdatasync.
          if (!this.dirSynced) syncDir(this.o.dir);
        }
        this.dirSynced = true;
        this.fileBytes = good + Buffer.byteLength(data);
        return;
      } catch (err) {
        const delay = this.retryMs[attempt];
        const why = (err as Error).message;
        if (delay === undefined) throw new JournalError(`cannot write the journal ${this.path} after ${attempt + 1} attempts: ${why}. Trading stops; nothing already written is lost.`);
        this.o.onRetry?.(`journal write to ${this.path} failed (${why}); retrying in ${delay} ms (attempt ${attempt + 2} of ${this.retryMs.length + 1})`);
        // The handle may be what broke: the next attempt opens the file again.
        const f = this.file;
        this.file = undefined;
        await f?.close().catch(() => undefined);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private release(): void {
    const keep: Waiter[] = [];
    for (const w of this.waiters) {
      if (this.durable >= w.upTo) w.resolve();
      else keep.push(w);
    }
    this.waiters = keep;
  }

  private fail(err: Error): void {
    this.failed = err instanceof JournalError ? err : new JournalError(`cannot write the journal ${this.path}: ${err.message}. Trading stops; nothing already written is lost.`);
    this.lines = [];
    this.bufBytes = 0;
    const w = this.waiters;
    this.waiters = [];
    for (const x of w) x.reject(this.failed);
    // A roll waiting on a journal that cannot be written has nothing left to wait for.
    for (const b of this.boundaries) for (const d of b.done) d();
    this.boundaries = [];
    this.onFail?.(this.failed);
  }
}
