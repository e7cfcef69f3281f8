/**
 * A short-lived message for the message line (a command's result, a canceled prompt): shown for
 * `ms` milliseconds, replaced by the next one. The timer is the Scheduler's, so tests can drive it.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FlashTone } from './operator-flow.ts';
import { realScheduler, type Scheduler } from './scheduler.ts';

export interface Flash {
  readonly text: string;
  readonly tone: FlashTone;
}

/** How long a message stays, ms. */
export const DEFAULT_FLASH_MS = 5000;

export function useFlash(ms: number = DEFAULT_FLASH_MS, scheduler: Scheduler = realScheduler): { readonly flash: Flash | undefined; readonly show: (text: string, tone: FlashTone) => void } {
  const [flash, setFlash] = useState<Flash | undefined>(undefined);
  const cancel = useRef<(() => void) | undefined>(undefined);
  // A reply that arrives after the app is gone must not start a timer that keeps the process up.
  const live = useRef(true);
  const show = useCallback(
    (text: string, tone: FlashTone) => {
      if (!live.current) return;
      cancel.current?.();
      setFlash({ text, tone });
      cancel.current = scheduler.schedule(() => {
        cancel.current = undefined;
        setFlash(undefined);
      }, ms);
    },
    [ms, scheduler],
  );
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
      cancel.current?.();
    };
  }, []);
  return { flash, show };
}
