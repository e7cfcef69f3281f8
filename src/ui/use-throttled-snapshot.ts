/**
 * The workstation snapshot, re-read at most `fps` times per second however often the engine
 * notifies. A notification costs one comparison: the first one after a render schedules a single
 * read for when the frame budget allows (never synchronously, so the engine's notify call returns
 * at once); the ones that follow before that read are coalesced into it. Only then is
 * `snapshot()` called and a render requested, and React skips the render when the engine returns
 * the same snapshot object.
 */
import { useEffect, useState } from 'react';
import type { Workstation, WorkstationSnapshot } from '../workstation/model.ts';
import { realScheduler, type Scheduler } from './scheduler.ts';

/** Default re-render rate, frames per second. */
export const DEFAULT_FPS = 4;

export function useThrottledSnapshot(ws: Workstation, fps: number = DEFAULT_FPS, scheduler: Scheduler = realScheduler): WorkstationSnapshot {
  const [snap, setSnap] = useState(() => ws.snapshot());
  useEffect(() => {
    const interval = fps > 0 ? 1000 / fps : 0;
    let cancel: (() => void) | undefined;
    let last = Number.NEGATIVE_INFINITY;
    const read = () => {
      cancel = undefined;
      last = scheduler.now();
      setSnap(ws.snapshot());
    };
    const unsubscribe = ws.subscribe(() => {
      if (cancel !== undefined) return;
      cancel = scheduler.schedule(read, Math.max(0, last + interval - scheduler.now()));
    });
    // Catch a change made between the first render and this subscription.
    setSnap(ws.snapshot());
    return () => {
      unsubscribe();
      cancel?.();
    };
  }, [ws, fps, scheduler]);
  return snap;
}
