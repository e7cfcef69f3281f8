/**
 * Keyboard input normalized to the few keys the TUI knows, and the key map shown by the help bar
 * and the `?` screen (one table, so the two can never disagree). Ink reports Backspace as either
 * `backspace` ("\b") or `delete` ("\x7f", what most terminals send); both erase.
 *
 * Ink hands a burst of input (a paste, `tmux send-keys 'why' Enter`, one SSH packet) over as one
 * multi-character input: "fyreason\r" is one event. toKeyPresses splits it back into the presses
 * it stands for, in order, so the Enter at its end still sends (escape sequences such as arrows
 * are already split off by Ink, and reach here on their own).
 */
import type { Key } from 'ink';

export type KeyPress =
  | { readonly kind: 'char'; readonly text: string }
  | { readonly kind: 'enter' }
  | { readonly kind: 'escape' }
  | { readonly kind: 'tab'; readonly back: boolean }
  | { readonly kind: 'erase' }
  | { readonly kind: 'interrupt' }
  /** Up (-1) or down (+1) arrow. */
  | { readonly kind: 'move'; readonly step: 1 | -1 }
  | { readonly kind: 'other' };

/** Ink's (input, key) pair as one KeyPress; a burst comes out as one multi-character `char` (see toKeyPresses). */
export function toKeyPress(input: string, key: Key): KeyPress {
  if (key.ctrl && input === 'c') return { kind: 'interrupt' };
  if (key.return) return { kind: 'enter' };
  if (key.escape) return { kind: 'escape' };
  if (key.tab) return { kind: 'tab', back: key.shift };
  if (key.rightArrow) return { kind: 'tab', back: false };
  if (key.leftArrow) return { kind: 'tab', back: true };
  if (key.upArrow) return { kind: 'move', step: -1 };
  if (key.downArrow) return { kind: 'move', step: 1 };
  if (key.backspace || key.delete) return { kind: 'erase' };
  if (key.ctrl || key.meta || input === '') return { kind: 'other' };
  return { kind: 'char', text: input };
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** One character of a burst as the key a terminal sends it for. */
function charPress(c: string): KeyPress {
  switch (c) {
    case '\r':
    case '\n':
      return { kind: 'enter' };
    case '\t':
      return { kind: 'tab', back: false };
    case '\b':
    case '\u007f':
      return { kind: 'erase' };
    case '\u0003':
      return { kind: 'interrupt' };
    case '\u001b':
      return { kind: 'escape' };
    default:
      return CONTROL.test(c) ? { kind: 'other' } : { kind: 'char', text: c };
  }
}

/** Ink's (input, key) pair as the key presses it stands for, in order: one per character of a burst. */
export function toKeyPresses(input: string, key: Key): KeyPress[] {
  const press = toKeyPress(input, key);
  return press.kind === 'char' ? [...press.text].map(charPress) : [press];
}

export interface KeyHelp {
  readonly keys: string;
  /** One or two words for the help bar. */
  readonly short: string;
  /** A sentence for the `?` screen. */
  readonly long: string;
  /** In the help bar, the lowest goes first when the line is short. */
  readonly priority: number;
}

export interface KeyMapOptions {
  /** Not RUNNING: the `p` label reads "resume". */
  readonly paused: boolean;
  /** The Diffs pane is selected and a diff waits for a choice: its keys are listed. */
  readonly diffKeys: boolean;
}

/**
 * The keys of the Diffs pane. Their help-bar labels are short so that, at 80 columns, the bar
 * keeps p, f and h beside them (r and q give way).
 */
const DIFF_KEYS: readonly KeyHelp[] = [
  { keys: 'j/k', short: 'pick', long: 'Diffs pane: select a diff that waits for your choice (ASK); arrows too', priority: 8 },
  { keys: 'a', short: 'adopt', long: "adopt the venue's truth for the selected diff (asks y, then a reason)", priority: 8 },
  { keys: 'x', short: 'close it', long: "flatten the selected diff's symbol at market (asks y, then a reason)", priority: 8 },
];

/** The operator's key map, in help-bar order. */
export function keyMap({ paused, diffKeys }: KeyMapOptions): readonly KeyHelp[] {
  return [
    {
      keys: '1-8/Tab',
      short: 'pane',
      long: 'show a pane: 1 positions, 2 orders, 3 diffs, 4 funding, 5 latency, 6 divergence, 7 equity, 8 events (Tab/Shift+Tab or arrows cycle)',
      priority: 10,
    },
    // First to go when the line is short: at 80 columns there is no grid to zoom from.
    { keys: 'z', short: 'zoom', long: 'large terminal: the selected pane alone, every column (z again: grid)', priority: 0 },
    {
      keys: 'p',
      short: paused ? 'resume' : 'pause',
      long: 'pause new entries (reductions still go out) / resume your own pause; leaving HALTED or an engine-set state asks y, then a reason',
      priority: 9,
    },
    ...(diffKeys ? DIFF_KEYS : []),
    { keys: 'f', short: 'flatten', long: 'cancel every order and close every position (asks y, then a reason)', priority: 7 },
    { keys: 'h', short: 'halt', long: 'cancel every order and stop trading (asks y, then a reason)', priority: 7 },
    { keys: 'r', short: 'reconcile', long: 'reconcile now: compare local orders and positions with the venue', priority: 4 },
    { keys: 'q', short: 'quit', long: 'quit (asks y while positions are open); Ctrl+C does the same', priority: 3 },
    { keys: '?', short: 'help', long: 'this screen (Esc or ? closes it)', priority: 10 },
  ];
}
