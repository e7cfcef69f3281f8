/**
 * The one-line help bar at the bottom: the key map in short form, or what the open prompt or the
 * help screen accepts (so the operator always sees which keys do something right now).
 */
import type { UiState } from './operator-flow.ts';
import { keyMap, type KeyMapOptions } from './keys.ts';
import { Line } from './Line.tsx';
import type { Segment } from './segments.ts';

/** The help bar segments for the current UI state. */
export function helpSegments(ui: UiState, keys: KeyMapOptions): Segment[] {
  const pairs = (xs: readonly (readonly [string, string])[]): Segment[] => xs.flatMap(([k, label], i) => [{ text: `${k} ${label}`, priority: 10 - i }]);
  if (ui.exiting) return [{ text: 'quitting…', tone: 'yellow' }];
  if (ui.prompt?.kind === 'confirm')
    return pairs([
      ['y', 'confirm'],
      ['any other key', 'cancel'],
    ]);
  if (ui.prompt?.kind === 'reason')
    return pairs([
      ['Enter', 'send'],
      ['Esc', 'cancel'],
      ['Backspace', 'erase'],
    ]);
  if (ui.help) return pairs([['Esc or ?', 'close help']]);
  return keyMap(keys).map((k) => ({ text: `${k.keys} ${k.short}`, priority: k.priority }));
}

export function HelpBar({ ui, keys, width }: { ui: UiState; keys: KeyMapOptions; width: number }) {
  const segs = helpSegments(ui, keys).map((s) => ({ ...s, tone: s.tone ?? ('gray' as const) }));
  return <Line left={segs} width={width} />;
}
