/**
 * The diffs that wait for the operator's choice (DiffRow.choices non-empty), in the order the
 * Diffs pane lists them, and which one is selected. Pure: the pane draws from it and the operator
 * flow acts on it, so the row marked on screen is the row a key resolves.
 *
 * Invariants: the selection is kept as a diff id, so rows arriving or going never move it to
 * another diff; when the chosen diff no longer waits (resolved, gone), the first waiting diff is
 * selected; only waiting diffs can be selected.
 */
import type { DiffChoice, DiffRow } from '../workstation/model.ts';

/** What the operator flow needs to know of a waiting diff. */
export type WaitingDiff = Pick<DiffRow, 'id' | 'kind' | 'symbol' | 'choices'>;

/** The selected diff: the chosen one while it still waits, else the first waiting one. */
export function pickDiff<D extends WaitingDiff>(waiting: readonly D[], chosen: string | undefined): D | undefined {
  return waiting.find((d) => d.id === chosen) ?? waiting[0];
}

/** The id selected after moving `step` rows from the current selection (clamped at the ends). */
export function moveSelection(waiting: readonly WaitingDiff[], chosen: string | undefined, step: 1 | -1): string | undefined {
  const current = pickDiff(waiting, chosen);
  if (current === undefined) return chosen;
  const i = waiting.indexOf(current);
  return waiting[Math.min(waiting.length - 1, Math.max(0, i + step))]?.id;
}

/** The key that makes each choice, and how a done choice is worded. */
export const CHOICE_KEYS: Record<DiffChoice, { readonly key: string; readonly past: string }> = {
  adopt: { key: 'a', past: 'adopted' },
  flatten: { key: 'x', past: 'flattened' },
};

/** The choice a key makes, if any. */
export function choiceForKey(text: string): DiffChoice | undefined {
  return (Object.keys(CHOICE_KEYS) as DiffChoice[]).find((c) => CHOICE_KEYS[c].key === text);
}
