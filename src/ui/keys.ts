/**
 * Keyboard input normalized to the few keys the TUI knows, and the key map shown by the help bar
 * and the `?` screen (one table, so the two can never disagree). Ink reports Backspace as either
 * `backspace` ("\b") or `delete` ("\x7f", what most terminals send); both erase.
 */
import type { Key } from 'ink';

export type KeyPress =
  | { readonly kind: 'char'; readonly text: string }
  | { readonly kind: 'enter' }
  | { readonly kind: 'escape' }
  | { readonly kind: 'tab'; readonly back: boolean }
  | { readonly kind: 'erase' }
  | { readonly kind: 'interrupt' }
  | { readonly kind: 'other' };

/** Ink's (input, key) pair as a KeyPress. Pasted text arrives as one multi-character `char`. */
export function toKeyPress(input: string, key: Key): KeyPress {
  if (key.ctrl && input === 'c') return { kind: 'interrupt' };
  if (key.return) return { kind: 'enter' };
  if (key.escape) return { kind: 'escape' };
  if (key.tab) return { kind: 'tab', back: key.shift };
  if (key.rightArrow) return { kind: 'tab', back: false };
  if (key.leftArrow) return { kind: 'tab', back: true };
  if (key.backspace || key.delete) return { kind: 'erase' };
  if (key.ctrl || key.meta || input === '') return { kind: 'other' };
  return { kind: 'char', text: input };
}

export interface KeyHelp {
  readonly keys: string;
  /** One or two words for the help bar. */
  readonly short: string;
  /** A sentence for the `?` screen. */
  readonly long: string;
}

/** The operator's key map, in help-bar order. `paused` flips the `p` label to "resume". */
export function keyMap(paused: boolean): readonly KeyHelp[] {
  return [
    {
      keys: '1-8/Tab',
      short: 'pane',
      long: 'show a pane: 1 positions, 2 orders, 3 diffs, 4 funding, 5 latency, 6 divergence, 7 equity, 8 events (Tab/Shift+Tab or arrows cycle)',
    },
    {
      keys: 'z',
      short: 'zoom',
      long: 'on a large terminal, the selected pane alone with every column (z again: grid)',
    },
    {
      keys: 'p',
      short: paused ? 'resume' : 'pause',
      long: 'pause new entries (reductions still go out), or resume; resuming after the engine stopped on its own asks for a reason',
    },
    { keys: 'f', short: 'flatten', long: 'flatten: cancel every order and close every position (asks y, then a reason)' },
    { keys: 'h', short: 'halt', long: 'halt: cancel every order and stop trading (asks y, then a reason)' },
    { keys: 'r', short: 'reconcile', long: 'reconcile now: compare local orders and positions with the venue' },
    { keys: 'q', short: 'quit', long: 'quit the workstation (asks y while positions are open); Ctrl+C does the same' },
    { keys: '?', short: 'help', long: 'this screen (Esc or ? closes it)' },
  ];
}
