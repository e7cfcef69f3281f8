import { describe, expect, it } from 'vitest';
import type { KeyPress } from '../../src/ui/keys.ts';
import { initialUi, MAX_REASON, reduceKey, setByOperator, type EngineFacts, type UiState } from '../../src/ui/operator-flow.ts';

const running: EngineFacts = { state: 'RUNNING', stateReason: '', openPositions: 2 };
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

  it('p resumes at once after an operator pause', () => {
    const r = run([ch('p')], { state: 'PAUSED', stateReason: 'operator pause', openPositions: 0 });
    expect(r.effects).toEqual([{ type: 'send', cmd: { type: 'resume', reason: 'operator resume' } }]);
  });

  it('p after the engine stopped on its own asks for a reason', () => {
    const facts: EngineFacts = { state: 'HALTED', stateReason: 'daily loss limit 2% hit', openPositions: 1 };
    const opened = run([ch('p')], facts);
    expect(opened.ui.prompt).toMatchObject({ kind: 'reason', action: 'resume' });
    expect(opened.ui.prompt?.kind === 'reason' && opened.ui.prompt.label).toContain('daily loss limit 2% hit');
    const sent = run([ch('p'), ...typed('checked venue'), enter], facts);
    expect(sent.effects).toEqual([{ type: 'send', cmd: { type: 'resume', reason: 'checked venue' } }]);
    expect(sent.ui.prompt).toBeUndefined();
  });

  it('f and h need y, then a non-empty reason', () => {
    for (const [key, type] of [['f', 'flatten'], ['h', 'halt']] as const) {
      const confirm = run([ch(key)]);
      expect(confirm.ui.prompt).toMatchObject({ kind: 'confirm', action: type });
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
    expect(asked.ui.prompt).toMatchObject({ kind: 'confirm', action: 'quit', question: 'QUIT with 2 positions still open?' });
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
    expect(run([{ kind: 'interrupt' }]).ui.prompt).toMatchObject({ kind: 'confirm', action: 'quit' });
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

  it('knows an operator-set state by its reason', () => {
    expect(setByOperator('operator pause')).toBe(true);
    expect(setByOperator('  Operator halt: news')).toBe(true);
    expect(setByOperator('feed down 30s')).toBe(false);
    expect(setByOperator('')).toBe(false);
  });
});
