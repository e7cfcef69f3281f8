/**
 * The control socket over a real Unix socket in a temp state directory: a round trip through a fake
 * handler, the 0600 mode, what a raw client may send (bad JSON, unknown commands, missing reasons,
 * oversized lines), a throwing handler, stale and live socket files at start, and the client's
 * errors when nothing runs or nothing answers.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { controlSocketPath, CtlError, sendControl, startControlServer, type CtlRequest, type CtlResponse } from '../../src/workstation/control-socket.ts';
import { sampleSnapshot } from '../kit/fake-workstation.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parity-ctl-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function serve(dir: string, handle: (req: CtlRequest) => Promise<CtlResponse>, onError?: (e: Error) => void): Promise<{ path: string; close(): Promise<void> }> {
  const s = await startControlServer({ stateDir: dir, handle, ...(onError !== undefined ? { onError } : {}) });
  cleanup.push(() => s.close());
  return s;
}

/** Sends raw bytes (ending the write side) and returns everything the server answered. */
function raw(path: string, data: string | Buffer, end = true): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    let out = '';
    sock.on('data', (d: Buffer) => (out += d.toString()));
    sock.on('end', () => resolve(out));
    sock.on('error', reject);
    sock.on('connect', () => (end ? sock.end(data) : sock.write(data)));
  });
}

const parsed = (line: string): CtlResponse => JSON.parse(line.trim()) as CtlResponse;

