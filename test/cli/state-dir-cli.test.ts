/**
 * `parity run` on a damaged or unusable state directory: a clear message, and nothing overwritten.
 * Recoverable damage (a torn journal tail, an unparsable snapshot) is handled and said; what cannot
 * be trusted (a newer schema, a damaged middle line, no permission) stops the start, unchanged.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSession } from '../../src/cli/run/session.ts';
import { buildRunSpec } from '../../src/cli/run/spec.ts';
import { nodeScheduler } from '../../src/cli/node-scheduler.ts';
import { startLocalExchange, type LocalExchange } from '../../src/local-exchange/index.ts';
import { encodeLine, segments } from '../../src/persistence/journal.ts';
import { BIN, localXrp5m, parityAsync, ROOT } from '../kit/cli.ts';

const CHURN = fileURLToPath(new URL('../kit/strategies/churn.ts', import.meta.url));
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let lx: LocalExchange;

beforeAll(async () => {
  lx = await startLocalExchange({ mode: 'manual' });
});
afterAll(async () => lx.close());

const runArgs = (stateDir: string): string[] => [
  'run',
  '--no-ui',
  '--mode',
  'paper',
  ...localXrp5m(lx.url),
  '--strategy',
  CHURN,
  '--warmup',
  '5',
  '--feed',
  'bars',
  '--latency',
  '0',
  '--state-dir',
  stateDir,
  '--duration',
  '1',
];

/** A state directory with real history: a paper session that traded a few bars, then stopped (final snapshot). */
async function tradedStateDir(mode: 'paper' | 'live' = 'paper', snapshots = false): Promise<string> {
  const stateDir = mkdtempSync(join(tmpdir(), 'parity-sd-cli-'));
  const config = snapshots ? { persistence: { snapshotEveryMs: 200 } } : {};
  const spec = buildRunSpec({ stateDir, mode, exchange: 'local', exchangeUrl: lx.url, symbol: ['XRPUSDT'], strategy: CHURN, timeframe: '5m', warmup: 5, feed: 'bars', latency: '0' }, config);
  const s = await startSession(spec, { log: () => undefined }, { scheduler: nodeScheduler, env: {} });
  await settle(100);
  for (let i = 0; i < 4; i++) {
    lx.advance(5 * 60_000);
    await settle(snapshots ? 300 : 60); // with snapshots: several, so the start of the journal is pruned
  }
  await s.stop('test');
  return stateDir;
}

/** Every file under `dir` (the recording is a folder of its own), by relative path. */
function contents(dir: string, under = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(dir, under), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = join(under, e.name);
    if (e.isDirectory()) Object.assign(out, contents(dir, rel));
    else out[rel] = readFileSync(join(dir, rel), 'utf8');
  }
  return out;
}

