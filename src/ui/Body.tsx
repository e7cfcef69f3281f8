/**
 * The area between the status bar and the message line: the help screen, the selected pane (and
 * the latest events) under the tab bar from 80x24, or every pane in the grid from 120x40. Sizes
 * come from layout.ts.
 */
import { Box } from 'ink';
import type { WorkstationSnapshot } from '../workstation/model.ts';
import type { Layout } from './layout.ts';
import type { PaneId } from './panes.ts';
import type { KeyMapOptions } from './keys.ts';
import { PaneView } from './PaneView.tsx';
import { TabBar } from './TabBar.tsx';
import { HelpScreen } from './HelpScreen.tsx';

export interface BodyProps {
  readonly layout: Exclude<Layout, { kind: 'too-small' }>;
  readonly snap: WorkstationSnapshot;
  readonly pane: PaneId;
  readonly help: boolean;
  readonly keys: KeyMapOptions;
  /** The diff a, x act on (marked on the Diffs pane), if any. */
  readonly selectedDiff: string | undefined;
}

export function Body({ layout, snap, pane, help, keys, selectedDiff }: BodyProps) {
  const { width, bodyHeight } = layout;
  if (help) return <HelpScreen width={width} height={bodyHeight} keyOptions={keys} />;
  if (layout.kind === 'single') {
    return (
      <Box flexDirection="column" width={width} height={bodyHeight} overflow="hidden">
        <TabBar snap={snap} selected={pane} width={width} />
        {layout.panes.map((slot) => (
          <PaneView key={slot.id} id={slot.id} snap={snap} width={width} height={slot.height} selected={false} selectedDiff={selectedDiff} />
        ))}
      </Box>
    );
  }
  return (
    <Box flexDirection="row" width={width} height={bodyHeight} overflow="hidden">
      {layout.columns.map((col, c) => (
        <Box key={c} flexDirection="column" width={col.width} height={bodyHeight} marginLeft={c > 0 ? 1 : 0} overflow="hidden">
          {col.panes.map((slot) => (
            <PaneView key={slot.id} id={slot.id} snap={snap} width={col.width} height={slot.height} selected={slot.id === pane} selectedDiff={selectedDiff} />
          ))}
        </Box>
      ))}
    </Box>
  );
}
