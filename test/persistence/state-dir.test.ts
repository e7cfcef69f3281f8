import { appendFileSync, chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { initialState, type LoggedMessage } from '../../src/engine/index.ts';
import { encodeLine, JournalWriter, readJournal, segments } from '../../src/persistence/journal.ts';
import { openStateDir, StateDirError } from '../../src/persistence/state-dir.ts';
import { nodeCommand } from '../kit/cli.ts';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'parity-state-'));
const msg = (i: number): LoggedMessage => ({ type: 'StrategyLogged', strategyId: 's' as never, message: `line ${i}`, tsInit: 1000 + i });

function expectStateError(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StateDirError);
    expect((err as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('expected a StateDirError');
}

describe('journal', () => {
  it('writes with group commit and reads back every entry in order', async () => {
    const dir = fresh();
    const w = new JournalWriter({ dir, nextSeq: 0 });
    for (let i = 0; i < 1000; i++) w.append({ k: 'm', m: msg(i) });
    await w.appendDurable({ k: 'm', m: msg(1000) });
    await w.close();
    const r = readJournal<{ k: string; m: LoggedMessage }>(dir);
    expect(r.lines).toHaveLength(1001);
    expect(r.lines.map((l) => l.seq)).toEqual([...Array(1001).keys()]);
    expect(r.tornTail).toBeNull(); // no torn tail
  });

  it.each(['group', 'always', 'none'] as const)('appendDurable resolves when appended while a batch is being written (fsync %s)', async (fsync) => {
    const dir = fresh();
    const w = new JournalWriter({ dir, nextSeq: 0, fsync });
    w.append({ k: 'm', m: msg(0) });
    const inFlight = w.flush();
    const seqs = await Promise.all([w.appendDurable({ k: 'm', m: msg(1) }), w.appendDurable({ k: 'm', m: msg(2) }), inFlight.then(() => -1)]);
    expect(seqs).toEqual([1, 2, -1]);
    for (let i = 3; i < 6; i++) expect(await w.appendDurable({ k: 'm', m: msg(i) })).toBe(i);
    expect(readJournal(dir).lines).toHaveLength(6);
    await w.close();
  });

  it('a journal that can no longer be written is reported once through its sink, never thrown at the caller', async () => {
    const dir = fresh();
    const w = new JournalWriter({ dir, nextSeq: 0, retryDelaysMs: [1, 1] });
    const failures: string[] = [];
    const sink = w.sink((e) => failures.push(e.message));
    rmSync(dir, { recursive: true }); // the disk went away
    sink({ k: 'm', m: msg(0) });
    await w.flush();
    expect(w.error?.message).toMatch(/cannot write the journal .*journal-0\.jsonl after 3 attempts: ENOENT/);
    expect(() => sink({ k: 'm', m: msg(1) })).not.toThrow();
    sink({ k: 'm', m: msg(2) });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/Trading stops; nothing already written is lost/);
  });

  it('drops a torn last line, and refuses a damaged middle line or a newer schema without changing anything', () => {
    const dir = fresh();
    const file = join(dir, 'journal-0.jsonl');
    writeFileSync(file, encodeLine(0, { k: 'm', m: msg(0) }) + encodeLine(1, { k: 'm', m: msg(1) }) + encodeLine(2, { k: 'm', m: msg(2) }).slice(0, 20));
    expect(readJournal(dir).lines).toHaveLength(2);
    expect(readJournal(dir).tornTail).toEqual({ file, offset: Buffer.byteLength(encodeLine(0, { k: 'm', m: msg(0) }) + encodeLine(1, { k: 'm', m: msg(1) })) });
    const damaged = fresh();
    const lines = [0, 1, 2].map((i) => encodeLine(i, { k: 'm', m: msg(i) }));
    writeFileSync(join(damaged, 'journal-0.jsonl'), lines[0] + (lines[1] as string).replace('line 1', 'line X') + lines[2]);
    const before = readFileSync(join(damaged, 'journal-0.jsonl'), 'utf8');
    expectStateError(() => openStateDir(damaged), /line 2 is damaged \(checksum mismatch\)\. Nothing was changed/);
    expect(readFileSync(join(damaged, 'journal-0.jsonl'), 'utf8')).toBe(before);
    const newer = fresh();
    writeFileSync(join(newer, 'journal-0.jsonl'), encodeLine(0, { k: 'm', m: msg(0) }).replace('{"v":1,', '{"v":2,'));
    expectStateError(() => openStateDir(newer), /newer Parity \(journal schema 2; this version reads 1\)/);
  });
});

