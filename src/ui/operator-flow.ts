/**
 * What each key does, as a pure reducer: (ui state, key, engine facts) -> (next ui state, effects).
 * The hook that owns it performs the effects (send a command, flash a message, exit).
 *
 * Invariants:
 * - while a prompt or the help screen is open, every other hotkey is inert;
 * - destructive actions (flatten, halt, quit with open positions, a choice on a diff, resuming from
 *   HALTED or from a state the engine entered by itself) need `y`; any other key cancels;
 * - those manual overrides then need a non-empty reason, which goes into the command and so into
 *   the audit journal; only leaving the operator's own pause is one key (`p`);
 * - a choice on a diff goes to the diff selected on the Diffs pane (diff-choice.ts), by id;
 * - after quit is sent nothing else is accepted.
 */
import type { DiffChoice, OperatorCommand, StrategyState } from '../workstation/model.ts';
import type { KeyPress } from './keys.ts';
import { cyclePane, paneForKey, type PaneId } from './panes.ts';
import { CHOICE_KEYS, choiceForKey, moveSelection, pickDiff, type WaitingDiff } from './diff-choice.ts';

/** A manual override the operator is being asked about: what is sent once confirmed and given a reason. */
export type Override =
  | { readonly type: 'flatten' | 'halt' }
  /** A confirmed resume; `from` is the state left and its reason, shown with the reason input. */
  | { readonly type: 'resume'; readonly from: string }
  | { readonly type: 'resolve'; readonly diffId: string; readonly choice: DiffChoice };

export type ConfirmAction = Override | { readonly type: 'quit' };

export type Prompt =
  | { readonly kind: 'confirm'; readonly action: ConfirmAction; readonly question: string }
  | {
      readonly kind: 'reason';
      readonly action: Override;
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
  /** The diff the operator selected on the Diffs pane (see pickDiff for the one in effect). */
  readonly diff: string | undefined;
}

export type FlashTone = 'info' | 'ok' | 'error';

export type Effect =
  { readonly type: 'send'; readonly cmd: OperatorCommand } | { readonly type: 'quit'; readonly cmd: OperatorCommand } | { readonly type: 'flash'; readonly text: string; readonly tone: FlashTone };

/** What the reducer needs to know about the engine, from the latest snapshot. */
export interface EngineFacts {
  readonly state: StrategyState;
  readonly stateReason: string;
  readonly stateSetByEngine: boolean;
  readonly openPositions: number;
  /** Diffs waiting for the operator's choice, in the Diffs pane's order. */
  readonly waiting: readonly WaitingDiff[];
}

export interface Step {
  readonly ui: UiState;
  readonly effects: readonly Effect[];
}

/** Longest reason accepted (it has to fit on one input line at 80 columns). */
export const MAX_REASON = 60;

export const initialUi: UiState = { pane: 'positions', help: false, prompt: undefined, exiting: false, zoom: false, diff: undefined };

const flash = (text: string, tone: FlashTone = 'info'): Effect => ({ type: 'flash', text, tone });
const still = (ui: UiState): Step => ({ ui, effects: [] });

/** How an action is named in its prompt and in "... canceled". */
function actionName(a: ConfirmAction): string {
  return a.type === 'resolve' ? `${a.choice} ${a.diffId}` : a.type;
}

function reasonLabel(a: Override): string {
  return a.type === 'resume' ? `resume after ${a.from}` : actionName(a);
}

function commandFor(a: Override, reason: string): OperatorCommand {
  switch (a.type) {
    case 'resume':
      return { type: 'resume', reason, confirmed: true };
    case 'resolve':
      return { type: 'resolve', diffId: a.diffId, choice: a.choice, reason };
    default:
      return { type: a.type, reason };
  }
}

const ask = (ui: UiState, action: ConfirmAction, question: string): Step => ({ ui: { ...ui, prompt: { kind: 'confirm', action, question } }, effects: [] });

function positions(n: number): string {
  return `${n} position${n === 1 ? '' : 's'}`;
}

function onConfirm(ui: UiState, prompt: Extract<Prompt, { kind: 'confirm' }>, key: KeyPress): Step {
  const yes = key.kind === 'char' && (key.text === 'y' || key.text === 'Y');
  const action = prompt.action;
  if (!yes) return { ui: { ...ui, prompt: undefined }, effects: [flash(`${actionName(action)} canceled: nothing sent`)] };
  if (action.type === 'quit') {
    const cmd: OperatorCommand = { type: 'quit', reason: 'operator quit with open positions' };
    return { ui: { ...ui, prompt: undefined, exiting: true }, effects: [{ type: 'quit', cmd }] };
  }
  return still({ ...ui, prompt: { kind: 'reason', action, label: reasonLabel(action), text: '', error: undefined } });
}

function onReason(ui: UiState, prompt: Extract<Prompt, { kind: 'reason' }>, key: KeyPress): Step {
  switch (key.kind) {
    case 'escape':
    case 'interrupt':
      return { ui: { ...ui, prompt: undefined }, effects: [flash(`${actionName(prompt.action)} canceled: nothing sent`)] };
    case 'enter': {
      const reason = prompt.text.trim();
      if (reason === '') return still({ ...ui, prompt: { ...prompt, error: 'a reason is required (Esc cancels)' } });
      return { ui: { ...ui, prompt: undefined }, effects: [{ type: 'send', cmd: commandFor(prompt.action, reason) }] };
    }
    case 'erase':
      return still({ ...ui, prompt: { ...prompt, text: prompt.text.slice(0, -1), error: undefined } });
    case 'char': {
      // eslint-disable-next-line no-control-regex
      const typed = key.text.replace(/[\u0000-\u001f\u007f]/g, '');
      return still({ ...ui, prompt: { ...prompt, text: (prompt.text + typed).slice(0, MAX_REASON), error: undefined } });
    }
    default:
      return still(ui);
  }
}

