/**
 * `parity ctl` through the real binary against a control server in this process (a fake handler on
 * a temp state directory): what each action sends, what it prints, exit codes 0/1/2, the state
 * directory taken from the config, and the message when no Parity is running. Also what the
 * running session makes of a ctl request (handleCtl: the desk's command, every field passed on).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCtl } from '../../src/cli/run/operations.ts';
import type { Session } from '../../src/cli/run/session.ts';
import { startControlServer, type CtlRequest, type CtlResponse } from '../../src/workstation/control-socket.ts';
import type { OperatorCommand, WorkstationSnapshot } from '../../src/workstation/model.ts';
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
    expect(out).toContain('faults: none');
    expect(out).toContain('rate budget 2280/2400');
    // The diff waiting for a choice comes first, with its id and the commands to run; the rest after.
    const lines = out.split('\n');
    const waiting = lines.indexOf('waiting for your choice (1): the engine paused trading for it');
    expect(waiting).toBeGreaterThan(lines.findIndex((l) => l.startsWith('state: ')));
    expect(waiting).toBeLessThan(lines.findIndex((l) => l.startsWith('equity ')));
    expect(lines.slice(waiting + 1, waiting + 4)).toEqual([
      '  d2 critical position-mismatch XRPUSDT: venue shows -2,000 XRPUSDT, local books -1,500',
      `    take the venue's truth: parity ctl resolve d2 --adopt --reason "<why>" --state-dir ${dir}`,
      `    close XRPUSDT out:      parity ctl resolve d2 --flatten --reason "<why>" --state-dir ${dir}`,
    ]);
    expect(out).toContain('other reconciliation diffs (2 of 2):');
    expect(out).toMatch(/^ {2}2024-12-12 13:36:07 d1 warn unknown-order BTCUSDT: venue order 8389765 is not in the local books -> adopted$/m);
    expect(out).not.toMatch(/d2 critical.* -> pausing/);
  });

  it('status counts the bad market data the session dropped, by class, and the gaps', async () => {
    const snap = sampleSnapshot();
    const dataQuality = { dropped: 3, counts: { spike: 2, crossed: 1, sigma: 0 }, gaps: 1, missingBars: 4 };
    next = () => ({ ok: true, message: 'Parity is running', status: { ...snap, status: { ...snap.status, dataQuality } } });
    const r = await ctl('status', '--state-dir', dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('data: 3 bad events dropped (crossed 1, spike 2), 1 gap (4 bars missing; the bars after them kept)');
  });

  it('status says who set the state, what resuming needs, and every strategy fault; a stale feed', async () => {
    const snap = sampleSnapshot();
    const faults = [{ strategy: 'mean-reversion', handler: 'onBar', message: 'TypeError: x is undefined', ts: snap.status.now - 5000 }];
    const st = { ...snap.status, state: 'PAUSED' as const, stateReason: 'strategy mean-reversion faulted', stateSetByEngine: true, faults, marketData: 'stale' as const };
    next = () => ({ ok: true, message: 'ok', status: { ...snap, status: st, diffs: [] } });
    const out = (await ctl('status', '--state-dir', dir)).stdout;
    expect(out).toContain('state: PAUSED (set by the engine: strategy mean-reversion faulted)\n');
    expect(out).toContain(`  to resume after checking: parity ctl resume --reason "<why>" --confirm --state-dir ${dir}\n`);
    expect(out).toContain('faults (1): stopped, orders canceled, positions kept\n  mean-reversion: onBar threw TypeError: x is undefined (at 2024-12-12 13:41:02 UTC)\n');
    expect(out).toContain('market data STALE (connected, nothing arrived for too long), user stream up');
    expect(out).toContain('reconciliation diffs: none');
    expect(out).not.toContain('waiting for your choice');
    next = () => ({ ok: true, message: 'ok', status: { ...snap, status: { ...st, state: 'HALTED', stateReason: 'operator halt: news', stateSetByEngine: false, faults: [] } } });
    const halted = (await ctl('status', '--state-dir', dir)).stdout;
    expect(halted).toContain('state: HALTED (operator halt: news)\n  to resume after checking: parity ctl resume');
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
    const runs = await Promise.all([
      ...actions.map((a) => parityAsync(['ctl', a, '--state-dir', dir], { cwd: dir })),
      parityAsync(['ctl', 'pause', '--state-dir', dir, '--reason', ' '], { cwd: dir }),
    ]);
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

  it('resume: --confirm sends confirmed:true; without it confirmed:false, and a refusal exits 1 saying how to confirm', async () => {
    next = (req) => (req.cmd === 'resume' && !req.confirmed ? { ok: false, message: 'resume refused: HALTED needs a confirmed resume' } : { ok: true, message: 'resumed: trading' });
    const yes = await ctl('resume', '--state-dir', dir, '--reason', 'checked the venue', '--confirm');
    expect(yes).toMatchObject({ code: 0, stdout: 'resumed: trading\n', sent: [{ cmd: 'resume', reason: 'checked the venue', confirmed: true }] });
    const no = await ctl('resume', '--state-dir', dir, '--reason', 'checked the venue');
    expect(no.sent).toEqual([{ cmd: 'resume', reason: 'checked the venue', confirmed: false }]);
    expect(no.code).toBe(1);
    expect(no.stdout).toBe('');
    expect(no.stderr).toBe(
      'parity: resume refused: HALTED needs a confirmed resume\n' +
        `nothing was changed; once you have checked, resume with: parity ctl resume --reason "checked the venue" --confirm --state-dir ${dir}\n`,
    );
    const bad = await ctl('pause', '--state-dir', dir, '--confirm');
    expect(bad).toMatchObject({ code: 2, sent: [] });
    expect(bad.stderr).toBe('parity: --confirm is for parity ctl resume only (leaving HALTED or a state the engine set); nothing was sent\n');
  });

  it('resolve <diff-id> --adopt|--flatten --reason: sends the choice; anything else is a usage error (exit 2, nothing sent)', async () => {
    next = (req) => ({ ok: true, message: req.cmd === 'resolve' ? `${req.diffId}: ${req.choice} done` : 'x' });
    const adopt = await ctl('resolve', 'd2', '--adopt', '--reason', 'venue is right', '--state-dir', dir);
    expect(adopt).toMatchObject({ code: 0, stdout: 'd2: adopt done\n', sent: [{ cmd: 'resolve', diffId: 'd2', choice: 'adopt', reason: 'venue is right' }] });
    const flat = await ctl('resolve', 'd5', '--flatten', '--reason', 'not ours', '--state-dir', dir);
    expect(flat.sent).toEqual([{ cmd: 'resolve', diffId: 'd5', choice: 'flatten', reason: 'not ours' }]);
    seen.length = 0;
    const usage: [string[], string][] = [
      [['resolve', 'd2', '--reason', 'x'], "parity ctl resolve needs exactly one of --adopt (take the venue's truth) or --flatten (close the symbol out)"],
      [['resolve', 'd2', '--adopt', '--flatten', '--reason', 'x'], "parity ctl resolve needs exactly one of --adopt (take the venue's truth) or --flatten (close the symbol out)"],
      [
        ['resolve', '--adopt', '--reason', 'x'],
        'parity ctl resolve needs the id of the diff: parity ctl status lists those waiting for a choice, e.g. parity ctl resolve d3 --adopt --reason "venue is right"',
      ],
      [['resolve', 'd2', '--adopt'], 'parity ctl resolve needs a reason for the audit journal: pass --reason "<why>", e.g. parity ctl resolve d2 --adopt --reason "venue is right"'],
      [['halt', 'd2', '--reason', 'x'], 'parity ctl halt takes no diff id ("d2" given); only resolve does; nothing was sent'],
      [['flatten', '--adopt', '--reason', 'x'], '--adopt and --flatten are for parity ctl resolve <diff-id> only; nothing was sent'],
    ];
    const runs = await Promise.all(usage.map(([args]) => parityAsync(['ctl', ...args, '--state-dir', dir], { cwd: dir })));
    usage.forEach(([args, message], i) => {
      expect(runs[i]?.code, args.join(' ')).toBe(2);
      expect(runs[i]?.stderr, args.join(' ')).toBe(`parity: ${message}\n`);
    });
    expect(seen).toEqual([]);
  });

  it('ok:false exits 1 with the message on stderr; an unknown action is a usage error', async () => {
    next = () => ({ ok: false, message: 'already flat: no position to close' });
    const r = await ctl('flatten', '--state-dir', dir, '--reason', 'test');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('parity: already flat: no position to close\n');
    const bad = await ctl('launch', '--state-dir', dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Allowed choices are status, pause, resume, resolve, flatten, halt, reconcile/);
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

describe('handleCtl: a ctl request as the desk command', () => {
  it('passes every field on: resume with whether it is confirmed, resolve with its diff and choice', async () => {
    const sent: [OperatorCommand, string][] = [];
    const session = {
      spec: { mode: 'live', exchange: 'local' },
      workstation: { snapshot: (): WorkstationSnapshot => sampleSnapshot() },
      desk: { send: async (cmd: OperatorCommand, source: string) => (sent.push([cmd, source]), { ok: true, message: 'ok' }) },
    } as unknown as Session;
    await handleCtl(session, { cmd: 'resume', reason: 'checked', confirmed: true });
    await handleCtl(session, { cmd: 'resume', reason: 'checked', confirmed: false });
    await handleCtl(session, { cmd: 'resolve', diffId: 'd3', choice: 'flatten', reason: 'not ours' });
    await handleCtl(session, { cmd: 'halt', reason: 'news' });
    await handleCtl(session, { cmd: 'reconcile' });
    expect(sent).toEqual([
      [{ type: 'resume', reason: 'checked', confirmed: true }, 'ctl'],
      [{ type: 'resume', reason: 'checked', confirmed: false }, 'ctl'],
      [{ type: 'resolve', diffId: 'd3', choice: 'flatten', reason: 'not ours' }, 'ctl'],
      [{ type: 'halt', reason: 'news' }, 'ctl'],
      [{ type: 'reconcile' }, 'ctl'],
    ]);
    expect(await handleCtl(session, { cmd: 'status' })).toMatchObject({ ok: true, message: 'live local: RUNNING' });
  });
});
