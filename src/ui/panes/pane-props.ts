/**
 * What every pane gets: the snapshot and the exact room it may use (body lines, below its title
 * rule). A pane never draws more than `height` lines or wider than `width` characters.
 */
import type { WorkstationSnapshot } from '../../workstation/model.ts';

export interface PaneProps {
  readonly snap: WorkstationSnapshot;
  readonly width: number;
  readonly height: number;
}
