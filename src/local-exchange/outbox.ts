/**
 * User-data event delivery. Events caused by a REST request are collected while it is processed
 * (synchronously) into that request's batch and, by default, sent right after its response is
 * written (the ack comes first); the beforeAck fault sends them first. Market-driven events
 * (resting fills, funding) and `external` actions go out at once. Each event passes the duplicate
 * / drop faults on its way out.
 */
import type { FaultEngine } from './fault-engine.ts';
import type { UserEventKind } from './venue.ts';

export interface Batch {
  readonly kinds: () => UserEventKind[];
  readonly release: () => void;
}

export class UserOutbox {
  private current: { msg: Record<string, unknown>; kind: UserEventKind }[] | undefined;
  delivered = 0;

  constructor(
    private readonly faults: FaultEngine,
    private readonly send: (msg: Record<string, unknown>) => void,
  ) {}

  push(msg: Record<string, unknown>, kind: UserEventKind): void {
    if (this.current !== undefined) this.current.push({ msg, kind });
    else this.deliver(msg, kind);
  }

  /** Runs `fn`, collecting the events it causes into a batch sent on `release()`; never throws. */
  collect<T>(fn: () => T): { ok: true; result: T; batch: Batch } | { ok: false; error: unknown; batch: Batch } {
    const events: { msg: Record<string, unknown>; kind: UserEventKind }[] = [];
    this.current = events;
    let released = false;
    const batch: Batch = {
      kinds: () => events.map((e) => e.kind),
      release: () => {
        if (released) return;
        released = true;
        for (const e of events) this.deliver(e.msg, e.kind);
      },
    };
    try {
      return { ok: true, result: fn(), batch };
    } catch (error) {
      return { ok: false, error, batch };
    } finally {
      this.current = undefined;
    }
  }

  private deliver(msg: Record<string, unknown>, kind: UserEventKind): void {
    const copies = this.faults.userCopies(kind);
    for (let i = 0; i < copies; i++) {
      this.send(msg);
      this.delivered++;
    }
  }
}
