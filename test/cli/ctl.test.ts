/**
 * `parity ctl` through the real binary against a control server in this process (a fake handler on
 * a temp state directory): what each action sends, what it prints, exit codes 0/1/2, the state
 * directory taken from the config, and the message when no Parity is running.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlServer, type CtlRequest, type CtlResponse } from '../../src/workstation/control-socket.ts';
import { parityAsync } from '../kit/cli.ts';
import { sampleSnapshot } from '../kit/fake-workstation.ts';

let dir: string;
let server: { close(): Promise<void> };
const seen: CtlRequest[] = [];
let next: (req: CtlRequest) => CtlResponse = () => ({ ok: true, message: 'done' });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parity-ctl-cli-'));
  server = await startControlServer({
    stateDir: dir,
    handle: async (req) => {
      seen.push(req);
      return next(req);
    },
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `parity ctl ...` from the temp dir (so no parity.config.json of the repo is picked up). */
async function ctl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string; sent: CtlRequest[] }> {
  seen.length = 0;
  const r = await parityAsync(['ctl', ...args], { cwd: dir });
  return { ...r, sent: [...seen] };
}

describe('parity ctl', () => {
  it('status: a short human summary of the snapshot', async () => {
    next = () => ({ ok: true, message: 'Parity is running', status: sampleSnapshot() });
    const r = await ctl('status', '--state-dir', dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.sent).toEqual([{ cmd: 'status' }]);
    const out = r.stdout;
    expect(out).toContain('Parity is running');
    expect(out).toContain('live binanceusdm  strategy sma-cross');
    expect(out).toContain('state: RUNNING');
    expect(out).toContain('equity 10,234.56 USDT  daily PnL +123.45 USDT');
    expect(out).toMatch(/^ {2}BTCUSDT \+0\.25 @ 95,812\.4 {2}mark 96,120\.5/m);
    expect(out).toMatch(/^ {2}XRPUSDT -1500 @ 1\.1532/m);
    expect(out).toContain('open orders: 4');
    expect(out).toMatch(/critical position-mismatch XRPUSDT: venue shows -2,000 XRPUSDT, local books -1,500 -> paused/);
    expect(out).toContain('rate budget 2280/2400');
  });

  it('status shows a paused state with its reason; --json prints the raw response', async () => {
    const snap = sampleSnapshot();
    next = () => ({ ok: true, message: 'ok', status: { ...snap, status: { ...snap.status, state: 'PAUSED', stateReason: 'operator: news' } } });
    expect((await ctl('status', '--state-dir', dir)).stdout).toContain('state: PAUSED (operator: news)');
    const j = await ctl('status', '--state-dir', dir, '--json');
    expect(j.code).toBe(0);
    const res = JSON.parse(j.stdout) as CtlResponse;
    expect(res.status?.status.state).toBe('PAUSED');
    expect(j.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('pause: default reason; resume/flatten/halt: reason required (usage error, exit 2, nothing sent)', async () => {
    next = (req) => ({ ok: true, message: `${req.cmd} sent` });
    const p = await ctl('pause', '--state-dir', dir);
    expect(p).toMatchObject({ code: 0, stdout: 'pause sent\n', sent: [{ cmd: 'pause', reason: 'operator pause via ctl' }] });
    expect((await ctl('pause', '--state-dir', dir, '--reason', 'CPI print')).sent).toEqual([{ cmd: 'pause', reason: 'CPI print' }]);
    seen.length = 0;
    const actions = ['resume', 'flatten', 'halt'];
    const runs = await Promise.all([...actions.map((a) => parityAsync(['ctl', a, '--state-dir', dir], { cwd: dir })), parityAsync(['ctl', 'pause', '--state-dir', dir, '--reason', ' '], { cwd: dir })]);
    actions.forEach((action, i) => {
      expect(runs[i]?.code, action).toBe(2);
      expect(runs[i]?.stderr).toBe(`parity: parity ctl ${action} needs a reason for the audit journal: pass --reason "<why>", e.g. parity ctl ${action} --reason "funding spike"\n`);
    });
    expect(runs[3]?.code).toBe(2); // an empty --reason is not a default
    expect(seen).toEqual([]);
    const h = await ctl('halt', '--state-dir', dir, '--reason', 'venue incident');
    expect(h).toMatchObject({ code: 0, stdout: 'halt sent\n', sent: [{ cmd: 'halt', reason: 'venue incident' }] });
    expect((await ctl('reconcile', '--state-dir', dir)).sent).toEqual([{ cmd: 'reconcile' }]);
  });

  it('ok:false exits 1 with the message on stderr; an unknown action is a usage error', async () => {
    next = () => ({ ok: false, message: 'already flat: no position to close' });
    const r = await ctl('flatten', '--state-dir', dir, '--reason', 'test');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('parity: already flat: no position to close\n');
    const bad = await ctl('launch', '--state-dir', dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Allowed choices are status, pause, resume, flatten, halt, reconcile/);
  });

  it('takes the state directory from the config file', async () => {
    next = () => ({ ok: true, message: 'from config' });
    const cfg = join(dir, 'ctl.config.json');
    writeFileSync(cfg, JSON.stringify({ stateDir: dir }));
    expect(await ctl('reconcile', '-c', cfg)).toMatchObject({ code: 0, stdout: 'from config\n' });
  });

  it('no Parity running: a clear message and exit 1, no stack trace', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'parity-ctl-none-'));
    try {
      const r = await parityAsync(['ctl', 'status', '--state-dir', empty], { cwd: empty });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `parity: no Parity is running with state directory ${empty} (no control socket at ${join(empty, 'parity.sock')}); ` +
          'start one with: parity run --no-ui ..., or point --state-dir at the directory the running one uses\n',
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
