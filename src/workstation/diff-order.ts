/**
 * The order diffs are listed in, everywhere a person reads them (the Diffs pane, `parity ctl
 * status`): the ones waiting for the operator's choice first, then critical before warnings before
 * info, newest first.
 */
import type { DiffRow, DiffSeverity } from './model.ts';

const RANK: Record<DiffSeverity, number> = { critical: 0, warn: 1, info: 2 };

/** True while the diff waits for the operator's choice. */
export function waits(d: Pick<DiffRow, 'choices'>): boolean {
  return d.choices.length > 0;
}

/** Waiting for a choice first, then critical before warnings before info, newest first. */
export function sortDiffs(diffs: readonly DiffRow[]): DiffRow[] {
  return [...diffs].sort((a, b) => Number(waits(b)) - Number(waits(a)) || RANK[a.severity] - RANK[b.severity] || b.ts - a.ts);
}

/** The waiting diffs, in pane order. */
export function waitingDiffs(diffs: readonly DiffRow[]): DiffRow[] {
  return sortDiffs(diffs).filter(waits);
}
