/**
 * What each key does, as a pure reducer: (ui state, key, engine facts) -> (next ui state, effects).
 * The hook that owns it performs the effects (send a command, flash a message, exit).
 *
 * Invariants:
 * - while a prompt or the help screen is open, every other hotkey is inert;
 * - destructive actions (flatten, halt, quit with open positions) need `y`; any other key cancels;
 * - manual overrides (flatten, halt, resume after the engine stopped on its own) then need a
 *   non-empty reason, which goes into the command and so into the audit journal;
 * - after quit is sent nothing else is accepted.
 */
import { setByOperator, type OperatorCommand, type StrategyState } from '../workstation/model.ts';
import type { KeyPress } from './keys.ts';
import { cyclePane, paneForKey, type PaneId } from './panes.ts';

export type ConfirmAction = 'flatten' | 'halt' | 'quit';
export type ReasonAction = 'flatten' | 'halt' | 'resume';

export type Prompt =
  | { readonly kind: 'confirm'; readonly action: ConfirmAction; readonly question: string }
  | {
      readonly kind: 'reason';
      readonly action: ReasonAction;
      /** What is being overridden, shown before the input. */
      readonly label: string;
      readonly text: string;
      readonly error: string | undefined;
    };

export interface UiState {
  readonly pane: PaneId;
  readonly help: boolean;
  readonly prompt: Prompt | undefined;
  /** Quit was sent: the app is closing. */
  readonly exiting: boolean;
  /** On a grid-sized terminal, show the selected pane alone (as at 80x24) instead of the grid. */
  readonly zoom: boolean;
}

export type FlashTone = 'info' | 'ok' | 'error';

export type Effect =
  | { readonly type: 'send'; readonly cmd: OperatorCommand }
  | { readonly type: 'quit'; readonly cmd: OperatorCommand }
  | { readonly type: 'flash'; readonly text: string; readonly tone: FlashTone };

/** What the reducer needs to know about the engine, from the latest snapshot. */
export interface EngineFacts {
  readonly state: StrategyState;
  readonly stateReason: string;
  readonly openPositions: number;
}

export interface Step {
  readonly ui: UiState;
  readonly effects: readonly Effect[];
}

/** Longest reason accepted (it has to fit on one input line at 80 columns). */
export const MAX_REASON = 60;

export const initialUi: UiState = { pane: 'positions', help: false, prompt: undefined, exiting: false, zoom: false };

export { setByOperator };

const flash = (text: string, tone: FlashTone = 'info'): Effect => ({ type: 'flash', text, tone });

function reasonPrompt(action: ReasonAction, label: string): Prompt {
  return { kind: 'reason', action, label, text: '', error: undefined };
}

function confirmQuestion(action: ConfirmAction, facts: EngineFacts): string {
  const n = facts.openPositions;
  const positions = `${n} position${n === 1 ? '' : 's'}`;
  switch (action) {
    case 'flatten':
      return `FLATTEN: cancel all orders and close ${positions} at market?`;
    case 'halt':
      return 'HALT: cancel all orders and stop trading?';
    case 'quit':
      return `QUIT with ${positions} still open?`;
  }
}

function onConfirm(ui: UiState, prompt: Extract<Prompt, { kind: 'confirm' }>, key: KeyPress): Step {
  const yes = key.kind === 'char' && (key.text === 'y' || key.text === 'Y');
  if (!yes) return { ui: { ...ui, prompt: undefined }, effects: [flash(`${prompt.action} canceled: nothing sent`)] };
  if (prompt.action === 'quit') {
    const cmd: OperatorCommand = { type: 'quit', reason: 'operator quit with open positions' };
    return { ui: { ...ui, prompt: undefined, exiting: true }, effects: [{ type: 'quit', cmd }] };
  }
  const label = prompt.action === 'flatten' ? 'flatten' : 'halt';
  return { ui: { ...ui, prompt: reasonPrompt(prompt.action, label) }, effects: [] };
}

