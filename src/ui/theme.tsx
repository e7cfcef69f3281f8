/**
 * Color policy for the whole TUI. Every styled piece of text goes through <Paint>, which asks the
 * color context whether styling is on: with NO_COLOR (or `noColor`) the frame carries no ANSI
 * codes at all (no color, no bold, no inverse), so it reads the same in a pipe, a log or a dumb
 * terminal. Emphasis that matters (the selected pane) is also marked with plain characters.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { Text, type TextProps } from 'ink';

/** Ink named colors the TUI uses. */
export type Tone = 'green' | 'red' | 'yellow' | 'cyan' | 'magenta' | 'blue' | 'gray' | 'white';

const ColorContext = createContext<boolean>(true);

export function ColorProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  return <ColorContext.Provider value={enabled}>{children}</ColorContext.Provider>;
}

/** True when styling is allowed. */
export function useColorEnabled(): boolean {
  return useContext(ColorContext);
}

export interface PaintProps {
  readonly tone?: Tone | undefined;
  readonly bold?: boolean;
  readonly inverse?: boolean;
  readonly dim?: boolean;
  readonly children?: ReactNode;
}

/** Text that is styled only when color is enabled; never wraps (the layout sizes every line). */
export function Paint({ tone, bold, inverse, dim, children }: PaintProps) {
  const enabled = useColorEnabled();
  const props: TextProps = enabled
    ? {
        ...(tone !== undefined ? { color: tone } : {}),
        ...(bold === true ? { bold } : {}),
        ...(inverse === true ? { inverse } : {}),
        ...(dim === true ? { dimColor: dim } : {}),
      }
    : {};
  return (
    <Text {...props} wrap="truncate-end">
      {children}
    </Text>
  );
}

/** Green for gains, red for losses, nothing for zero. Works on numbers or on formatted text. */
export function signTone(v: number | string): Tone | undefined {
  if (typeof v === 'number') return v > 0 ? 'green' : v < 0 ? 'red' : undefined;
  const t = v.trim();
  if (t.startsWith('+')) return 'green';
  if (t.startsWith('-') && /\d/.test(t)) return 'red';
  return undefined;
}

/** Whether NO_COLOR asks for plain output (https://no-color.org: present and not empty). */
export function noColorFromEnv(env: NodeJS.ProcessEnv): boolean {
  const v = env['NO_COLOR'];
  return v !== undefined && v !== '';
}
