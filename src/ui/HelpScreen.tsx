/**
 * The full help screen (`?`): every key with a sentence, word-wrapped to the width, and how the
 * confirmations and reason prompts work. Cut to the body height (the last line then says so), so
 * the lines never squeeze into each other on a short terminal.
 */
import { Box } from 'ink';
import { keyMap, type KeyMapOptions } from './keys.ts';
import { Paint } from './Paint.tsx';
import { wrapWords } from '../workstation/format.ts';

const NOTES =
  'y confirms, any other key cancels; then a reason: Enter sends, Esc cancels, empty is refused; it goes to the audit journal. ' +
  'No other key acts while a prompt is open. Diffs waiting for your choice are marked ASK on the Diffs pane (3).';

interface Row {
  readonly key: string;
  readonly text: string;
  readonly note?: boolean;
}

export function HelpScreen({ width, height, keyOptions }: { width: number; height: number; keyOptions: KeyMapOptions }) {
  const keys = keyMap(keyOptions);
  const keyW = Math.max(...keys.map((k) => k.keys.length)) + 2;
  const rows: Row[] = [];
  for (const k of keys) {
    wrapWords(k.long, Math.max(10, width - keyW)).forEach((text, i) => rows.push({ key: i === 0 ? k.keys : '', text }));
  }
  rows.push({ key: '', text: '' });
  for (const text of wrapWords(NOTES, width)) rows.push({ key: '', text, note: true });
  const room = Math.max(0, height - 1);
  const shown = rows.length <= room ? rows : [...rows.slice(0, Math.max(0, room - 1)), { key: '', text: '… (a taller terminal shows the rest)', note: true }];
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Paint bold tone="cyan">
        Parity keys
      </Paint>
      {shown.map((l, i) =>
        l.note === true ? (
          <Paint key={i} tone="gray">
            {l.text === '' ? ' ' : l.text}
          </Paint>
        ) : (
          <Box key={i} width={width} height={1}>
            <Paint bold tone="cyan">
              {l.key.padEnd(keyW)}
            </Paint>
            <Paint>{l.text === '' ? ' ' : l.text}</Paint>
          </Box>
        ),
      )}
    </Box>
  );
}
