import { describe, expect, it } from 'vitest';
import type { KeyPress } from '../../src/ui/keys.ts';
import { initialUi, MAX_REASON, reduceKey, type EngineFacts, type UiState } from '../../src/ui/operator-flow.ts';
import { setByOperator } from '../../src/workstation/model.ts';

const running: EngineFacts = { state: 'RUNNING', stateReason: '', stateSetByEngine: false, openPositions: 2, waiting: [] };
const ch = (text: string): KeyPress => ({ kind: 'char', text });
const enter: KeyPress = { kind: 'enter' };
const esc: KeyPress = { kind: 'escape' };

/** Runs keys from a state, collecting every effect. */
function run(keys: KeyPress[], facts: EngineFacts = running, from: UiState = initialUi) {
  let ui = from;
  const effects = [];
  for (const k of keys) {
    const step = reduceKey(ui, k, facts);
    ui = step.ui;
    effects.push(...step.effects);
  }
  return { ui, effects };
}

const typed = (s: string) => [...s].map(ch);

describe('reduceKey', () => {
  it('switches panes with numbers, Tab and Shift+Tab', () => {
    expect(run([ch('3')]).ui.pane).toBe('diffs');
    expect(run([{ kind: 'tab', back: false }]).ui.pane).toBe('orders');
    expect(run([{ kind: 'tab', back: true }]).ui.pane).toBe('events');
    expect(run([ch('9')]).ui.pane).toBe('positions');
  });

  it('p pauses a running engine with a default operator reason, no prompt', () => {
    const r = run([ch('p')]);
    expect(r.ui.prompt).toBeUndefined();
    expect(r.effects).toEqual([{ type: 'send', cmd: { type: 'pause', reason: 'operator pause' } }]);
  });

  it("p resumes at once after the operator's own pause, unconfirmed", () => {
    const r = run([ch('p')], { ...running, state: 'PAUSED', stateReason: 'operator pause' });
    expect(r.effects).toEqual([{ type: 'send', cmd: { type: 'resume', reason: 'operator resume' } }]);
  });

  it("p after a halt, even the operator's own, asks y naming the state and its reason, then a reason; sends a confirmed resume", () => {
    const halted: EngineFacts = { ...running, state: 'HALTED', stateReason: 'operator halt: news' };
    const asked = run([ch('p')], halted);
    expect(asked.effects).toEqual([]);
    expect(asked.ui.prompt).toMatchObject({ kind: 'confirm', question: 'RESUME from HALTED (operator halt: news)? trading starts again' });
    const reason = run([ch('p'), ch('y')], halted);
    expect(reason.ui.prompt).toMatchObject({ kind: 'reason', label: 'resume after HALTED: operator halt: news', text: '' });
    expect(reason.effects).toEqual([]);
    const sent = run([ch('p'), ch('y'), ...typed('news passed'), enter], halted);
    expect(sent.effects).toEqual([{ type: 'send', cmd: { type: 'resume', reason: 'news passed', confirmed: true } }]);
    expect(sent.ui.prompt).toBeUndefined();
    expect(run([ch('p'), ch('p')], halted).effects).toEqual([{ type: 'flash', text: 'resume canceled: nothing sent', tone: 'info' }]);
    expect(run([ch('p'), ch('y'), ch('x'), esc], halted).effects).toEqual([{ type: 'flash', text: 'resume canceled: nothing sent', tone: 'info' }]);
  });

  it('p after the engine paused (or went reduce-only) by itself asks y, then a reason', () => {
    for (const state of ['PAUSED', 'REDUCE-ONLY'] as const) {
      const facts: EngineFacts = { ...running, state, stateReason: 'daily loss limit 2% hit', stateSetByEngine: true };
      const asked = run([ch('p')], facts);
      expect(asked.effects).toEqual([]);
      expect(asked.ui.prompt).toMatchObject({ kind: 'confirm', question: `RESUME from ${state}, set by the engine (daily loss limit 2% hit)? trading starts again` });
      const sent = run([ch('p'), ch('Y'), ...typed('limit reviewed'), enter], facts);
      expect(sent.effects).toEqual([{ type: 'send', cmd: { type: 'resume', reason: 'limit reviewed', confirmed: true } }]);
    }
  });

  it('f and h need y, then a non-empty reason', () => {
    for (const [key, type] of [
      ['f', 'flatten'],
      ['h', 'halt'],
    ] as const) {
      const confirm = run([ch(key)]);
      expect(confirm.ui.prompt).toMatchObject({ kind: 'confirm', action: { type } });
      expect(confirm.effects).toEqual([]);
      const empty = run([ch(key), ch('y'), ch(' '), enter]);
      expect(empty.ui.prompt).toMatchObject({ kind: 'reason', error: 'a reason is required (Esc cancels)' });
      expect(empty.effects).toEqual([]);
      const sent = run([ch(key), ch('y'), ...typed('  fat finger '), enter]);
      expect(sent.effects).toEqual([{ type: 'send', cmd: { type, reason: 'fat finger' } }]);
    }
  });

  it('any key but y cancels a confirmation; Esc cancels a reason; nothing is sent', () => {
    for (const k of [ch('n'), ch('f'), enter, esc, { kind: 'tab', back: false } as const]) {
      const r = run([ch('f'), k]);
      expect(r.ui.prompt).toBeUndefined();
      expect(r.effects).toEqual([{ type: 'flash', text: 'flatten canceled: nothing sent', tone: 'info' }]);
    }
    const r = run([ch('h'), ch('y'), ...typed('abc'), esc]);
    expect(r.ui.prompt).toBeUndefined();
    expect(r.effects).toEqual([{ type: 'flash', text: 'halt canceled: nothing sent', tone: 'info' }]);
  });

  it('while a prompt is open other hotkeys are text or inert', () => {
    const r = run([ch('h'), ch('y'), ch('r'), ch('2'), ch('q'), ch('?'), { kind: 'tab', back: false }]);
    expect(r.effects).toEqual([]);
    expect(r.ui.pane).toBe('positions');
    expect(r.ui.help).toBe(false);
    expect(r.ui.prompt).toMatchObject({ kind: 'reason', text: 'r2q?' });
  });

  it('the reason input erases, drops control characters and is capped', () => {
    const r = run([ch('f'), ch('y'), ...typed('abc'), { kind: 'erase' }, ch('x\u0007y')]);
    expect(r.ui.prompt).toMatchObject({ text: 'abxy' });
    const long = run([ch('f'), ch('y'), ch('z'.repeat(200))]);
    expect(long.ui.prompt?.kind === 'reason' && long.ui.prompt.text.length).toBe(MAX_REASON);
  });

  it('z toggles zoom', () => {
    expect(run([ch('z')]).ui.zoom).toBe(true);
    expect(run([ch('z'), ch('z')]).ui.zoom).toBe(false);
    expect(run([ch('f'), ch('y'), ch('z')]).ui.zoom).toBe(false);
  });

  it('r reconciles at once', () => {
    expect(run([ch('r')]).effects).toEqual([{ type: 'send', cmd: { type: 'reconcile' } }]);
  });

  it('q quits at once when flat, asks y while positions are open', () => {
    const flat = run([ch('q')], { ...running, openPositions: 0 });
    expect(flat.effects).toEqual([{ type: 'quit', cmd: { type: 'quit', reason: 'operator quit' } }]);
    expect(flat.ui.exiting).toBe(true);
    const asked = run([ch('q')]);
    expect(asked.ui.prompt).toMatchObject({ kind: 'confirm', action: { type: 'quit' }, question: 'QUIT with 2 positions still open?' });
    expect(run([ch('q'), ch('n')]).effects).toEqual([{ type: 'flash', text: 'quit canceled: nothing sent', tone: 'info' }]);
    const yes = run([ch('q'), ch('y')]);
    expect(yes.effects).toEqual([{ type: 'quit', cmd: { type: 'quit', reason: 'operator quit with open positions' } }]);
  });

  it('after quit nothing is accepted', () => {
    const r = run([ch('q'), ch('r'), ch('p')], { ...running, openPositions: 0 });
    expect(r.effects).toHaveLength(1);
  });

  it('Ctrl+C cancels a prompt, otherwise behaves like q', () => {
    expect(run([ch('f'), ch('y'), { kind: 'interrupt' }]).ui.prompt).toBeUndefined();
    expect(run([{ kind: 'interrupt' }]).ui.prompt).toMatchObject({ kind: 'confirm', action: { type: 'quit' } });
  });

  it('? opens help; Esc or ? closes it; other keys are inert meanwhile', () => {
    const open = run([ch('?')]);
    expect(open.ui.help).toBe(true);
    const inert = run([ch('?'), ch('r'), ch('f'), ch('3')]);
    expect(inert.ui).toMatchObject({ help: true, pane: 'positions', prompt: undefined });
    expect(inert.effects).toEqual([]);
    expect(run([ch('?'), esc]).ui.help).toBe(false);
    expect(run([ch('?'), ch('?')]).ui.help).toBe(false);
  });

  it('knows an operator-set state by its reason (the desk words its reasons so)', () => {
    expect(setByOperator('operator pause')).toBe(true);
    expect(setByOperator('  Operator halt: news')).toBe(true);
    expect(setByOperator('feed down 30s')).toBe(false);
    expect(setByOperator('')).toBe(false);
  });
});

