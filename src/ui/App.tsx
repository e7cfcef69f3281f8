/**
 * The workstation TUI: renders `Workstation.snapshot()` (re-read at most `fps` times per second)
 * and acts only through `Workstation.send(cmd)`. Layout from the terminal size (see layout.ts);
 * keys through the operator flow (see operator-flow.ts); colors off with `noColor`.
 */
import { Box } from 'ink';
import type { Workstation } from '../workstation/model.ts';
import { MIN_COLUMNS, MIN_ROWS, planLayout } from './layout.ts';
import { ColorProvider } from './Paint.tsx';
import { StatusBar } from './StatusBar.tsx';
import { Body } from './Body.tsx';
import { MessageLine } from './MessageLine.tsx';
import { HelpBar } from './HelpBar.tsx';
import { TooSmall } from './TooSmall.tsx';
import { useTerminalSize } from './use-terminal-size.ts';
import { DEFAULT_FPS, useThrottledSnapshot } from './use-throttled-snapshot.ts';
import { DEFAULT_FLASH_MS, useFlash } from './use-flash.ts';
import { useOperator } from './use-operator.ts';
import { realScheduler, type Scheduler } from './scheduler.ts';
import { pickDiff } from './diff-choice.ts';
import { waitingDiffs } from '../workstation/diff-order.ts';

export interface AppProps {
  readonly ws: Workstation;
  /** Most re-renders per second from engine notifications (default 4). */
  readonly fps?: number;
  /** No ANSI styling at all (NO_COLOR). */
  readonly noColor?: boolean;
  /** How long a command's result stays on the message line, ms (default 5000). */
  readonly flashMs?: number;
  /** Timers for the throttle and the message line (tests drive time with their own). */
  readonly scheduler?: Scheduler;
}

export function App({ ws, fps = DEFAULT_FPS, noColor = false, flashMs = DEFAULT_FLASH_MS, scheduler = realScheduler }: AppProps) {
  const snap = useThrottledSnapshot(ws, fps, scheduler);
  const size = useTerminalSize();
  const { flash, show } = useFlash(flashMs, scheduler);
  const ui = useOperator({ ws, snap, show, scheduler, enabled: size.columns >= MIN_COLUMNS && size.rows >= MIN_ROWS });
  const layout = planLayout(size, snap, ui.pane, ui.zoom);
  const waiting = waitingDiffs(snap.diffs);
  const onDiffs = ui.pane === 'diffs';
  const keys = { paused: snap.status.state !== 'RUNNING', diffKeys: onDiffs && waiting.length > 0 };
  // Marked only while the Diffs pane is selected: that is when a and x act on it.
  const selectedDiff = onDiffs ? pickDiff(waiting, ui.diff)?.id : undefined;
  return (
    <ColorProvider enabled={!noColor}>
      {layout.kind === 'too-small' ? (
        <TooSmall columns={layout.columns} rows={layout.rows} />
      ) : (
        <Box flexDirection="column" width={layout.width} height={layout.frameHeight} overflow="hidden">
          <StatusBar status={snap.status} width={layout.width} />
          <Body layout={layout} snap={snap} pane={ui.pane} help={ui.help} keys={keys} selectedDiff={selectedDiff} />
          <MessageLine prompt={ui.prompt} flash={flash} width={layout.width} />
          <HelpBar ui={ui} keys={keys} width={layout.width} />
        </Box>
      )}
    </ColorProvider>
  );
}
