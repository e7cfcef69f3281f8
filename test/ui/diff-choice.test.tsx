/**
 * A choice on a reconciliation diff through the real app: rows waiting for the operator are marked
 * ASK with what they offer, one is selected (">"), j/k and the arrows move the selection (kept on
 * the same diff while new rows arrive), a adopts and x flattens after y and a reason, and the
 * resolve command sent names the diff by id. At 80x24 and in the 120x40 grid.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DiffRow, WorkstationSnapshot } from '../../src/workstation/model.ts';
import { FakeWorkstation, SAMPLE_NOW, sampleSnapshot } from '../kit/fake-workstation.ts';
import { KEY, mount, tick, type Mounted } from './render-app.tsx';

let m: Mounted | undefined;
afterEach(() => {
  m?.unmount();
  m = undefined;
});

const d5: DiffRow = {
  id: 'd5',
  kind: 'unknown-position',
  severity: 'warn',
  symbol: 'BTCUSDT',
  message: 'venue holds +0.1 BTCUSDT the local books do not know',
  resolution: 'pausing',
  ts: SAMPLE_NOW - 30_000,
  choices: ['flatten'],
};

/** The sample, paused by the engine on two diffs that wait for the operator (d2 first: critical). */
function asking(): WorkstationSnapshot {
  const s = sampleSnapshot();
  return {
    ...s,
    status: { ...s.status, state: 'PAUSED', stateReason: 'reconcile: XRPUSDT position differs', stateSetByEngine: true },
    diffs: [...s.diffs, d5],
  };
}

const rowOf = (mm: Mounted, id: string) => mm.lines().find((l) => new RegExp(`│ [> ]${id} +│`).test(l)) ?? '';

async function start(snap = asking(), size = { columns: 80, rows: 24 }) {
  const ws = new FakeWorkstation(snap);
  m = await mount({ ws, noColor: true }, size);
  return { ws, m };
}

