/**
 * A pane's frame: a one-line title rule ("── 2 Open orders · 4 open ─────") over a body clipped to
 * the lines the layout gave it, so a pane can never push the rest of the screen down. The
 * selected pane's title is bold cyan and drawn with a double rule "══" (visible without color).
 */
import type { ReactNode } from 'react';
import { Box } from 'ink';
import { Paint } from './Paint.tsx';
import { truncate } from '../workstation/format.ts';

export interface PaneFrameProps {
  readonly title: string;
  readonly summary: string;
  readonly width: number;
  /** Lines in all, the title included. */
  readonly height: number;
  readonly selected: boolean;
  readonly children?: ReactNode;
}

/** The title rule text, exactly `width` characters. */
export function titleRule(title: string, summary: string, width: number, selected: boolean): string {
  const rule = selected ? '═' : '─';
  const head = `${rule}${rule} ${title}${summary === '' ? '' : ` · ${summary}`} `;
  const text = truncate(head, width);
  return text + rule.repeat(Math.max(0, width - text.length));
}

export function PaneFrame({ title, summary, width, height, selected, children }: PaneFrameProps) {
  if (height <= 0) return null;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Paint tone={selected ? 'cyan' : 'gray'} bold={selected}>
        {titleRule(title, summary, width, selected)}
      </Paint>
      {height > 1 ? (
        <Box flexDirection="column" width={width} height={height - 1} overflow="hidden">
          {children}
        </Box>
      ) : null}
    </Box>
  );
}
