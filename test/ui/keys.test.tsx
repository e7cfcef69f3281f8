/**
 * Every key through the real app: what is sent (recorded by the fake workstation), what the
 * screen says, confirmations and their cancel paths, reason prompts (Enter, Esc, empty), the `?`
 * screen, pane switching, and the result message after a send.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeWorkstation } from '../kit/fake-workstation.ts';
import { KEY, mount, tick, UiClock, type Mounted } from './render-app.tsx';

let m: Mounted | undefined;
afterEach(() => {
  m?.unmount();
  m = undefined;
});

async function start(ws = new FakeWorkstation()) {
  m = await mount({ ws, noColor: true });
  return { ws, m };
}

const lastLines = (mm: Mounted) => mm.lines().slice(-2).join('\n');

describe('pane keys', () => {
  it('number keys show each pane; Tab, Shift+Tab and arrows cycle', async () => {
    const { m } = await start();
    const titles = ['1 Positions', '2 Open orders', '3 Reconciliation', '4 Funding', '5 Latency', '6 Live vs backtest', '7 Equity', '8 Events'];
    for (let i = 0; i < 8; i++) {
      await m.press(String(i + 1));
      expect(m.lines()[3]).toContain(`── ${titles[i]}`);
      expect(m.lines()[2]).toContain(`[${i + 1} `);
    }
    await m.press(KEY.tab);
    expect(m.lines()[3]).toContain('── 1 Positions');
    await m.press(KEY.shiftTab);
    expect(m.lines()[3]).toContain('── 8 Events');
    await m.press(KEY.left, KEY.left);
    expect(m.lines()[3]).toContain('── 6 Live vs backtest');
    await m.press(KEY.right);
    expect(m.lines()[3]).toContain('── 7 Equity');
  });
});

describe('p: pause and resume', () => {
  it('pauses a running strategy at once with an operator reason and shows the answer', async () => {
    const { ws, m } = await start();
    ws.reply = () => ({ ok: true, message: 'paused: no new entries, reductions still allowed' });
    expect(lastLines(m)).toContain('p pause');
    await m.press('p');
    expect(ws.sent).toEqual([{ type: 'pause', reason: 'operator pause' }]);
    expect(m.frame()).toContain('paused: no new entries, reductions still allowed');
  });

  it('resumes at once after an operator pause', async () => {
    const ws = new FakeWorkstation();
    ws.current = { ...ws.current, status: { ...ws.current.status, state: 'PAUSED', stateReason: 'operator pause' } };
    const { m } = await start(ws);
    expect(lastLines(m)).toContain('p resume');
    await m.press('p');
    expect(ws.sent).toEqual([{ type: 'resume', reason: 'operator resume' }]);
  });

  it('resuming after the engine halted on its own asks y (naming the state and why), then a reason; sends a confirmed resume', async () => {
    const ws = new FakeWorkstation();
    ws.current = { ...ws.current, status: { ...ws.current.status, state: 'HALTED', stateReason: 'feed down 30s', stateSetByEngine: true } };
    const { m } = await start(ws);
    await m.press('p');
    expect(ws.sent).toEqual([]);
    expect(m.frame()).toContain('RESUME from HALTED, set by the engine (feed down 30s)? trading starts again');
    expect(lastLines(m)).toContain('y confirm  any other key cancel');
    await m.press('y');
    expect(m.frame()).toContain('resume after HALTED: feed down 30s reason: _');
    expect(lastLines(m)).toContain('Enter send  Esc cancel');
    await m.press(KEY.enter);
    expect(m.frame()).toContain('a reason is required (Esc cancels)');
    expect(ws.sent).toEqual([]);
    await m.press('f', 'e', 'e', 'd', ' ', 'b', 'a', 'c', 'x', KEY.backspace, 'k');
    expect(m.frame()).toContain('reason: feed back_');
    await m.press(KEY.enter);
    expect(ws.sent).toEqual([{ type: 'resume', reason: 'feed back', confirmed: true }]);
    expect(m.frame()).toContain('resume accepted');
  });

  it('one key does not undo a halt: after h, y and a reason, p asks y and a reason before resuming', async () => {
    const { ws, m } = await start();
    await m.press('h', 'y', 'news\r');
    expect(ws.sent).toEqual([{ type: 'halt', reason: 'news' }]);
    ws.setStatus({ state: 'HALTED', stateReason: 'operator halt: news', stateSetByEngine: false });
    await tick(300);
    expect(lastLines(m)).toContain('p resume');
    await m.press('p');
    expect(ws.sent).toHaveLength(1);
    expect(m.frame()).toContain('RESUME from HALTED (operator halt: news)? trading starts again');
    await m.press('n');
    expect(m.frame()).toContain('resume canceled: nothing sent');
    await m.press('p', 'y', 'news passed\r');
    expect(ws.sent).toEqual([
      { type: 'halt', reason: 'news' },
      { type: 'resume', reason: 'news passed', confirmed: true },
    ]);
  });

  it('shows the refusal when the engine refuses a resume', async () => {
    const ws = new FakeWorkstation();
    ws.current = { ...ws.current, status: { ...ws.current.status, state: 'PAUSED', stateReason: 'operator pause', stateSetByEngine: false } };
    ws.reply = () => ({ ok: false, message: 'resume refused: the engine set this state; confirm to resume' });
    const { m } = await start(ws);
    await m.press('p');
    expect(m.frame()).toContain('resume refused: the engine set this state; confirm to resume');
  });

  it('asks y and a reason after an engine pause too (REDUCE-ONLY, PAUSED); Esc cancels', async () => {
    for (const state of ['PAUSED', 'REDUCE-ONLY'] as const) {
      const ws = new FakeWorkstation();
      ws.current = { ...ws.current, status: { ...ws.current.status, state, stateReason: 'daily loss limit 2% hit', stateSetByEngine: true } };
      const { m } = await start(ws);
      await m.press('p');
      expect(m.frame()).toContain(`RESUME from ${state}, set by the engine (daily loss limit 2% hit)?`);
      await m.press('y');
      expect(m.frame()).toContain('reason: _');
      await m.press(KEY.escape);
      expect(ws.sent).toEqual([]);
      expect(m.frame()).toContain('resume canceled: nothing sent');
      m.unmount();
    }
  });
});

describe('f and h: confirmation, then a reason', () => {
  for (const [key, type, question] of [
    ['f', 'flatten', 'FLATTEN: cancel all orders and close 2 positions at market?'],
    ['h', 'halt', 'HALT: cancel all orders and stop trading?'],
  ] as const) {
    it(`${key}: y, a reason and Enter send ${type} with the reason`, async () => {
      const { ws, m } = await start();
      await m.press(key);
      expect(m.frame()).toContain(question);
      expect(lastLines(m)).toContain('y confirm  any other key cancel');
      expect(ws.sent).toEqual([]);
      await m.press('y');
      expect(m.frame()).toContain(`${type} reason: _`);
      await m.press('n', 'e', 'w', 's');
      await m.press(KEY.enter);
      expect(ws.sent).toEqual([{ type, reason: 'news' }]);
      expect(m.frame()).toContain(`${type} accepted`);
    });

    it(`${key}: any key but y cancels, nothing is sent`, async () => {
      const { ws, m } = await start();
      await m.press(key, 'n');
      expect(ws.sent).toEqual([]);
      expect(m.frame()).toContain(`${type} canceled: nothing sent`);
      await m.press(key, KEY.escape);
      await m.press(key, KEY.enter);
      expect(ws.sent).toEqual([]);
      expect(m.frame()).not.toContain('reason:');
    });

    it(`${key}: Esc in the reason prompt cancels; an empty reason is refused`, async () => {
      const { ws, m } = await start();
      await m.press(key, 'y', ' ', ' ', KEY.enter);
      expect(m.frame()).toContain('a reason is required (Esc cancels)');
      await m.press(KEY.escape);
      expect(ws.sent).toEqual([]);
      expect(m.frame()).toContain(`${type} canceled: nothing sent`);
      expect(m.frame()).not.toContain('reason:');
    });
  }

  it('other hotkeys are inert while a prompt is open', async () => {
    const { ws, m } = await start();
    await m.press('h', 'y', 'r', '2', 'q', '?', 'p');
    expect(ws.sent).toEqual([]);
    expect(m.frame()).toContain('halt reason: r2q?p_');
    expect(m.lines()[3]).toContain('1 Positions');
    await m.press(KEY.enter);
    expect(ws.sent).toEqual([{ type: 'halt', reason: 'r2q?p' }]);
  });

  it('shows a refusal or a failure from the engine', async () => {
    const { ws, m } = await start();
    ws.reply = () => ({ ok: false, message: 'halt refused: already halted' });
    await m.press('h', 'y', 'x', KEY.enter);
    expect(m.frame()).toContain('halt refused: already halted');
    ws.reply = () => Promise.reject(new Error('engine unreachable'));
    await m.press('r');
    await tick();
    expect(m.frame()).toContain('reconcile failed: engine unreachable');
  });
});

describe('bursts: keys that arrive together (a paste, tmux send-keys, one SSH packet)', () => {
  it('text and Enter in one write send the flatten with that reason', async () => {
    const { ws, m } = await start();
    await m.press('f', 'y', 'reason\r');
    expect(ws.sent).toEqual([{ type: 'flatten', reason: 'reason' }]);
    expect(m.frame()).toContain('flatten accepted');
    expect(m.frame()).not.toContain('reason:');
  });

  it('the whole sequence in one write acts key by key', async () => {
    const { ws, m } = await start();
    await m.press('fyreason\r');
    expect(ws.sent).toEqual([{ type: 'flatten', reason: 'reason' }]);
  });

  it('Backspace and Esc inside a burst act in place', async () => {
    const { ws, m } = await start();
    await m.press('hynewz\u007fs');
    expect(m.frame()).toContain('halt reason: news_');
    await m.press(KEY.escape, 'hyx\r');
    expect(ws.sent).toEqual([{ type: 'halt', reason: 'x' }]);
  });
});

describe('r: reconcile', () => {
  it('sends reconcile at once', async () => {
    const { ws, m } = await start();
    await m.press('r');
    expect(ws.sent).toEqual([{ type: 'reconcile' }]);
    expect(m.frame()).toContain('reconcile accepted');
  });
});

describe('q: quit', () => {
  it('quits at once when no position is open: sends quit, then exits', async () => {
    const ws = new FakeWorkstation();
    ws.current = { ...ws.current, positions: [] };
    const { m } = await start(ws);
    expect(ws.subscribers).toBe(1);
    await m.press('q');
    await tick(20);
    expect(ws.sent).toEqual([{ type: 'quit', reason: 'operator quit' }]);
    // Ink unmounted the app: it no longer listens to the engine; the last frame says why.
    expect(ws.subscribers).toBe(0);
    expect(m.frame()).toContain('quit accepted');
    expect(m.lines().at(-1)).toBe('quitting…');
  });

  it('asks first while positions are open; n keeps running, y quits', async () => {
    const { ws, m } = await start();
    await m.press('q');
    expect(m.frame()).toContain('QUIT with 2 positions still open?');
    await m.press('n');
    expect(ws.sent).toEqual([]);
    expect(m.frame()).toContain('quit canceled: nothing sent');
    expect(ws.subscribers).toBe(1);
    await m.press('q', 'y');
    await tick(20);
    expect(ws.sent).toEqual([{ type: 'quit', reason: 'operator quit with open positions' }]);
    expect(ws.subscribers).toBe(0);
  });

  it('Ctrl+C goes the same way as q', async () => {
    const { ws, m } = await start();
    await m.press(KEY.ctrlC);
    expect(m.frame()).toContain('QUIT with 2 positions still open?');
    await m.press('x');
    expect(ws.sent).toEqual([]);
  });
});

describe('?: help screen', () => {
  it('lists every key; Esc or ? closes it; other keys are inert meanwhile', async () => {
    const { ws, m } = await start();
    await m.press('?');
    const f = m.frame();
    expect(f).toContain('Parity keys');
    for (const k of ['1-8/Tab', 'z ', 'p ', 'f ', 'h ', 'r ', 'q ', '? ']) expect(f).toMatch(new RegExp(`^${k.replace('?', '\\?')}`, 'm'));
    expect(f).toMatch(/^f +cancel every order and close every position/m);
    expect(f).toMatch(/^p +pause new entries .* resume your own pause;\n +leaving HALTED or an engine-set state asks y, then a reason/m);
    // The Diffs pane's keys are listed on its own help (see diff-choice.test.tsx), not here.
    expect(f).not.toMatch(/^a +adopt/m);
    expect(lastLines(m)).toContain('Esc or ? close help');
    await m.press('r', 'f', '3');
    expect(ws.sent).toEqual([]);
    expect(m.frame()).toContain('Parity keys');
    await m.press(KEY.escape);
    expect(m.frame()).not.toContain('Parity keys');
    expect(m.lines()[3]).toContain('1 Positions');
    await m.press('?', '?');
    expect(m.frame()).not.toContain('Parity keys');
  });

  it('the help bar lists every hotkey on one line', async () => {
    const { m } = await start();
    expect(m.lines().at(-1)).toBe('1-8/Tab pane  z zoom  p pause  f flatten  h halt  r reconcile  q quit  ? help');
  });
});

describe('result message', () => {
  it('stays a few seconds, then clears', async () => {
    const clock = new UiClock();
    const ws = new FakeWorkstation();
    m = await mount({ ws, noColor: true, scheduler: clock, flashMs: 4000 });
    await m.press('r');
    expect(m.frame()).toContain('reconcile accepted');
    clock.advance(3999);
    await tick();
    expect(m.frame()).toContain('reconcile accepted');
    clock.advance(1);
    await tick();
    expect(m.frame()).not.toContain('reconcile accepted');
  });
});
