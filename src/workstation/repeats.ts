/**
 * Keeps the same refusal from flooding the log and the event pane: a strategy that asks for the
 * same thing every bar while paused gets one line a minute, not one a second. The journal keeps
 * every message; this only decides what is shown.
 *
 * Invariant: the first message of a kind is always shown; repeats within `windowMs` (engine time)
 * are counted, and the first one after the window is shown with how many were held back.
 */
import type { LoggedMessage } from '../engine/index.ts';

/** Messages that a strategy can repeat without end; everything else is always shown. */
function repeatKey(m: LoggedMessage): string | undefined {
  switch (m.type) {
    case 'OrderDenied':
    case 'OrderModifyDenied':
      return `${m.type}|${m.symbol}|${m.reason}`;
    default:
      return undefined;
  }
}

export class RepeatFilter {
  private readonly seen = new Map<string, { shownAt: number; held: number }>();

  constructor(private readonly windowMs = 60_000) {}

  /** undefined: hold it back; otherwise show it, with the number of identical ones held back since the last shown. */
  pass(m: LoggedMessage): { readonly repeated: number } | undefined {
    const key = repeatKey(m);
    if (key === undefined) return { repeated: 0 };
    const s = this.seen.get(key);
    if (s !== undefined && m.tsInit - s.shownAt < this.windowMs) {
      s.held++;
      return undefined;
    }
    this.seen.set(key, { shownAt: m.tsInit, held: 0 });
    if (this.seen.size > 1000) this.seen.delete(this.seen.keys().next().value as string);
    return { repeated: s?.held ?? 0 };
  }
}
