/**
 * The user data stream: ccxt.pro's watchOrders and watchMyTrades, each in its own loop (with its
 * own backoff), feeding the venue adapter. A dropped connection is retried with backoff (ccxt
 * reconnects on the next watch call); a refused key halts. `connected` tells the status bar
 * whether the stream is live.
 */
import type { HaltError } from '../../engine/index.ts';
import type { Requester } from './requester.ts';
import { runLoop } from './run-loop.ts';
import type { CcxtVenue } from './venue.ts';

export class UserStream {
  private running = false;
  connected = false;
  lastError: string | undefined;

  constructor(
    private readonly requester: Pick<Requester, 'client' | 'sleep'>,
    private readonly venue: Pick<CcxtVenue, 'onOrderUpdate' | 'onTrade'>,
    private readonly onHalt: (e: HaltError) => void,
  ) {}

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
    void runLoop({
      sleep: (ms) => this.requester.sleep(ms),
      running: () => this.running,
      once,
      onStatus: (e) => {
        this.connected = e === undefined;
        if (e !== undefined) this.lastError = e.message;
      },
      onHalt: (e) => {
        this.running = false;
        this.onHalt(e);
      },
    });
  }
}
