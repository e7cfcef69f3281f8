/**
 * The event log, most recent at the bottom, as many as fit: time, level and text, colored by level
 * (audit entries, the operator's own commands, stand out in bold cyan).
 */
import { Box } from 'ink';
import type { EventLevel, WorkstationSnapshot } from '../../workstation/model.ts';
import { fmtClock, truncate } from '../../workstation/format.ts';
import { Paint } from '../Paint.tsx';
import type { Tone } from '../theme.ts';
import { Empty } from './Empty.tsx';
import type { PaneProps } from './pane-props.ts';

const LEVEL: Record<EventLevel, { label: string; tone: Tone | undefined; bold: boolean }> = {
  info: { label: 'info ', tone: undefined, bold: false },
  warn: { label: 'WARN ', tone: 'yellow', bold: false },
  error: { label: 'ERROR', tone: 'red', bold: true },
  audit: { label: 'AUDIT', tone: 'cyan', bold: true },
};

export function eventsSummary(s: WorkstationSnapshot): string {
  const errors = s.events.filter((e) => e.level === 'error').length;
  return `${s.events.length} events${errors > 0 ? ` · ${errors} errors` : ''}`;
}

export function EventsPane({ snap, width, height }: PaneProps) {
  if (snap.events.length === 0) return <Empty text="no events yet" width={width} />;
  const shown = snap.events.slice(-Math.max(1, height));
  const textW = Math.max(1, width - 15);
  return (
    <Box flexDirection="column" width={width}>
      {shown.map((e, i) => {
        const lv = LEVEL[e.level];
        return (
          <Box key={i} width={width} height={1}>
            <Paint tone="gray">{`${fmtClock(e.ts)} `}</Paint>
            <Paint tone={lv.tone} bold={lv.bold}>{`${lv.label} `}</Paint>
            <Paint tone={lv.tone}>{truncate(e.text, textW)}</Paint>
          </Box>
        );
      })}
    </Box>
  );
}
