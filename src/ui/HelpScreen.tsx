/**
 * The full help screen (`?`): every key with a sentence, word-wrapped to the width, and how the
 * confirmations and reason prompts work. Clipped to the body height by its parent.
 */
import { Box } from 'ink';
import { keyMap } from './keys.ts';
import { Paint } from './Paint.tsx';
import { wrapWords } from './format.ts';

export function HelpScreen({ width, height, paused }: { width: number; height: number; paused: boolean }) {
  const keys = keyMap(paused);
  const keyW = Math.max(...keys.map((k) => k.keys.length)) + 2;
  const lines: { key: string; text: string }[] = [];
  for (const k of keys) {
    wrapWords(k.long, Math.max(10, width - keyW)).forEach((text, i) => lines.push({ key: i === 0 ? k.keys : '', text }));
  }
  const notes = wrapWords(
    'f, h, and q with open positions ask for y (any other key cancels). Flatten, halt, and resume after the engine paused or halted on its own then ask for a reason (Enter sends, Esc cancels, empty is refused); it goes to the audit journal. While a prompt is open, no other key acts.',
    width,
  );
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Paint bold tone="cyan">
        Parity keys
      </Paint>
      {lines.map((l, i) => (
        <Box key={i} width={width} height={1}>
          <Paint bold tone="cyan">
            {l.key.padEnd(keyW)}
          </Paint>
          <Paint>{l.text}</Paint>
        </Box>
      ))}
      <Paint> </Paint>
      {notes.map((n, i) => (
        <Paint key={`n${i}`} tone="gray">
          {n}
        </Paint>
      ))}
    </Box>
  );
}