describe('control socket', () => {
  it('round trip: the request reaches the handler, the answer reaches the client', async () => {
    const dir = stateDir();
    const seen: CtlRequest[] = [];
    await serve(dir, async (req) => {
      seen.push(req);
      return req.cmd === 'status' ? { ok: true, message: 'running', status: sampleSnapshot() } : { ok: true, message: `${req.cmd} done` };
    });
    const status = await sendControl(dir, { cmd: 'status' });
    expect(status.ok).toBe(true);
    expect(status.status?.status.venue).toBe('binanceusdm');
    expect(status.status?.positions).toHaveLength(2);
    expect(await sendControl(dir, { cmd: 'pause', reason: 'news' })).toEqual({ ok: true, message: 'pause done' });
    expect(seen).toEqual([{ cmd: 'status' }, { cmd: 'pause', reason: 'news' }]);
  });

  it('the socket is 0600, in the state directory, and removed by close()', async () => {
    const dir = stateDir();
    const s = await startControlServer({ stateDir: dir, handle: async () => ({ ok: true, message: '' }) });
    expect(s.path).toBe(controlSocketPath(dir));
    expect(s.path).toBe(join(dir, 'parity.sock'));
    const st = statSync(s.path);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
    await s.close();
    expect(existsSync(s.path)).toBe(false);
  });

  it('refuses malformed requests with ok:false and keeps serving', async () => {
    const dir = stateDir();
    const seen: CtlRequest[] = [];
    const s = await serve(dir, async (req) => (seen.push(req), { ok: true, message: 'fine' }));
    const cases: [string, RegExp][] = [
      ['not json\n', /not valid JSON/],
      ['[1,2]\n', /JSON object/],
      ['{"cmd":"launch"}\n', /unknown command "launch": expected one of status, pause, resume, resolve, flatten, halt, reconcile/],
      ['{"reason":"x"}\n', /unknown command null/],
      ['{"cmd":"halt"}\n', /halt needs a reason/],
      ['{"cmd":"resume","reason":"   "}\n', /resume needs a reason/],
      ['{"cmd":"flatten","reason":42}\n', /flatten needs a reason/],
      [`{"cmd":"pause","reason":"${'x'.repeat(2000)}"}\n`, /at most 1000/],
      ['{"cmd":"resume","reason":"x","confirmed":"yes"}\n', /^resume: "confirmed" must be true or false \(true: leave HALTED or an engine-set state\)$/],
      ['{"cmd":"resolve","choice":"adopt","reason":"x"}\n', /^resolve needs the diff's id: a non-empty "diffId" string \(parity ctl status lists the diffs waiting for a choice\)$/],
      ['{"cmd":"resolve","diffId":"  ","choice":"adopt","reason":"x"}\n', /resolve needs the diff's id/],
      [`{"cmd":"resolve","diffId":"${'d'.repeat(200)}","choice":"adopt","reason":"x"}\n`, /the diff id is 200 characters; at most 100 are accepted/],
      ['{"cmd":"resolve","diffId":"d3","reason":"x"}\n', /^resolve needs a "choice": "adopt" \(take the venue's truth\) or "flatten" \(close the symbol out\)$/],
      ['{"cmd":"resolve","diffId":"d3","choice":"keep","reason":"x"}\n', /resolve needs a "choice": "adopt"/],
      ['{"cmd":"resolve","diffId":"d3","choice":"adopt"}\n', /resolve needs a reason/],
      ['\n', /not valid JSON/],
      ['', /empty request/],
    ];
    for (const [line, msg] of cases) {
      const res = parsed(await raw(s.path, line));
      expect(res.ok, line).toBe(false);
      expect(res.message, line).toMatch(msg);
    }
    // An oversized line is cut off without the server waiting for its end.
    const big = parsed(await raw(s.path, Buffer.alloc(200 * 1024, 0x61), false));
    expect(big).toEqual({ ok: false, message: expect.stringMatching(/larger than 65536 bytes/) as unknown as string });
    // A request without a trailing newline is still answered once the client ends its side; extra lines are ignored.
    expect(parsed(await raw(s.path, '{"cmd":"reconcile"}'))).toEqual({ ok: true, message: 'fine' });
    expect(parsed(await raw(s.path, '{"cmd":"halt","reason":" risk "}\n{"cmd":"status"}\n'))).toEqual({ ok: true, message: 'fine' });
    expect(seen).toEqual([{ cmd: 'reconcile' }, { cmd: 'halt', reason: 'risk' }]);
    // resume carries whether it is confirmed (absent: not); resolve its diff and choice, trimmed.
    seen.length = 0;
    for (const line of [
      '{"cmd":"resume","reason":"checked"}',
      '{"cmd":"resume","reason":"checked","confirmed":true}',
      '{"cmd":"resolve","diffId":" d3 ","choice":"adopt","reason":" venue is right "}',
      '{"cmd":"resolve","diffId":"d4","choice":"flatten","reason":"not ours"}',
    ]) {
      expect(parsed(await raw(s.path, `${line}\n`)).ok, line).toBe(true);
    }
    expect(seen).toEqual([
      { cmd: 'resume', reason: 'checked', confirmed: false },
      { cmd: 'resume', reason: 'checked', confirmed: true },
      { cmd: 'resolve', diffId: 'd3', choice: 'adopt', reason: 'venue is right' },
      { cmd: 'resolve', diffId: 'd4', choice: 'flatten', reason: 'not ours' },
    ]);
    expect((await sendControl(dir, { cmd: 'status' })).ok).toBe(true);
  });

  it('a handler that throws (or rejects) gives ok:false, not a crash', async () => {
    const dir = stateDir();
    const errors: string[] = [];
    await serve(
      dir,
      (req) => {
        if (req.cmd === 'halt') throw new Error('engine queue closed');
        return Promise.reject(new Error('venue unreachable'));
      },
      (e) => errors.push(e.message),
    );
    expect(await sendControl(dir, { cmd: 'halt', reason: 'x' })).toEqual({ ok: false, message: 'halt failed: engine queue closed' });
    expect(await sendControl(dir, { cmd: 'reconcile' })).toEqual({ ok: false, message: 'reconcile failed: venue unreachable' });
    expect(errors).toEqual(['engine queue closed', 'venue unreachable']);
  });

  it('a stale socket file left by a dead process is removed at start', async () => {
    const dir = stateDir();
    const path = controlSocketPath(dir);
    // A process that bound the socket and died without unlinking it (like after kill -9).
    execFileSync('python3', ['-c', `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(path)})`]);
    expect(statSync(path).isSocket()).toBe(true);
    await serve(dir, async () => ({ ok: true, message: 'fresh' }));
    expect(await sendControl(dir, { cmd: 'status' })).toEqual({ ok: true, message: 'fresh' });
  });

  it('a live socket (another instance answers) is an error; a non-socket file is left alone', async () => {
    const dir = stateDir();
    await serve(dir, async () => ({ ok: true, message: 'first' }));
    await expect(startControlServer({ stateDir: dir, handle: async () => ({ ok: true, message: 'second' }) })).rejects.toThrow(/another Parity is already answering/);
    expect(await sendControl(dir, { cmd: 'status' })).toEqual({ ok: true, message: 'first' });
    const other = stateDir();
    writeFileSync(controlSocketPath(other), 'keep me');
    await expect(startControlServer({ stateDir: other, handle: async () => ({ ok: true, message: '' }) })).rejects.toThrow(/is not a socket/);
  });

  it('a path over the Unix socket limit fails clearly, naming the path', async () => {
    const dir = join(stateDir(), 'x'.repeat(120));
    const err = await startControlServer({ stateDir: dir, handle: async () => ({ ok: true, message: '' }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CtlError);
    expect((err as Error).message).toContain(controlSocketPath(dir));
    expect((err as Error).message).toMatch(/107-byte limit/);
    await expect(sendControl(dir, { cmd: 'status' })).rejects.toThrow(/107-byte limit/);
  });

  it('client: nothing running, and a server that never answers', async () => {
    const dir = stateDir();
    const err = await sendControl(dir, { cmd: 'status' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CtlError);
    expect((err as Error).message).toBe(
      `no Parity is running with state directory ${dir} (no control socket at ${join(dir, 'parity.sock')}); ` +
        'start one with: parity run --no-ui ..., or point --state-dir at the directory the running one uses',
    );
    const held: Socket[] = [];
    const mute: Server = createServer({ allowHalfOpen: true }, (sock) => held.push(sock));
    await new Promise<void>((r) => mute.listen(controlSocketPath(dir), r));
    cleanup.push(() => new Promise<void>((r) => (held.forEach((h) => h.destroy()), mute.close(() => r()))));
    await expect(sendControl(dir, { cmd: 'status' }, 200)).rejects.toThrow(/no answer from the Parity at .*parity\.sock within 0\.2 s/);
  });
});
