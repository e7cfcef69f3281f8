/**
 * The journal writer under the conditions a live session puts it in: appends that never stop while
 * segments roll at every snapshot, and write failures that pass (a full disk freed, an I/O hiccup)
 * or do not. Every entry appended must be on disk, once, in order, in the segment its sequence
 * number belongs to.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JournalWriter, readJournal, segments, type JournalFile } from '../../src/persistence/journal.ts';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'parity-journal-'));
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Every segment's lines start at the sequence number in its name and run on without a gap. */
function expectSegmentsConsistent(dir: string, total: number): void {
  const segs = segments(dir);
  let next = 0;
  for (const s of segs) {
    const text = readFileSync(s.file, 'utf8');
    const seqs = text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => Number(/"s":(\d+)/.exec(l)?.[1]));
    if (seqs.length === 0) continue;
    expect(seqs[0]).toBe(s.firstSeq);
    expect(seqs[0]).toBe(next);
    next += seqs.length;
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => s.firstSeq + i));
  }
  expect(next).toBe(total);
}

/** The real file, with its writes going through `write` (to fail them as a sick disk does). */
function faultyFile(write: (fh: FileHandle, data: string) => Promise<unknown>): (path: string) => Promise<JournalFile> {
  return async (path) => {
    const fh = await open(path, 'a+', 0o600);
    return { stat: () => fh.stat(), truncate: (len) => fh.truncate(len), datasync: () => fh.datasync(), close: () => fh.close(), write: (data) => write(fh, data) };
  };
}

describe('journal writer', () => {
  it('a roll never loses or refuses an entry appended while it runs (appends keep coming, as in a session)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean()), { minLength: 5, maxLength: 60 }),
        fc.constantFrom('group' as const, 'always' as const, 'none' as const),
        async (steps, fsync) => {
          const dir = fresh();
          const w = new JournalWriter({ dir, nextSeq: 0, fsync, groupMs: 0 });
          const errors: string[] = [];
          const sink = w.sink((e) => errors.push(e.message));
          const rolls: Promise<void>[] = [];
          let n = 0;
          for (const [appends, roll] of steps) {
            for (let i = 0; i < appends; i++) sink({ n: n++ });
            if (roll) rolls.push(w.roll());
            // Appends land at every phase of a roll: before its flush ends, while the old file closes, after.
            await tick();
          }
          await Promise.all(rolls);
          await w.close();
          expect(errors).toEqual([]);
          expect(w.error).toBeUndefined();
          const r = readJournal<{ n: number }>(dir);
          expect(r.tornTail).toBeNull();
          expect(r.lines.map((l) => l.entry.n)).toEqual([...Array(n).keys()]);
          expectSegmentsConsistent(dir, n);
          rmSync(dir, { recursive: true });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('entries appended after a roll go to the new segment, named by the first sequence number it holds', async () => {
    const dir = fresh();
    const w = new JournalWriter({ dir, nextSeq: 0 });
    w.append({ n: 0 });
    w.append({ n: 1 });
    const rolled = w.roll();
    w.append({ n: 2 }); // appended while the roll's flush is still in flight
    await rolled;
    w.append({ n: 3 });
    await w.close();
    expect(readdirSync(dir).sort()).toEqual(['journal-0.jsonl', 'journal-2.jsonl']);
    expectSegmentsConsistent(dir, 4);
  });

  it('a write that fails and then succeeds is retried: nothing is lost, nothing is written twice, no failure is reported', async () => {
    const dir = fresh();
    let failuresLeft = 3;
    const flaky = faultyFile(async (fh, data) => {
      if (failuresLeft-- > 0) {
        // A torn write, as a full disk leaves it: part of the batch made it, then the error.
        await fh.write(data.slice(0, Math.floor(data.length / 2)));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }
      return fh.write(data);
    });
    const retries: string[] = [];
    const w = new JournalWriter({ dir, nextSeq: 0, openFile: flaky, retryDelaysMs: [1, 1, 1, 1], onRetry: (m) => retries.push(m) });
    const errors: string[] = [];
    const sink = w.sink((e) => errors.push(e.message));
    for (let i = 0; i < 10; i++) sink({ n: i });
    await w.appendDurable({ n: 10 });
    await w.close();
    expect(errors).toEqual([]);
    expect(retries).toHaveLength(3);
    expect(retries[0]).toMatch(/ENOSPC/);
    const r = readJournal<{ n: number }>(dir);
    expect(r.tornTail).toBeNull();
    expect(r.lines.map((l) => l.entry.n)).toEqual([...Array(11).keys()]);
  });

  it('a write that keeps failing halts with its cause, once, after the retries; what was written before stays', async () => {
    const dir = fresh();
    let writes = 0;
    const dying = faultyFile(async (fh, data) => {
      if (++writes > 1) throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
      return fh.write(data);
    });
    const w = new JournalWriter({ dir, nextSeq: 0, openFile: dying, retryDelaysMs: [1, 1, 1] });
    const errors: string[] = [];
    const sink = w.sink((e) => errors.push(e.message));
    await w.appendDurable({ n: 0 });
    sink({ n: 1 });
    await expect(w.appendDurable({ n: 2 })).rejects.toThrow(/EIO/);
    sink({ n: 3 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/cannot write the journal .*journal-0\.jsonl after 4 attempts: EIO: i\/o error/);
    expect(errors[0]).toMatch(/Trading stops/);
    expect(readJournal<{ n: number }>(dir).lines.map((l) => l.entry.n)).toEqual([0]);
  });
});
