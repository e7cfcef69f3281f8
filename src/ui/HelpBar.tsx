/**
 * The one-line help bar at the bottom: the key map in short form, or what the open prompt or the
 * help screen accepts (so the operator always sees which keys do something right now).
 */
import type { UiState } from './operator-flow.ts';
import { keyMap } from './keys.ts';
import { Line } from './Line.tsx';
import type { Segment } from './segments.ts';

/** The help bar segments for the current UI state. */
export function helpSegments(ui: UiState, paused: boolean): Segment[] {
  const pairs = (xs: readonly (readonly [string, string])[]): Segment[] =>
    xs.flatMap(([k, label], i) => [{ text: `${k} ${label}`, priority: 10 - i }]);
  if (ui.exiting) return [{ text: 'quitting…', tone: 'yellow' }];
  if (ui.prompt?.kind === 'confirm') return pairs([['y', 'confirm'], ['any other key', 'cancel']]);
  if (ui.prompt?.kind === 'reason') return pairs([['Enter', 'send'], ['Esc', 'cancel'], ['Backspace', 'erase']]);
  if (ui.help) return pairs([['Esc or ?', 'close help']]);
  // The zoom key goes first when the line is short: at 80 columns there is no grid to zoom from.
  return keyMap(paused).map((k, i) => ({
    text: `${k.keys} ${k.short}`,
    priority: k.keys === 'z' ? 0 : i === 0 || k.keys === '?' ? 10 : 8 - i,
  }));
}

export function HelpBar({ ui, paused, width }: { ui: UiState; paused: boolean; width: number }) {
  const segs = helpSegments(ui, paused).map((s) => ({ ...s, tone: s.tone ?? ('gray' as const) }));
  return <Line left={segs} width={width} />;
}
