/**
 * The line above the help bar: an open prompt (a y/n question, or the reason input with its
 * cursor and error), else the last command's result for a few seconds, else nothing. The reason
 * input shows its tail when it is longer than the room, so the cursor stays in view.
 */
import { Box } from 'ink';
import type { Prompt } from './operator-flow.ts';
import type { Flash } from './use-flash.ts';
import { Line } from './Line.tsx';
import type { Segment } from './segments.ts';
import type { Tone } from './theme.ts';

const FLASH_TONE: Record<Flash['tone'], Tone | undefined> = { info: 'cyan', ok: 'green', error: 'red' };

function promptSegments(p: Prompt, width: number): Segment[] {
  if (p.kind === 'confirm') {
    return [
      { text: p.question, tone: 'yellow', bold: true, flex: true, minWidth: 20, priority: 5 },
      { text: 'y = yes, other = no', priority: 4 },
    ];
  }
  const error = p.error !== undefined ? [{ text: p.error, tone: 'red' as const, priority: 6 }] : [];
  // The typed text keeps its tail in view; what is being overridden shortens, then goes.
  const room = Math.max(8, width - 'reason: '.length - 1);
  const text = p.text.length >= room ? `…${p.text.slice(p.text.length - room + 2)}` : p.text;
  return [
    { text: p.label, tone: 'yellow', bold: true, flex: true, minWidth: 16, priority: 4 },
    { text: 'reason:', tone: 'yellow', bold: true, priority: 8 },
    { text: `${text}_`, priority: 9 },
    ...error,
  ];
}

export function MessageLine({ prompt, flash, width }: { prompt: Prompt | undefined; flash: Flash | undefined; width: number }) {
  const left: Segment[] = prompt !== undefined ? promptSegments(prompt, width) : flash !== undefined ? [{ text: flash.text, tone: FLASH_TONE[flash.tone], flex: true, minWidth: 10 }] : [];
  return (
    <Box width={width} height={1}>
      <Line left={left} width={width} gap={1} />
    </Box>
  );
}