describe('torn tail repair', () => {
  const text = (i: number, message: string): LoggedMessage => ({ type: 'StrategyLogged', strategyId: 's' as never, message, tsInit: 1000 + i });
  const texts = ['café au lait', 'reason → halt', '価格 上昇', 'emoji 📈 ok'];

  it('cuts at a byte offset: intact lines with non-ASCII text are all kept, byte for byte, and the torn line is dropped', async () => {
    const dir = fresh();
    const file = join(dir, 'journal-0.jsonl');
    const intact = texts.map((t, i) => encodeLine(i, { k: 'm', m: text(i, t) })).join('');
    writeFileSync(file, intact + encodeLine(4, { k: 'm', m: text(4, 'déjà → torn') }).slice(0, 40));
    const b = openStateDir(dir);
    expect(readFileSync(file, 'utf8')).toBe(intact);
    expect(b.recovered.messages.map((m) => (m as { message: string }).message)).toEqual(texts);
    expect(b.recovered.notes.join(' ')).toMatch(/torn/);
    expect(b.journal.nextSeq).toBe(4);
    await b.journal.appendDurable({ k: 'm', m: text(4, 'après') });
    await b.close();
    const c = openStateDir(dir);
    expect(c.recovered.messages.map((m) => (m as { message: string }).message)).toEqual([...texts, 'après']);
    expect(c.recovered.notes).toEqual([]);
    await c.close();
  });

  it('drops a last line that parses but lost its newline, so the next append does not fuse onto it', async () => {
    const dir = fresh();
    const file = join(dir, 'journal-0.jsonl');
    const first = encodeLine(0, { k: 'm', m: text(0, 'café') });
    writeFileSync(file, first + encodeLine(1, { k: 'm', m: text(1, 'no newline') }).slice(0, -1));
    expect(readJournal(dir).tornTail).toEqual({ file, offset: Buffer.byteLength(first) });
    const b = openStateDir(dir);
    expect(readFileSync(file, 'utf8')).toBe(first);
    await b.journal.appendDurable({ k: 'm', m: text(1, 'next') });
    await b.close();
    const c = openStateDir(dir);
    expect(c.recovered.messages.map((m) => (m as { message: string }).message)).toEqual(['café', 'next']);
    await c.close();
  });
});

