/**
 * What every pane gets: the snapshot and the exact room it may use (body lines, below its title
 * rule). A pane never draws more than `height` lines or wider than `width` characters.
 */
import type { WorkstationSnapshot } from '../../workstation/model.ts';

export interface PaneProps {
  readonly snap: WorkstationSnapshot;
  readonly width: number;
  readonly height: number;
  /** The diff the operator's a and x act on (the Diffs pane marks it); undefined when none. */
  readonly selectedDiff?: string | undefined;
}
