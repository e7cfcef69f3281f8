/**
 * Every styled piece of text goes through <Paint>, which asks the color context whether styling
 * is on: with NO_COLOR (or `noColor`) the frame carries no ANSI codes at all (no color, no bold,
 * no inverse), so it reads the same in a pipe, a log or a dumb terminal. Emphasis that matters
 * (the selected pane) is also marked with plain characters by the callers.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { Text, type TextProps } from 'ink';
import type { Tone } from './theme.ts';

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
  readonly children?: ReactNode;
}

/** Text that is styled only when color is enabled; never wraps (the layout sizes every line). */
export function Paint({ tone, bold, inverse, children }: PaintProps) {
  const enabled = useColorEnabled();
  const props: TextProps = enabled
    ? {
        ...(tone !== undefined ? { color: tone } : {}),
        ...(bold === true ? { bold } : {}),
        ...(inverse === true ? { inverse } : {}),
      }
    : {};
  return (
    <Text {...props} wrap="truncate-end">
      {children}
    </Text>
  );
}
