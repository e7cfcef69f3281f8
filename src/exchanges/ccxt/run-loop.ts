/**
 * One long-running venue loop (a WebSocket watch or a REST poll): call `once` again and again
 * while the owner runs; after a failure, back off (250 ms doubling to 8 s) and try again; a
 * HaltError (refused key, unknown symbol) ends the loop and is handed to `onHalt`.
 * Invariant: each loop keeps its own failure count, so one loop's success never cuts short
 * another's backoff.
 */
import { HaltError, type ParityError } from '../../engine/index.ts';
import { mapCcxtError } from './errors.ts';
import { backoffMs } from './requester.ts';

export interface LoopOptions {
  /** Waits `ms` milliseconds (the requester's scheduler, so tests control time). */
  readonly sleep: (ms: number) => Promise<void>;
  /** False once the owner stops: the loop ends and a failure after that is not reported. */
  readonly running: () => boolean;
  /** One round: waits for the next message or poll. */
  readonly once: () => Promise<void>;
  /** After each round: ok, or the mapped error that failed it. */
  readonly onStatus: (error: ParityError | undefined) => void;
  /** The loop has ended on a HaltError; the owner stops and reports it. */
  readonly onHalt: (e: HaltError) => void;
}

/** Runs until the owner stops or a HaltError; never rejects. */
export async function runLoop(o: LoopOptions): Promise<void> {
  let failures = 0;
  while (o.running()) {
    try {
      await o.once();
      failures = 0;
      o.onStatus(undefined);
    } catch (err) {
      if (!o.running()) return;
      const e = mapCcxtError(err);
      o.onStatus(e);
      if (e instanceof HaltError) return o.onHalt(e);
      await o.sleep(backoffMs(failures++));
    }
  }
}
