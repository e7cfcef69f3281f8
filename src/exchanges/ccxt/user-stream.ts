/**
 * The user data stream: ccxt.pro's watchOrders and watchMyTrades, each in its own loop (with its
 * own backoff), feeding the venue adapter. A dropped connection is retried with backoff (ccxt
 * reconnects on the next watch call); a refused key halts. `connected` tells the status bar
 * whether the stream is live: a quiet account sends nothing for hours, so a watch that has been
 * waiting without an error for `graceMs` counts as connected (a refused or dropped connection
 * fails the watch within moments), as does one that just delivered.
 */
import type { HaltError } from '../../engine/index.ts';
import type { Requester } from './requester.ts';
import { runLoop } from './run-loop.ts';
import type { CcxtVenue } from './venue.ts';

interface LoopState {
  /** When the current watch started waiting (requester clock, ms); undefined while backing off after a failure. */
  waitingSince: number | undefined;
  /** The last round delivered (the connection is known good). */
  delivered: boolean;
}

export class UserStream {
  private running = false;
  private readonly loops: LoopState[] = [];
  lastError: string | undefined;

  constructor(
    private readonly requester: Pick<Requester, 'client' | 'sleep' | 'now'>,
    private readonly venue: Pick<CcxtVenue, 'onOrderUpdate' | 'onTrade'>,
    private readonly onHalt: (e: HaltError) => void,
    private readonly graceMs = 3000,
  ) {}

  /** Every loop is delivering, or waiting quietly on an open connection. */
  get connected(): boolean {
    if (!this.running || this.loops.length === 0) return false;
    const now = this.requester.now();
    return this.loops.every((l) => l.waitingSince !== undefined && (l.delivered || now - l.waitingSince >= this.graceMs));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const c = this.requester.client;
    this.loop(async () => {
      for (const o of await c.watchOrders()) this.venue.onOrderUpdate(o);
    });
    this.loop(async () => {
      for (const t of await c.watchMyTrades()) this.venue.onTrade(t);
    });
  }

  stop(): void {
    this.running = false;
  }

  private loop(once: () => Promise<void>): void {
    const st: LoopState = { waitingSince: this.requester.now(), delivered: false };
    this.loops.push(st);
    void runLoop({
      sleep: (ms) => this.requester.sleep(ms),
      running: () => this.running,
      once: () => {
        st.waitingSince = this.requester.now();
        return once();
      },
      onStatus: (e) => {
        st.delivered = e === undefined;
        st.waitingSince = e === undefined ? this.requester.now() : undefined;
        if (e !== undefined) this.lastError = e.message;
      },
      onHalt: (e) => {
        this.running = false;
        this.onHalt(e);
      },
    });
  }
}