describe('the Diffs pane offers a choice on a waiting diff', () => {
  it('marks waiting rows ASK with their choices, first and selected; the help bar lists the keys', async () => {
    const { m } = await start();
    await m.press('3');
    expect(m.frame()).toContain('3 Reconciliation · 2 waiting for you · 1 critical · 2 warn · 1 info');
    const ids = m
      .lines()
      .filter((l) => /^│ [> ]d\d/.test(l))
      .map((l) => l.slice(3, 5));
    expect(ids).toEqual(['d2', 'd5', 'd1', 'd3']);
    expect(rowOf(m, 'd2')).toMatch(/^│ >d2 │ CRIT │ XRPUSDT │ .* │ ASK adopt\|flatten │$/);
    expect(rowOf(m, 'd5')).toMatch(/^│  d5 │ warn │ BTCUSDT │ .* │ ASK flatten +│$/);
    expect(rowOf(m, 'd1')).toMatch(/│ adopted +│$/);
    expect(m.lines().at(-1)).toBe('1-8/Tab pane  p resume  j/k pick  a adopt  x close it  f flatten  h halt  ? help');
    await m.press('1');
    expect(m.lines().at(-1)).not.toContain('a adopt');
  });

  it('a, y, a reason and Enter send resolve adopt for the selected diff', async () => {
    const { ws, m } = await start();
    await m.press('3', 'a');
    expect(m.frame()).toContain("ADOPT the venue's truth for d2 (position-mismatch XRPUSDT)?");
    expect(ws.sent).toEqual([]);
    await m.press('y');
    expect(m.frame()).toContain('adopt d2 reason: _');
    await m.press('venue is right', KEY.enter);
    expect(ws.sent).toEqual([{ type: 'resolve', diffId: 'd2', choice: 'adopt', reason: 'venue is right' }]);
    expect(m.frame()).toContain('resolve accepted');
  });

  it('j and the arrows move the selection; x flattens the selected diff; a choice it does not offer is refused', async () => {
    const { ws, m } = await start();
    await m.press('3', 'j');
    expect(rowOf(m, 'd5')).toMatch(/^│ >d5 /);
    expect(rowOf(m, 'd2')).toMatch(/^│  d2 /);
    await m.press(KEY.up);
    expect(rowOf(m, 'd2')).toMatch(/^│ >d2 /);
    await m.press(KEY.down, 'a');
    expect(m.frame()).toContain('d5 cannot be adopted: it offers flatten (x) only; nothing sent');
    await m.press('x');
    expect(m.frame()).toContain('FLATTEN BTCUSDT for d5: cancel its orders and close it at market?');
    await m.press('y', 'not ours\r');
    expect(ws.sent).toEqual([{ type: 'resolve', diffId: 'd5', choice: 'flatten', reason: 'not ours' }]);
  });

  it('the selection stays on its diff when new rows arrive above it', async () => {
    const { ws, m } = await start();
    await m.press('3', 'j');
    const d9: DiffRow = { ...d5, id: 'd9', severity: 'critical', symbol: 'ETHUSDT', ts: SAMPLE_NOW, choices: ['adopt', 'flatten'] };
    ws.update((s) => ({ ...s, diffs: [...s.diffs, d9] }));
    await tick(300);
    const ids = m
      .lines()
      .filter((l) => /^│ [> ]d\d/.test(l))
      .map((l) => l.slice(2, 5));
    expect(ids.slice(0, 3)).toEqual([' d9', ' d2', '>d5']);
    await m.press('x', 'y', 'still ours\r');
    expect(ws.sent).toEqual([{ type: 'resolve', diffId: 'd5', choice: 'flatten', reason: 'still ours' }]);
  });

  it('n cancels and nothing is sent; the refusal of the engine is shown', async () => {
    const { ws, m } = await start();
    await m.press('3', 'a', 'n');
    expect(m.frame()).toContain('adopt d2 canceled: nothing sent');
    ws.reply = () => ({ ok: false, message: 'no difference d2 waits for a choice' });
    await m.press('a', 'y', 'r\r');
    expect(m.frame()).toContain('no difference d2 waits for a choice');
  });

  it('the keys do nothing away from the Diffs pane, and say so when no diff waits', async () => {
    const { ws, m } = await start();
    await m.press('a', 'x', 'j');
    expect(ws.sent).toEqual([]);
    expect(m.frame()).not.toMatch(/ADOPT|FLATTEN/);
    m.unmount();
    const calm = await start(sampleSnapshot());
    calm.ws.current = { ...calm.ws.current, diffs: calm.ws.current.diffs.map((d) => ({ ...d, choices: [] })) };
    calm.ws.notify();
    await tick(300);
    await calm.m.press('3', 'x');
    expect(calm.m.frame()).toContain('no difference waits for a choice: nothing to flatten; nothing sent');
    expect(calm.m.lines().at(-1)).toContain('r reconcile');
  });

  it('the ? screen lists the keys while the Diffs pane is shown', async () => {
    const { m } = await start();
    await m.press('3', '?');
    expect(m.frame()).toMatch(/^j\/k +Diffs pane: select a diff that waits for your choice/m);
    expect(m.frame()).toMatch(/^a +adopt the venue's truth for the selected diff/m);
    expect(m.frame()).toMatch(/^x +flatten the selected diff's symbol at market/m);
    expect(m.frame()).toContain('marked ASK on the Diffs pane (3)');
  });

  it('in the 120x40 grid: the rows are marked, and 3 then a resolves', async () => {
    const { ws, m } = await start(asking(), { columns: 120, rows: 40 });
    expect(m.frame()).toMatch(/│ +d2 │ CRIT │ .*│ ASK adopt\|flatten │/);
    await m.press('a');
    expect(ws.sent).toEqual([]);
    await m.press('3');
    expect(m.frame()).toContain('══ 3 Reconciliation');
    expect(m.frame()).toMatch(/│ >d2 │ CRIT │/);
    expect(m.lines().at(-1)).toContain('j/k pick  a adopt  x close it');
    await m.press('a', 'y', 'checked\r');
    expect(ws.sent).toEqual([{ type: 'resolve', diffId: 'd2', choice: 'adopt', reason: 'checked' }]);
  });
});