/**
 * `p`: pause when running; leave the operator's own pause at once; leaving HALTED (whoever set
 * it: one key must not undo a halt) or a state the engine entered by itself asks y, then a reason.
 */
function onPause(ui: UiState, facts: EngineFacts): Step {
  if (facts.state === 'RUNNING') return { ui, effects: [{ type: 'send', cmd: { type: 'pause', reason: 'operator pause' } }] };
  if (facts.state !== 'HALTED' && !facts.stateSetByEngine) {
    return { ui, effects: [{ type: 'send', cmd: { type: 'resume', reason: 'operator resume' } }] };
  }
  const reason = facts.stateReason.trim();
  const by = facts.stateSetByEngine ? ', set by the engine' : '';
  const from = reason === '' ? facts.state : `${facts.state}: ${reason}`;
  return ask(ui, { type: 'resume', from }, `RESUME from ${facts.state}${by}${reason === '' ? '' : ` (${reason})`}? trading starts again`);
}

function choiceQuestion(d: WaitingDiff, choice: DiffChoice): string {
  const what = [d.kind, d.symbol].filter((x) => x !== undefined && x !== '').join(' ');
  if (choice === 'adopt') return `ADOPT the venue's truth for ${d.id} (${what})?`;
  return `FLATTEN ${d.symbol ?? 'its symbol'} for ${d.id}: cancel its orders and close it at market?`;
}

function moveStep(key: KeyPress): 1 | -1 | undefined {
  if (key.kind === 'move') return key.step;
  if (key.kind !== 'char') return undefined;
  return key.text === 'j' ? 1 : key.text === 'k' ? -1 : undefined;
}

/** j/k, the arrows, a and x while the Diffs pane is selected; undefined for any other key. */
function onDiffKey(ui: UiState, key: KeyPress, facts: EngineFacts): Step | undefined {
  const step = moveStep(key);
  if (step !== undefined) return still({ ...ui, diff: moveSelection(facts.waiting, ui.diff, step) });
  const choice = key.kind === 'char' ? choiceForKey(key.text) : undefined;
  if (choice === undefined) return undefined;
  const d = pickDiff(facts.waiting, ui.diff);
  if (d === undefined) return { ui, effects: [flash(`no difference waits for a choice: nothing to ${choice}; nothing sent`)] };
  if (!d.choices.includes(choice)) {
    const offers = d.choices.map((c) => `${c} (${CHOICE_KEYS[c].key})`).join(' or ');
    return { ui, effects: [flash(`${d.id} cannot be ${CHOICE_KEYS[choice].past}: it offers ${offers} only; nothing sent`, 'error')] };
  }
  return ask({ ...ui, diff: d.id }, { type: 'resolve', diffId: d.id, choice }, choiceQuestion(d, choice));
}

function onQuit(ui: UiState, facts: EngineFacts): Step {
  if (facts.openPositions > 0) return ask(ui, { type: 'quit' }, `QUIT with ${positions(facts.openPositions)} still open?`);
  return { ui: { ...ui, exiting: true }, effects: [{ type: 'quit', cmd: { type: 'quit', reason: 'operator quit' } }] };
}

/** The next UI state and the effects of one key press. */
export function reduceKey(ui: UiState, key: KeyPress, facts: EngineFacts): Step {
  if (ui.exiting) return still(ui);
  const prompt = ui.prompt;
  if (prompt?.kind === 'confirm') return onConfirm(ui, prompt, key);
  if (prompt?.kind === 'reason') return onReason(ui, prompt, key);
  if (ui.help) {
    const closes = key.kind === 'escape' || (key.kind === 'char' && key.text === '?');
    if (closes) return still({ ...ui, help: false });
    if (key.kind === 'interrupt') return onQuit({ ...ui, help: false }, facts);
    return still(ui);
  }
  if (key.kind === 'tab') return still({ ...ui, pane: cyclePane(ui.pane, key.back ? -1 : 1) });
  if (key.kind === 'interrupt') return onQuit(ui, facts);
  const onDiffs = ui.pane === 'diffs' ? onDiffKey(ui, key, facts) : undefined;
  if (onDiffs !== undefined) return onDiffs;
  if (key.kind !== 'char') return still(ui);
  const pane = paneForKey(key.text);
  if (pane !== undefined) return still({ ...ui, pane });
  switch (key.text) {
    case '?':
      return still({ ...ui, help: true });
    case 'p':
      return onPause(ui, facts);
    case 'f':
      return ask(ui, { type: 'flatten' }, `FLATTEN: cancel all orders and close ${positions(facts.openPositions)} at market?`);
    case 'h':
      return ask(ui, { type: 'halt' }, 'HALT: cancel all orders and stop trading?');
    case 'r':
      return { ui, effects: [{ type: 'send', cmd: { type: 'reconcile' } }] };
    case 'z':
      return still({ ...ui, zoom: !ui.zoom });
    case 'q':
      return onQuit(ui, facts);
    default:
      return still(ui);
  }
}
