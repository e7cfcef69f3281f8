/**
 * The journal's lines and how they are read back: one JSON line per entry, each carrying the
 * schema version, a sequence number and a CRC-32 of its payload, so a torn or corrupted line is
 * detected, never trusted; segments (`<prefix>-<firstSeq>.jsonl`) read in sequence order, a torn
 * last line reported (and cut by the writer's owner), a damaged line anywhere else refused.
 *
 *   {"v":1,"s":42,"c":"1a2b3c4d","e":{...}}
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crcHex } from './crc32.ts';

export const JOURNAL_SCHEMA = 1;

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

/** Journal segment files in a directory, oldest first (`<prefix>-<firstSeq>.jsonl`; the recording uses its own prefix). */
export function segments(dir: string, prefix = 'journal'): { file: string; firstSeq: number }[] {
  const name = new RegExp(`^${prefix}-(\\d+)\\.jsonl$`);
  return readdirSync(dir)
    .map((f) => name.exec(f))
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
export function readJournal<E>(dir: string, prefix = 'journal'): ReadResult<E> {
  const segs = segments(dir, prefix);
  const lines: JournalLine<E>[] = [];
  let tornTail: TornTail | null = null;
  segs.forEach((seg, si) => {
    tornTail = readSegment(seg.file, si === segs.length - 1, lines) ?? tornTail;
  });
  return { lines, tornTail };
}

/**
 * Reads one segment's lines into `into`, by the rules of `readJournal`; `last` says whether it is
 * the last segment (where a torn last line is allowed). Returns the torn tail, if any.
 */
export function readSegment<E>(file: string, last: boolean, into: JournalLine<E>[]): TornTail | null {
  // Walked as bytes so the offsets are byte offsets; each line is decoded on its own.
  const buf = readFileSync(file);
  for (let start = 0, lineNo = 1; start < buf.length; lineNo++) {
    const nl = buf.indexOf(0x0a, start);
    const end = nl === -1 ? buf.length : nl;
    const d = decodeLine<E>(buf.toString('utf8', start, end));
    const isLast = last && end >= buf.length - 1;
    if (!d.ok && d.newer !== undefined) {
      throw new JournalError(`${file} line ${lineNo} was ${d.reason}. Nothing was changed: run the newer Parity, or move the state directory aside to start fresh.`);
    }
    if (isLast && (!d.ok || nl === -1)) return { file, offset: start };
    if (!d.ok) {
      throw new JournalError(
        `${file} line ${lineNo} is damaged (${d.reason}). Nothing was changed. The lines before it are intact; move the file aside (or restore it from a backup) and start again: the venue's state will be reconciled.`,
      );
    }
    into.push(d.line);
    start = end + 1;
  }
  return null;
}