describe('state directory', () => {
  it('recovers snapshot + journal after a "crash", cutting the torn tail', async () => {
    const dir = fresh();
    const a = openStateDir(dir);
    a.journal.append({ k: 'm', m: msg(0) });
    a.journal.append({ k: 'm', m: msg(1) });
    await a.snapshot(initialState('USDT', '100'), 5000);
    a.journal.append({ k: 'm', m: msg(2) });
    a.journal.append({ k: 'm', m: msg(3) });
    await a.journal.flush();
    // crash: no close(); the lock stays behind with a dead pid, and a half-written line
    const seg = readdirSync(dir)
      .filter((f) => f.startsWith('journal-'))
      .sort()
      .pop() as string;
    appendFileSync(join(dir, seg), '{"v":1,"s":4,"c":"0000');
    writeFileSync(join(dir, 'parity.lock'), '999999');
    const b = openStateDir(dir);
    expect(b.recovered.snapshot?.seq).toBe(2);
    expect(b.recovered.messages.map((m) => (m as { message: string }).message)).toEqual(['line 2', 'line 3']);
    expect(b.recovered.notes.join(' ')).toMatch(/torn/);
    expect(b.journal.nextSeq).toBe(4);
    await b.close();
  });

  it('no usable snapshot and a journal that does not start at the beginning: refused, nothing changed; --rebuild-from-venue sets it aside, keeping the ids', async () => {
    const dir = fresh();
    const a = openStateDir(dir);
    a.reserveIds('s', 1000);
    for (let i = 0; i < 3; i++) {
      a.journal.append({ k: 'm', m: msg(i) });
      await a.snapshot(initialState('USDT', String(100 + i)), i);
    }
    a.journal.append({ k: 'm', m: msg(3) });
    await a.close();
    // Both snapshots deleted (or garbled): what is left of the journal is only the tail of the history.
    rmSync(join(dir, 'snapshot.json'));
    writeFileSync(join(dir, 'snapshot.prev.json'), 'garbage');
    const before = readdirSync(dir).sort();
    expectStateError(
      () => openStateDir(dir),
      /cannot be rebuilt: there is no usable snapshot .*the journal starts at entry 2: the history before it is gone\. Nothing was changed\. .*--rebuild-from-venue/,
    );
    expect(readdirSync(dir).sort()).toEqual(before);
    const b = openStateDir(dir, { rebuildFromVenue: true });
    expect(b.recovered.snapshot).toBeNull();
    expect(b.recovered.messages).toEqual([]);
    expect(b.recovered.rebuilt).toBe(true);
    expect(b.recovered.reserved).toEqual({ s: 1000 });
    expect(b.recovered.notes.join(' ')).toMatch(/rebuilt from the venue .*moved to .*aside-\d+/);
    const aside = readdirSync(dir).filter((f) => f.startsWith('aside-'));
    expect(aside).toHaveLength(1);
    expect(readdirSync(join(dir, aside[0] as string)).sort()).toEqual(['journal-2.jsonl', 'journal-3.jsonl', 'snapshot.prev.json']);
    await b.close();
  });

  it('falls back to the previous snapshot when the newest is corrupt', async () => {
    const dir = fresh();
    const a = openStateDir(dir);
    a.journal.append({ k: 'm', m: msg(0) });
    await a.snapshot(initialState('USDT', '100'), 1);
    a.journal.append({ k: 'm', m: msg(1) });
    await a.snapshot(initialState('USDT', '200'), 2);
    a.journal.append({ k: 'm', m: msg(2) });
    await a.close();
    writeFileSync(join(dir, 'snapshot.json'), '{"v":1,"seq":2,"at":2,"crc":"0000000');
    const b = openStateDir(dir);
    expect(b.recovered.snapshot?.state.ledger.balance).toBe('100');
    expect(b.recovered.messages.map((m) => (m as { message: string }).message)).toEqual(['line 1', 'line 2']);
    expect(b.recovered.notes.join(' ')).toMatch(/snapshot unusable .*does not parse/);
    // The damaged file is kept aside; the next snapshot does not push the good one out.
    const aside = readdirSync(dir).filter((f) => f.startsWith('snapshot.unusable-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0] as string), 'utf8')).toBe('{"v":1,"seq":2,"at":2,"crc":"0000000');
    await b.snapshot(initialState('USDT', '300'), 3);
    await b.close();
    const c = openStateDir(dir);
    expect(c.recovered.snapshot?.state.ledger.balance).toBe('300');
    expect(c.recovered.notes).toEqual([]);
    await c.close();
    writeFileSync(join(dir, 'snapshot.json'), 'garbage');
    const d = openStateDir(dir);
    expect(d.recovered.snapshot?.state.ledger.balance).toBe('100'); // the good previous one survived
    await d.close();
  });

  it('a snapshot covers what was there when it was called: later appends and state changes are after it', async () => {
    const dir = fresh();
    const a = openStateDir(dir);
    a.journal.append({ k: 'm', m: msg(0) });
    const state = initialState('USDT', '100');
    const saving = a.snapshot(state, 1);
    // While the snapshot waits for the journal flush, the kernel carries on.
    a.journal.append({ k: 'm', m: msg(1) });
    (state.ledger as { balance: string }).balance = '999';
    await saving;
    await a.close();
    const b = openStateDir(dir);
    expect(b.recovered.snapshot?.seq).toBe(1);
    expect(b.recovered.snapshot?.state.ledger.balance).toBe('100');
    expect(b.recovered.messages.map((m) => (m as { message: string }).message)).toEqual(['line 1']);
    await b.close();
  });

  it('keeps history back to the previous snapshot, tracked across snapshots without re-reading them', async () => {
    const dir = fresh();
    const a = openStateDir(dir);
    for (let i = 0; i < 4; i++) {
      a.journal.append({ k: 'm', m: msg(i) });
      await a.snapshot(initialState('USDT', String(100 + i)), i);
    }
    await a.close();
    // Snapshots at seqs 1..4; the previous one (seq 3) needs journal-3 (journal-4 is made by its first append).
    expect(segments(dir).map((x) => x.firstSeq)).toEqual([3]);
    expect(JSON.parse(readFileSync(join(dir, 'snapshot.prev.json'), 'utf8')).seq).toBe(3);
    const b = openStateDir(dir);
    expect(b.recovered.snapshot?.seq).toBe(4);
    expect(b.recovered.snapshot?.state.ledger.balance).toBe('103');
    await b.close();
  });

  it('refuses a snapshot from a newer schema, changing nothing, and tells it apart by a flag, not by message text', async () => {
    const newer = fresh();
    const a = openStateDir(newer);
    await a.snapshot(initialState('USDT', '100'), 1);
    await a.close();
    const doc = JSON.parse(readFileSync(join(newer, 'snapshot.json'), 'utf8')) as { v: number };
    writeFileSync(join(newer, 'snapshot.json'), JSON.stringify({ ...doc, v: 2 }));
    const before = readdirSync(newer).sort();
    expectStateError(() => openStateDir(newer), /newer Parity \(snapshot schema 2; this version reads 1\)\. Nothing was changed/);
    expect(readdirSync(newer).sort()).toEqual(before);
    // A corrupt snapshot whose path merely reads "newer Parity" is a corrupt snapshot: the previous one is used.
    const odd = mkdtempSync(join(tmpdir(), 'newer Parity-'));
    const b = openStateDir(odd);
    await b.snapshot(initialState('USDT', '100'), 1);
    await b.snapshot(initialState('USDT', '200'), 2);
    await b.close();
    writeFileSync(join(odd, 'snapshot.json'), 'garbage');
    const c = openStateDir(odd);
    expect(c.recovered.snapshot?.state.ledger.balance).toBe('100');
    expect(c.recovered.notes.join(' ')).toMatch(/snapshot unusable .*does not parse/);
    await c.close();
  });

  it('refuses a second instance, with a clear message', async () => {
    const dir = fresh();
    const a = openStateDir(dir);
    writeFileSync(join(dir, 'parity.lock'), '1'); // pid 1 is alive: another instance holds it
    expectStateError(() => openStateDir(dir), /another Parity \(pid 1\) is using the state directory/);
    await a.close();
  });

  it('refuses a directory it cannot write, changing nothing (nor loosening its mode)', () => {
    const dir = fresh();
    chmodSync(dir, 0o555);
    const code = `import('${process.cwd()}/src/persistence/state-dir.ts').then((m) => { try { m.openStateDir('${dir}'); console.log('opened'); } catch (e) { console.log(e.message); } })`;
    const [cmd, argv] = nodeCommand(['--import', 'tsx', '-e', code], { noPermissionBypass: true });
    const r = spawnSync(cmd, argv, { encoding: 'utf8', cwd: process.cwd() });
    expect(r.stdout).toMatch(/cannot write in the state directory .*: permission denied\. Nothing was changed/);
    expect(readdirSync(dir)).toEqual([]);
    expect(statSync(dir).mode & 0o777).toBe(0o500); // others lost read; the owner did not gain write
  });

  it('tightens a loose directory to its owner', async () => {
    const dir = fresh();
    chmodSync(dir, 0o755);
    await openStateDir(dir).close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('reserves order ids durably', async () => {
    const dir = fresh();
    const a = openStateDir(dir);
    a.reserveIds('sma-cross', 1000);
    a.reserveIds('mean-rev', 2000);
    await a.close();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(statSync(join(dir, 'ids.json')).mode & 0o777).toBe(0o600);
    const b = openStateDir(dir);
    expect(b.recovered.reserved).toEqual({ 'sma-cross': 1000, 'mean-rev': 2000 });
    await b.close();
  });
});
