/**
 * The TUI's palette and color policy: the named Ink colors it uses, how a signed value is toned,
 * and when NO_COLOR asks for plain output. Drawing happens in Paint.tsx.
 */

/** Ink named colors the TUI uses. */
export type Tone = 'green' | 'red' | 'yellow' | 'cyan' | 'magenta' | 'blue' | 'gray' | 'white';

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