function onReason(ui: UiState, prompt: Extract<Prompt, { kind: 'reason' }>, key: KeyPress): Step {
  switch (key.kind) {
    case 'escape':
    case 'interrupt':
      return { ui: { ...ui, prompt: undefined }, effects: [flash(`${prompt.action} canceled: nothing sent`)] };
    case 'enter': {
      const reason = prompt.text.trim();
      if (reason === '') {
        const error = 'a reason is required (Esc cancels)';
        return { ui: { ...ui, prompt: { ...prompt, error } }, effects: [] };
      }
      const cmd: OperatorCommand = { type: prompt.action, reason };
      return { ui: { ...ui, prompt: undefined }, effects: [{ type: 'send', cmd }] };
    }
    case 'erase':
      return { ui: { ...ui, prompt: { ...prompt, text: prompt.text.slice(0, -1), error: undefined } }, effects: [] };
    case 'char': {
      // eslint-disable-next-line no-control-regex
      const typed = key.text.replace(/[\u0000-\u001f\u007f]/g, '');
      const text = (prompt.text + typed).slice(0, MAX_REASON);
      return { ui: { ...ui, prompt: { ...prompt, text, error: undefined } }, effects: [] };
    }
    default:
      return { ui, effects: [] };
  }
}

function onPause(ui: UiState, facts: EngineFacts): Step {
  if (facts.state === 'RUNNING') {
    return { ui, effects: [{ type: 'send', cmd: { type: 'pause', reason: 'operator pause' } }] };
  }
  if (setByOperator(facts.stateReason)) {
    return { ui, effects: [{ type: 'send', cmd: { type: 'resume', reason: 'operator resume' } }] };
  }
  const why = facts.stateReason.trim() === '' ? '' : `: ${facts.stateReason.trim()}`;
  return { ui: { ...ui, prompt: reasonPrompt('resume', `resume after ${facts.state}${why}`) }, effects: [] };
}

function onQuit(ui: UiState, facts: EngineFacts): Step {
  if (facts.openPositions > 0) {
    return { ui: { ...ui, prompt: { kind: 'confirm', action: 'quit', question: confirmQuestion('quit', facts) } }, effects: [] };
  }
  return { ui: { ...ui, exiting: true }, effects: [{ type: 'quit', cmd: { type: 'quit', reason: 'operator quit' } }] };
}

/** The next UI state and the effects of one key press. */
export function reduceKey(ui: UiState, key: KeyPress, facts: EngineFacts): Step {
  if (ui.exiting) return { ui, effects: [] };
  const prompt = ui.prompt;
  if (prompt?.kind === 'confirm') return onConfirm(ui, prompt, key);
  if (prompt?.kind === 'reason') return onReason(ui, prompt, key);
  if (ui.help) {
    const closes = key.kind === 'escape' || (key.kind === 'char' && key.text === '?');
    if (closes) return { ui: { ...ui, help: false }, effects: [] };
    if (key.kind === 'interrupt') return onQuit({ ...ui, help: false }, facts);
    return { ui, effects: [] };
  }
  if (key.kind === 'tab') return { ui: { ...ui, pane: cyclePane(ui.pane, key.back ? -1 : 1) }, effects: [] };
  if (key.kind === 'interrupt') return onQuit(ui, facts);
  if (key.kind !== 'char') return { ui, effects: [] };
  const pane = paneForKey(key.text);
  if (pane !== undefined) return { ui: { ...ui, pane }, effects: [] };
  switch (key.text) {
    case '?':
      return { ui: { ...ui, help: true }, effects: [] };
    case 'p':
      return onPause(ui, facts);
    case 'f':
    case 'h': {
      const action = key.text === 'f' ? 'flatten' : 'halt';
      return { ui: { ...ui, prompt: { kind: 'confirm', action, question: confirmQuestion(action, facts) } }, effects: [] };
    }
    case 'r':
      return { ui, effects: [{ type: 'send', cmd: { type: 'reconcile' } }] };
    case 'z':
      return { ui: { ...ui, zoom: !ui.zoom }, effects: [] };
    case 'q':
      return onQuit(ui, facts);
    default:
      return { ui, effects: [] };
  }
}
