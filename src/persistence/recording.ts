/**
 * The session recording: everything a paper or live session received and did, kept so the session
 * can be replayed (`parity replay`) and measured. It lives in `<state-dir>/recording/` as segments
 * `rec-<firstSeq>.jsonl`, written by the journal's own writer (group commit, CRC per line, torn
 * tails detected): one line per entry, the journal's envelope around a compact entry.
 *
 *   {"v":1,"s":7,"c":"1a2b3c4d","e":{"k":"d","w":1733011260012,"d":["b","BTCUSDT",-60012,-3,60000,97000,97010,96990,97005,12.5]}}
 *
 * Entries (docs/recording.md has the full reference):
 * - `session`: the header: models, parameters, instruments, the books at the start, the warm-up;
 * - `d`: one market data point as received (`w` local wall time; times inside relative to it);
 * - `m`: one kernel message (a decision, an order event, a fill...) with `n`, the data point it came after;
 * - `o`: an order request leaving for the venue (latency samples);
 * - `end`: the session stopped cleanly.
 *
 * Invariants: a session's lines are contiguous and start with its header; data points are numbered
 * by their position (warm-up bars first), never written out; a reader never changes the files.
 */
import { existsSync, mkdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { Bar, EngineState, Instrument, LoggedMessage, LossLimits, MarketData, RiskLimits, Symbol } from '../engine/index.ts';
import { JournalError, JournalWriter, readJournal, readSegment, segments, type FsyncPolicy, type JournalLine } from './journal.ts';

/** The recording's own format version (inside the journal's line envelope). */
export const RECORDING_VERSION = 1;
export const RECORDING_DIR = 'recording';
const PREFIX = 'rec';

/** A data point as stored: its kind, symbol, then its fields; times relative to the line's `w`. */
export type DataTuple =
  | readonly ['b', string, number, number, number, number, number, number, number, number]
  | readonly ['q', string, number, number, number, number, number, number]
  | readonly ['t', string, number, number, number, number, string, string]
  | readonly ['f', string, number, number, number, number | null];

/** What was in force when the session started: enough to run the same engine again. */
export interface SessionHeader {
  readonly k: 'session';
  readonly version: number;
  /** Local wall time at the start, epoch ms. */
  readonly at: number;
  readonly mode: 'paper' | 'live';
  readonly venue: string;
  readonly strategy: { readonly name: string; readonly file: string; readonly params: Readonly<Record<string, unknown>> };
  readonly symbols: readonly string[];
  readonly barInterval: number;
  readonly account: {
    readonly instruments: readonly Instrument[];
    readonly currency: string;
    readonly startingCash: string;
    readonly accountType: 'cash' | 'margin';
    readonly leverage: number;
    readonly limits: Partial<RiskLimits>;
    readonly pauseCancelsEntries: boolean;
    /** The drawdown limit and the loss-limit actions (absent in recordings made before they were recorded: none then). */
    readonly lossLimits?: Partial<Omit<LossLimits, 'dailyLossLimit'>>;
  };
  /** The simulated venue's models (what paper filled with; what a replay simulates with). */
  readonly models: unknown;
  /** The bad-data breaker's settings in force (config `data.validation`; absent in older recordings: the defaults then). */
  readonly validation?: Readonly<Record<string, unknown>>;
  readonly seed: number;
  /** The books once reconciled, just before the first live data point. */
  readonly start: EngineState;
  /** The engine clock when the header was written, ms. */
  readonly clock: number;
  /** History the strategy warmed up on (data points 0..warmup.length-1), oldest first. */
  readonly warmup: readonly DataTuple[];
}

export type RecordEntry =
  | SessionHeader
  | { readonly k: 'd'; readonly w: number; readonly d: DataTuple }
  | { readonly k: 'm'; readonly w: number; readonly n: number; readonly m: LoggedMessage }
  | { readonly k: 'o'; readonly w: number; readonly kind: 'submit' | 'cancel' | 'modify'; readonly id: string }
  | { readonly k: 'end'; readonly w: number; readonly reason: string };

/** A data point as stored, relative to wall time `w`. */
export function packData(d: MarketData, w: number): DataTuple {
  switch (d.type) {
    case 'bar':
      return ['b', d.symbol, d.tsEvent - w, d.tsInit - w, d.interval, d.open, d.high, d.low, d.close, d.volume];
    case 'quote':
      return ['q', d.symbol, d.tsEvent - w, d.tsInit - w, d.bid, d.bidQty, d.ask, d.askQty];
    case 'trade':
      return ['t', d.symbol, d.tsEvent - w, d.tsInit - w, d.price, d.qty, d.aggressor, d.tradeId];
    case 'funding':
      return ['f', d.symbol, d.tsEvent - w, d.tsInit - w, d.rate, d.markPrice ?? null];
  }
}

/** The data point a tuple stores, exactly as the engine received it. */
export function unpackData(t: DataTuple, w: number): MarketData {
  const symbol = t[1] as Symbol;
  const tsEvent = t[2] + w;
  const tsInit = t[3] + w;
  switch (t[0]) {
    case 'b':
      return { type: 'bar', symbol, tsEvent, tsInit, interval: t[4], open: t[5], high: t[6], low: t[7], close: t[8], volume: t[9] };
    case 'q':
      return { type: 'quote', symbol, tsEvent, tsInit, bid: t[4], bidQty: t[5], ask: t[6], askQty: t[7] };
    case 't':
      return { type: 'trade', symbol, tsEvent, tsInit, price: t[4], qty: t[5], aggressor: t[6] as 'buy' | 'sell' | 'unknown', tradeId: t[7] };
    case 'f':
      return t[5] === null ? { type: 'funding', symbol, tsEvent, tsInit, rate: t[4] } : { type: 'funding', symbol, tsEvent, tsInit, rate: t[4], markPrice: t[5] };
  }
}

/** Warm-up bars are stored relative to the header's wall time. */
export const packWarmup = (bars: readonly Bar[], at: number): DataTuple[] => bars.map((b) => packData(b, at));

export interface RecordingWriterOptions {
  readonly fsync?: FsyncPolicy;
  /** Longest an entry waits for its batch, ms (default 100: a crash loses at most that much of the recording). */
  readonly groupMs?: number;
  /** A new segment starts when the UTC day of the wall time changes: this long a day, ms (default 86 400 000). */
  readonly segmentMs?: number;
  readonly onRetry?: (message: string) => void;
}

/**
 * Opens the recording for a new session: cuts a torn last line left by a crash (it would otherwise
 * sit in the middle of the history, where a reader refuses damage), and starts a new segment.
 * Reads only the last segment, however long the history.
 */
export function openRecordingWriter(stateDir: string, o: RecordingWriterOptions = {}): { writer: JournalWriter; notes: string[]; roll(): Promise<void>; rollIfDue(wall: number): void } {
  const dir = join(stateDir, RECORDING_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const notes: string[] = [];
  const segs = segments(dir, PREFIX);
  const last = segs.at(-1);
  let nextSeq = 0;
  if (last !== undefined) {
    const lines: JournalLine<RecordEntry>[] = [];
    try {
      const torn = readSegment(last.file, true, lines);
      if (torn !== null) {
        truncateSync(torn.file, torn.offset);
        notes.push(`the last line of the recording ${torn.file} was torn (the process died while writing it); it was cut off`);
      }
      nextSeq = Math.max(last.firstSeq, (lines.at(-1)?.seq ?? last.firstSeq - 1) + 1);
    } catch (err) {
      // A damaged segment is left as it is, for `parity replay` to refuse and name; this session
      // starts a new one, numbered past anything the damaged one can hold (a line is at least a byte).
      if (!(err instanceof JournalError)) throw err;
      notes.push(`the recording ${last.file} is damaged (${err.message.split(' is damaged ')[1]?.split('. ')[0] ?? err.message}); this session records in a new segment`);
      nextSeq = last.firstSeq + statSync(last.file).size + 1;
    }
  }
  const writer = new JournalWriter({
    dir,
    prefix: PREFIX,
    nextSeq,
    groupMs: o.groupMs ?? 100,
    ...(o.fsync === undefined ? {} : { fsync: o.fsync }),
    ...(o.onRetry === undefined ? {} : { onRetry: o.onRetry }),
  });
  const span = o.segmentMs ?? 86_400_000;
  let period: number | undefined;
  // Each session starts a segment of its own; so does each day (history can go a day at a time).
  void writer.roll().catch(() => undefined);
  return {
    writer,
    notes,
    roll: () => writer.roll(),
    rollIfDue(wall) {
      const p = Math.floor(wall / span);
      if (period !== undefined && p !== period) void writer.roll().catch(() => undefined);
      period = p;
    },
  };
}

/** One session as recorded. */
export interface SessionRecording {
  readonly header: SessionHeader;
  /** The live data points after the warm-up, in the order received, each with its local wall time. */
  readonly data: readonly { readonly w: number; readonly d: MarketData }[];
  /** The kernel's messages, in order, each with the data point number it came after. */
  readonly messages: readonly { readonly w: number; readonly n: number; readonly m: LoggedMessage }[];
  /** Order requests as they left for the venue (live sessions). */
  readonly requests: readonly { readonly w: number; readonly kind: 'submit' | 'cancel' | 'modify'; readonly id: string }[];
  /** How the session ended: its stop reason, or undefined if it did not stop cleanly (a crash, or still running). */
  readonly end: string | undefined;
}

export class RecordingError extends Error {
  override readonly name = 'RecordingError';
}

export interface ReadRecording {
  readonly sessions: readonly SessionRecording[];
  /** Things noticed (a torn last line left out); nothing is changed on disk. */
  readonly notes: readonly string[];
}

/** Whether `stateDir` has a recording directory with at least one segment. */
export function hasRecording(stateDir: string): boolean {
  const dir = join(stateDir, RECORDING_DIR);
  return existsSync(dir) && segments(dir, PREFIX).length > 0;
}

/**
 * Reads every recorded session, oldest first. A torn last line (a session killed mid-write, or one
 * still running) is left out with a note; damage anywhere else, or a newer format, is a
 * RecordingError whose message names the file and line. Nothing on disk is changed.
 */
export function readRecording(stateDir: string): ReadRecording {
  const dir = join(stateDir, RECORDING_DIR);
  let read;
  try {
    read = readJournal<RecordEntry>(dir, PREFIX);
  } catch (err) {
    if (err instanceof JournalError)
      throw new RecordingError(
        err.message.replace(/ Nothing was changed\..*$/, ' Nothing was changed: the recording cannot be replayed past that point; move the damaged segment aside to replay the sessions before it.'),
      );
    throw err;
  }
  const notes: string[] = [];
  if (read.tornTail !== null) notes.push(`the last line of ${read.tornTail.file} is torn (the session was killed while writing it, or is still running); the recording is read up to it`);
  const sessions: SessionRecording[] = [];
  let cur:
    | { header: SessionHeader; data: SessionRecording['data'][number][]; messages: SessionRecording['messages'][number][]; requests: SessionRecording['requests'][number][]; end: string | undefined }
    | undefined;
  for (const { entry: e } of read.lines) {
    if (e.k === 'session') {
      if (e.version > RECORDING_VERSION)
        throw new RecordingError(
          `the recording in ${dir} was written by a newer Parity (recording version ${e.version}; this one reads ${RECORDING_VERSION}). Nothing was changed: replay it with the newer Parity.`,
        );
      cur = { header: e, data: [], messages: [], requests: [], end: undefined };
      sessions.push(cur);
      continue;
    }
    if (cur === undefined) continue; // the start of a session whose header was in a segment moved away
    if (e.k === 'd') cur.data.push({ w: e.w, d: unpackData(e.d, e.w) });
    else if (e.k === 'm') cur.messages.push({ w: e.w, n: e.n, m: e.m });
    else if (e.k === 'o') cur.requests.push({ w: e.w, kind: e.kind, id: e.id });
    else if (e.k === 'end') cur.end = e.reason;
  }
  return { sessions, notes };
}

/** The warm-up bars of a session, as the engine received them. */
export function warmupOf(h: SessionHeader): Bar[] {
  return h.warmup.map((t) => unpackData(t, h.at) as Bar);
}
