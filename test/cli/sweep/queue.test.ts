/**
 * The distributed sweep: a real redis-server on loopback, two `parity worker` processes, and a
 * `parity sweep --queue` whose results must equal the same sweep run locally.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, expectClearFailure, parityAsync as parityRun } from '../../kit/cli.ts';

/** Each run of the binary ends within this, or is killed and fails its test with what it printed. */
const LIMIT_MS = 120_000;
const parityAsync = (args: readonly string[]): ReturnType<typeof parityRun> => parityRun(args, { timeoutMs: LIMIT_MS });

const ARGS = ['sweep', '--from', '2024-12-02', '--to', '2024-12-05', '--param', 'fast=5,10,20', '--param', 'slow=40,80', '--fee-bps', '4', '--json'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves when `child` writes a line matching `pattern` on `stream`; rejects if it exits first. */
function waitFor(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp, log: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const src = child[stream];
    if (src === null) return reject(new Error('no stream'));
    src.on('data', (d: Buffer) => {
      log.push(d.toString());
      if (pattern.test(log.join(''))) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before printing ${pattern}: ${log.join('')}`)));
  });
}

let redis: ChildProcess | undefined;
const workers: { child: ChildProcess; log: string[] }[] = [];
let url = '';

beforeAll(async () => {
  if (spawnSync('redis-server', ['--version']).error !== undefined) {
    throw new Error('redis-server is not installed: this test needs a real one on loopback. Install the Debian package: apt-get install -y redis-server (.ci/run does this when it is missing).');
  }
  const started = await startRedis();
  redis = started.child;
  url = `redis://127.0.0.1:${started.port}`;
  for (let i = 0; i < 2; i++) {
    const child = spawn(process.execPath, [BIN, 'worker', '--queue', url, '--workers', '1'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    workers.push({ child, log });
    await waitFor(child, 'stderr', /taking sweep runs from/, log);
  }
}, 120_000);

afterAll(async () => {
  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((res) => (w.child.exitCode === null ? w.child.once('exit', res) : res(undefined)))));
  redis?.kill('SIGTERM');
});

const comparable = (stdout: string): unknown => {
  const { elapsedMs: _e, where: _w, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
  return rest;
};

/** A redis-server of its own on a free loopback port; resolves once it accepts connections. */
async function startRedis(): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitFor(child, 'stdout', /Ready to accept connections/, []);
  return { child, port };
}

describe('parity sweep --queue (BullMQ on a real redis-server, two parity worker processes)', () => {
  it('gives the same results as the local sweep, with runs taken by both workers', async () => {
    const [queued, local] = await Promise.all([parityAsync([...ARGS, '--queue', url]), parityAsync([...ARGS, '--workers', '1'])]);
    expect(queued.code, queued.stderr).toBe(0);
    expect(local.code, local.stderr).toBe(0);
    expect((JSON.parse(queued.stdout) as { where: string }).where).toBe(`the queue parity-sweep at ${url}`);
    const q = comparable(queued.stdout) as { runs: unknown[] };
    expect(q.runs).toHaveLength(6);
    expect(q).toEqual(comparable(local.stdout));
    const done = workers.map((w) => (w.log.join('').match(/run \d+ \(.*\) done in/g) ?? []).length);
    expect(done.reduce((a, b) => a + b, 0)).toBe(6);
    for (const n of done) expect(n).toBeGreaterThan(0);
  }, 300_000);

  it('walks forward on the queue too, with the same windows and picks', async () => {
    const wf = [...ARGS, '--walk-forward', '2'];
    const [queued, local] = await Promise.all([parityAsync([...wf, '--queue', url]), parityAsync([...wf, '--workers', '1'])]);
    expect(queued.code, queued.stderr).toBe(0);
    expect(comparable(queued.stdout)).toEqual(comparable(local.stdout));
  }, 300_000);

  it('a sweep whose events are lost still finishes: the runs are looked up in Redis', async () => {
    // The producer is stopped while a worker does every run, and the event stream is deleted before
    // it goes on: no 'completed' event reaches it. Waiting on events alone, it waited forever.
    const own = await startRedis();
    const cli = (...a: string[]): string => spawnSync('redis-cli', ['-p', String(own.port), ...a], { encoding: 'utf8' }).stdout.trim();
    const ownUrl = `redis://127.0.0.1:${own.port}`;
    const local = parityAsync([...ARGS, '--workers', '1']);
    const pending = parityAsync([...ARGS, '--queue', ownUrl]);
    for (let i = 0; i < 300 && Number(cli('llen', 'bull:parity-sweep:wait')) < 6; i++) await new Promise((res) => setTimeout(res, 200));
    expect(Number(cli('llen', 'bull:parity-sweep:wait'))).toBe(6);
    await new Promise((res) => setTimeout(res, 500)); // past its first look at the runs
    process.kill(pending.pid as number, 'SIGSTOP');
    const worker = spawn(process.execPath, [BIN, 'worker', '--queue', ownUrl, '--workers', '1'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      for (let i = 0; i < 300 && Number(cli('zcard', 'bull:parity-sweep:completed')) < 6; i++) await new Promise((res) => setTimeout(res, 100));
      expect(Number(cli('zcard', 'bull:parity-sweep:completed'))).toBe(6);
      expect(cli('del', 'bull:parity-sweep:events')).toBe('1');
    } finally {
      process.kill(pending.pid as number, 'SIGCONT');
    }
    const r = await pending;
    worker.kill('SIGTERM');
    own.child.kill('SIGTERM');
    expect(r.code, r.stderr).toBe(0);
    expect(comparable(r.stdout)).toEqual(comparable((await local).stdout));
  }, 180_000);

  it('an unreachable Redis: one clear message, nothing queued or run, a non-zero exit', async () => {
    const closed = `redis://127.0.0.1:${await freePort()}`;
    const r = await parityAsync([...ARGS, '--queue', closed]);
    expectClearFailure(r, new RegExp(`cannot reach Redis at ${closed} \\(.*ECONNREFUSED.*\\)\\. No run was queued and nothing was run`));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const w = await parityAsync(['worker', '--queue', closed]);
    expectClearFailure(w, /cannot reach Redis at .*This worker took no run/);
    expectClearFailure(await parityAsync([...ARGS, '--queue', 'http://127.0.0.1:6379']), /--queue http:\/\/127.0.0.1:6379: expected a redis:\/\/ \(or rediss:\/\/\) URL/);
    expectClearFailure(await parityAsync([...ARGS, '--queue', url, '--workers', '2']), /--workers sets the threads of a local sweep; with --queue .* give --workers to them/);
  }, 120_000);

  it('Redis lost while the sweep waits: one clear message and a non-zero exit, not a hang', async () => {
    const own = await startRedis();
    const pending = parityAsync([...ARGS, '--queue', `redis://127.0.0.1:${own.port}`]); // no worker takes these
    const queued = (): number => Number(spawnSync('redis-cli', ['-p', String(own.port), 'llen', 'bull:parity-sweep:wait'], { encoding: 'utf8' }).stdout.trim() || 0);
    for (let i = 0; i < 300 && queued() < 6; i++) await new Promise((res) => setTimeout(res, 200));
    expect(queued()).toBe(6);
    own.child.kill('SIGKILL');
    const r = await pending;
    expectClearFailure(r, /lost Redis at redis:\/\/127.0.0.1:\d+: no answer for 15 s, when 0 of 6 runs were done\. Nothing was printed/);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  }, 180_000);
});