const records = (stdout: string): Record<string, unknown>[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('parity run: a state directory it must not trust', () => {
  it('a journal written by a newer Parity: refused, nothing changed', async () => {
    const dir = await tradedStateDir();
    const last = segments(dir).at(-1)?.file as string;
    appendFileSync(last, encodeLine(999_999, { k: 'm', m: { type: 'Future' } }).replace('{"v":1,', '{"v":2,'));
    const before = contents(dir);
    const r = await parityAsync(runArgs(dir));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^parity: .*journal-\d+\.jsonl line \d+ was written by a newer Parity \(journal schema 2; this version reads 1\)\. Nothing was changed/);
    expect(r.stderr).not.toMatch(/unexpected error|at .*\.ts:\d+/);
    expect(contents(dir)).toEqual(before);
  });

  it('a damaged line in the middle of the journal: refused, nothing changed', async () => {
    const dir = await tradedStateDir();
    const first = segments(dir)[0]?.file as string;
    const text = readFileSync(first, 'utf8');
    writeFileSync(first, text.replace('"type":"', '"type":"X'));
    const before = contents(dir);
    const r = await parityAsync(runArgs(dir));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^parity: .*journal-\d+\.jsonl line \d+ is damaged \(checksum mismatch\)\. Nothing was changed/);
    expect(contents(dir)).toEqual(before);
  });

  it('a snapshot written by a newer Parity: refused, nothing changed', async () => {
    const dir = await tradedStateDir();
    const snap = JSON.parse(readFileSync(join(dir, 'snapshot.json'), 'utf8')) as { v: number };
    writeFileSync(join(dir, 'snapshot.json'), JSON.stringify({ ...snap, v: 9 }));
    const before = contents(dir);
    const r = await parityAsync(runArgs(dir));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^parity: .*snapshot\.json was written by a newer Parity \(snapshot schema 9; this version reads 1\)\. Nothing was changed/);
    expect(contents(dir)).toEqual(before);
  });

  it('a state directory it cannot write: refused, nothing created', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parity-sd-ro-'));
    chmodSync(dir, 0o555);
    const r = await parityAsync(runArgs(dir), { env: { HOME: tmpdir() }, noPermissionBypass: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^parity: cannot write in the state directory .*: permission denied\. Nothing was changed\. Fix the permissions or pass another --state-dir/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('parity run: damage it can recover from is handled and said', () => {
  it('a torn last journal line (killed mid-write) is dropped; the intact history is kept', async () => {
    const dir = await tradedStateDir();
    const last = segments(dir).at(-1)?.file as string;
    const intact = existsSync(last) ? readFileSync(last, 'utf8') : '';
    appendFileSync(last, encodeLine(424_242, { k: 'm', m: { type: 'OrderFilled' } }).slice(0, 25));
    const r = await parityAsync(runArgs(dir));
    expect(r.code).toBe(0);
    const recs = records(r.stdout);
    expect(recs.find((x) => x['kind'] === 'recovery')?.['message']).toMatch(/last journal line was torn .* dropped/);
    expect(recs.some((x) => x['kind'] === 'reconciled')).toBe(true);
    expect(readFileSync(last, 'utf8').startsWith(intact)).toBe(true);
    expect(readFileSync(last, 'utf8')).not.toContain('"s":424242');
  });

  it('no usable snapshot and only the tail of the journal: refused with the way out, nothing changed (a paper account came back short before)', async () => {
    const dir = await tradedStateDir('paper', true);
    expect(segments(dir)[0]?.firstSeq).toBeGreaterThan(0);
    rmSync(join(dir, 'snapshot.json'));
    writeFileSync(join(dir, 'snapshot.prev.json'), '{"v":1,"seq":');
    const before = contents(dir);
    const r = await parityAsync(runArgs(dir));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /^parity: the state in .* cannot be rebuilt: there is no usable snapshot .* the journal starts at entry \d+: the history before it is gone\. Nothing was changed\..*--rebuild-from-venue/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(contents(dir)).toEqual(before);
    const paper = await parityAsync([...runArgs(dir), '--rebuild-from-venue']);
    expect(paper.code).toBe(2);
    expect(paper.stderr).toMatch(/--rebuild-from-venue .* needs --mode live: a paper account has no books at the venue/);
    expect(contents(dir)).toEqual(before);
  });

  it("--rebuild-from-venue on a live account: the old state set aside, the venue's books taken and said, trading resumes", async () => {
    const dir = await tradedStateDir('live', true);
    const live = (extra: string[] = []): string[] => [...runArgs(dir).map((a) => (a === 'paper' ? 'live' : a)), ...extra];
    rmSync(join(dir, 'snapshot.json'));
    rmSync(join(dir, 'snapshot.prev.json'));
    expect((await parityAsync(live())).stderr).toMatch(/cannot be rebuilt/);
    const venueQty = Number(lx.state().positions.find((p) => p.symbol === 'XRPUSDT')?.qty ?? 0);
    const r = await parityAsync(live(['--rebuild-from-venue']));
    expect(r.code).toBe(0);
    const recs = records(r.stdout);
    expect(
      recs
        .filter((x) => x['kind'] === 'recovery')
        .map((x) => String(x['message']))
        .join('\n'),
    ).toMatch(/rebuilt from the venue \(--rebuild-from-venue\).*moved to .*aside-\d+/);
    expect((recs.find((x) => x['kind'] === 'reconciled')?.['positions'] as Record<string, unknown>)['XRPUSDT']).toBe(venueQty);
    expect(recs.filter((x) => x['kind'] === 'diff' && x['diff'] === 'position_mismatch')).toEqual([]);
    expect(readdirSync(dir).some((f) => f.startsWith('aside-'))).toBe(true);
    // Order ids go on above the old ones: none reused.
    const ids = lx.state().orders.map((o) => o.clientOrderId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a snapshot that does not parse: the previous state comes from the journal; the bad file is kept aside', async () => {
    const dir = await tradedStateDir();
    const probe = await parityAsync(runArgs(dir)); // the state as restored from an intact directory
    const positionBefore = (records(probe.stdout).find((x) => x['kind'] === 'reconciled')?.['positions'] as Record<string, unknown>)['XRPUSDT'];
    writeFileSync(join(dir, 'snapshot.json'), '{"v":1,"seq":12,"state":{"orders":[');
    const r = await parityAsync(runArgs(dir));
    expect(r.code).toBe(0);
    const recs = records(r.stdout);
    expect(
      recs
        .filter((x) => x['kind'] === 'recovery')
        .map((x) => x['message'])
        .join('\n'),
    ).toMatch(/snapshot unusable \(.*snapshot\.json does not parse/);
    const reconciled = recs.find((x) => x['kind'] === 'reconciled');
    expect((reconciled?.['positions'] as Record<string, unknown>)['XRPUSDT']).toBe(positionBefore);
    const aside = readdirSync(dir).filter((f) => f.startsWith('snapshot.unusable-'));
    expect(aside.map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(['{"v":1,"seq":12,"state":{"orders":[']);
  });
});

/**
 * A `parity run` child and its JSON log: `record(kind)` resolves with the first record of that kind,
 * and rejects (with stderr) if the process exits first. Waiting on the session's own lines, however
 * long a loaded machine takes to get there, instead of on a fixed time.
 */
function session(args: readonly string[]): {
  child: ReturnType<typeof spawn>;
  lines: Record<string, unknown>[];
  record(kind: string): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  const lines: Record<string, unknown>[] = [];
  const waiting: { kind: string; resolve: (r: Record<string, unknown>) => void }[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on('line', (l) => {
    if (!l.startsWith('{')) return;
    const r = JSON.parse(l) as Record<string, unknown>;
    lines.push(r);
    for (const w of waiting.filter((x) => x.kind === r['kind'])) w.resolve(r);
  });
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const record = (kind: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const seen = lines.find((r) => r['kind'] === kind);
      if (seen !== undefined) return resolve(seen);
      waiting.push({ kind, resolve });
      void exited.then((code) => reject(new Error(`parity run exited (${code}) before logging "${kind}": ${stderr.trim()}`)));
    });
  return { child, lines, record, exited };
}

describe('parity run: signals', () => {
  it.each(['paper', 'live'])(
    'SIGTERM stops a %s session cleanly: final snapshot, "stopped" logged, exit 0',
    async (mode) => {
      const dir = mkdtempSync(join(tmpdir(), 'parity-sd-term-'));
      const args = runArgs(dir)
        .slice(0, -2)
        .map((a) => (a === 'paper' ? mode : a)); // no --duration
      const s = session(args);
      try {
        await s.record('reconciled');
        await s.record('started');
        s.child.kill('SIGTERM');
        expect(await s.record('stopped')).toMatchObject({ kind: 'stopped', reason: 'received SIGTERM' });
        expect(await s.exited).toBe(0);
        expect(s.lines.at(-1)?.['kind']).toBe('stopped');
        expect(existsSync(join(dir, 'snapshot.json'))).toBe(true);
        expect(existsSync(join(dir, 'parity.lock'))).toBe(false);
      } finally {
        if (s.child.exitCode === null) s.child.kill('SIGKILL');
      }
    },
    // A backstop only: on a loaded machine start-up alone can take tens of seconds; the test waits for the lines, not a time.
    240_000,
  );
});
