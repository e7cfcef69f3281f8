/**
 * Ink's (input, key) pairs as key presses: one event per key, and a burst (a paste, tmux send-keys
 * with text and Enter, one SSH packet) split back into its presses in order.
 */
import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { toKeyPresses } from '../../src/ui/keys.ts';

const none: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

const ch = (text: string) => ({ kind: 'char', text });

describe('toKeyPresses', () => {
  it('one key stays one press', () => {
    expect(toKeyPresses('f', none)).toEqual([ch('f')]);
    expect(toKeyPresses('', { ...none, return: true })).toEqual([{ kind: 'enter' }]);
    expect(toKeyPresses('', { ...none, delete: true })).toEqual([{ kind: 'erase' }]);
    expect(toKeyPresses('', { ...none, upArrow: true })).toEqual([{ kind: 'move', step: -1 }]);
    expect(toKeyPresses('', { ...none, downArrow: true })).toEqual([{ kind: 'move', step: 1 }]);
    expect(toKeyPresses('c', { ...none, ctrl: true })).toEqual([{ kind: 'interrupt' }]);
  });

  it('splits a burst into its presses, in order: text, Enter, Backspace, Tab, Esc, Ctrl+C', () => {
    expect(toKeyPresses('fyreason\r', none)).toEqual([ch('f'), ch('y'), ...[...'reason'].map(ch), { kind: 'enter' }]);
    expect(toKeyPresses('ab\u007fc\bd\n', none)).toEqual([ch('a'), ch('b'), { kind: 'erase' }, ch('c'), { kind: 'erase' }, ch('d'), { kind: 'enter' }]);
    expect(toKeyPresses('x\ty\u001bz\u0003', none)).toEqual([ch('x'), { kind: 'tab', back: false }, ch('y'), { kind: 'escape' }, ch('z'), { kind: 'interrupt' }]);
    expect(toKeyPresses('\r\r', none)).toEqual([{ kind: 'enter' }, { kind: 'enter' }]);
  });

  it('other control characters are inert presses, and characters outside the BMP stay whole', () => {
    expect(toKeyPresses('a\u0007b', none)).toEqual([ch('a'), { kind: 'other' }, ch('b')]);
    expect(toKeyPresses('\n', none)).toEqual([{ kind: 'enter' }]);
    expect(toKeyPresses('né😀', none)).toEqual([ch('n'), ch('é'), ch('😀')]);
  });
});