describe('reduceKey: a choice on a diff', () => {
  const d2 = { id: 'd2', kind: 'position-mismatch', symbol: 'XRPUSDT', choices: ['adopt', 'flatten'] } as const;
  const d5 = { id: 'd5', kind: 'unknown-position', symbol: 'BTCUSDT', choices: ['flatten'] } as const;
  const asking: EngineFacts = { ...running, state: 'PAUSED', stateReason: 'reconcile: XRPUSDT position differs', stateSetByEngine: true, waiting: [d2, d5] };
  const onDiffs = { ...initialUi, pane: 'diffs' } as const;

  it('a on the Diffs pane: y, a reason, then resolve adopt for the selected (first) diff', () => {
    const asked = run([ch('a')], asking, onDiffs);
    expect(asked.effects).toEqual([]);
    expect(asked.ui.prompt).toMatchObject({ kind: 'confirm', question: "ADOPT the venue's truth for d2 (position-mismatch XRPUSDT)?" });
    expect(run([ch('a'), ch('y')], asking, onDiffs).ui.prompt).toMatchObject({ kind: 'reason', label: 'adopt d2' });
    const sent = run([ch('a'), ch('y'), ...typed('venue is right'), enter], asking, onDiffs);
    expect(sent.effects).toEqual([{ type: 'send', cmd: { type: 'resolve', diffId: 'd2', choice: 'adopt', reason: 'venue is right' } }]);
  });

  it('j/k and the arrows move the selection among the waiting diffs (clamped at the ends); x flattens the selected one', () => {
    expect(run([ch('j')], asking, onDiffs).ui.diff).toBe('d5');
    expect(
      run(
        [
          { kind: 'move', step: 1 },
          { kind: 'move', step: 1 },
        ],
        asking,
        onDiffs,
      ).ui.diff,
    ).toBe('d5');
    expect(run([ch('j'), ch('k'), ch('k')], asking, onDiffs).ui.diff).toBe('d2');
    const asked = run([ch('j'), ch('x')], asking, onDiffs);
    expect(asked.ui.prompt).toMatchObject({ kind: 'confirm', question: 'FLATTEN BTCUSDT for d5: cancel its orders and close it at market?' });
    const sent = run([ch('j'), ch('x'), ch('y'), ...typed('not ours'), enter], asking, onDiffs);
    expect(sent.effects).toEqual([{ type: 'send', cmd: { type: 'resolve', diffId: 'd5', choice: 'flatten', reason: 'not ours' } }]);
  });

  it('the selection is kept by id when new diffs arrive, and falls back to the first once it is resolved', () => {
    const selected = run([ch('j')], asking, onDiffs).ui;
    const d9 = { id: 'd9', kind: 'position-mismatch', symbol: 'ETHUSDT', choices: ['adopt', 'flatten'] } as const;
    const more: EngineFacts = { ...asking, waiting: [d9, d2, d5] };
    expect(run([ch('x'), ch('y'), ch('r'), enter], more, selected).effects).toEqual([{ type: 'send', cmd: { type: 'resolve', diffId: 'd5', choice: 'flatten', reason: 'r' } }]);
    expect(run([ch('k')], more, selected).ui.diff).toBe('d2');
    const gone: EngineFacts = { ...asking, waiting: [d9, d2] };
    expect(run([ch('a'), ch('y'), ch('r'), enter], gone, selected).effects).toEqual([{ type: 'send', cmd: { type: 'resolve', diffId: 'd9', choice: 'adopt', reason: 'r' } }]);
  });

  it('a choice the diff does not offer, or no diff waiting, says so and sends nothing', () => {
    const refused = run([ch('j'), ch('a')], asking, onDiffs);
    expect(refused.ui.prompt).toBeUndefined();
    expect(refused.effects).toEqual([{ type: 'flash', text: 'd5 cannot be adopted: it offers flatten (x) only; nothing sent', tone: 'error' }]);
    const none = run([ch('x')], running, onDiffs);
    expect(none.effects).toEqual([{ type: 'flash', text: 'no difference waits for a choice: nothing to flatten; nothing sent', tone: 'info' }]);
  });

  it('n or Esc cancels; the diff keys are inert away from the Diffs pane', () => {
    expect(run([ch('a'), ch('n')], asking, onDiffs).effects).toEqual([{ type: 'flash', text: 'adopt d2 canceled: nothing sent', tone: 'info' }]);
    expect(run([ch('x'), ch('y'), esc], asking, onDiffs).effects).toEqual([{ type: 'flash', text: 'flatten d2 canceled: nothing sent', tone: 'info' }]);
    const away = run([ch('j'), ch('a'), ch('x')], asking);
    expect(away.ui).toEqual(initialUi);
    expect(away.effects).toEqual([]);
  });
});
